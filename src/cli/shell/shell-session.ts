/**
 * The `atoll sql` session loop over any ShellConnection. Three ways to run, as the mysql client:
 *   interactive (stdin is a terminal): prompts `atoll> ` / `    -> `, persistent history,
 *     boxed tables with footers, errors reported and the session goes on;
 *   batch (stdin piped): tab-separated output with a header line, no footers, stops at the
 *     first error with `ERROR … at line N` and exit code 1;
 *   execute (`-e SQL`): like batch, but boxed tables (without footers) when stdout is a terminal.
 */
import { createInterface, type Interface } from 'node:readline';
import { limits } from '../../base/limits.js';
import { formatBatch, formatTable, formatVertical, okFooter, rowsFooter } from './result-format.js';
import { isShellServerError, type ShellConnection, type ShellResult } from './shell-connection.js';
import { loadHistory, saveHistory } from './shell-history.js';
import { StatementSplitter, type SplitEvent } from './statement-splitter.js';

/** How results and errors are printed. */
type OutputStyle = 'interactive' | 'table' | 'batch';

/** Everything the session loop needs; `runShell` fills it from the real process. */
export interface ShellSessionOptions {
  readonly connect: (database: string | null) => Promise<ShellConnection>;
  readonly database?: string;
  /** Statements to run instead of reading stdin (`-e`). */
  readonly execute?: string;
  /** Print every result vertically (`-E`). */
  readonly vertical?: boolean;
  readonly stdin: NodeJS.ReadableStream;
  readonly stdout: NodeJS.WritableStream;
  readonly stderr: NodeJS.WritableStream;
  /** Prompt and keep going after errors; default: stdin is a terminal. */
  readonly interactive?: boolean;
  /** stdout is a terminal (tables for `-e`); default: its isTTY. */
  readonly stdoutIsTerminal?: boolean;
  /** Where interactive history persists; null for none. */
  readonly historyFile?: string | null;
  /** Milliseconds clock for the `(0.01 sec)` timings. */
  readonly now?: () => number;
}

const primaryPrompt = 'atoll> ';
const banner = 'Welcome to the Atoll SQL shell. Statements end with ; or \\g, or \\G for vertical rows.\n' + "Type '\\c' to clear the statement being typed, '\\q' to quit.\n\n";

/** Runs a session to its end; resolves to the process exit code. */
export async function runShellSession(options: ShellSessionOptions): Promise<number> {
  const isTty = (stream: unknown): boolean => (stream as { isTTY?: boolean }).isTTY === true;
  const interactive = options.execute === undefined && (options.interactive ?? isTty(options.stdin));
  const style: OutputStyle = interactive ? 'interactive' : options.execute !== undefined && (options.stdoutIsTerminal ?? isTty(options.stdout)) ? 'table' : 'batch';
  const executor = new StatementExecutor(options, style);
  if (!(await executor.open())) return 1;
  try {
    if (options.execute !== undefined) return await runLines(options.execute.split('\n'), executor);
    if (!interactive) return await runLines(createInterface({ input: options.stdin, terminal: false }), executor);
    await runInteractive(options, executor);
    return 0;
  } finally {
    await executor.close();
  }
}

/** Batch and `-e`: runs statements until the end or the first error. */
async function runLines(lines: Iterable<string> | AsyncIterable<string>, executor: StatementExecutor): Promise<number> {
  const splitter = new StatementSplitter();
  try {
    for await (const line of lines) {
      const outcome = await executor.runEvents(splitter.push(line));
      if (outcome !== 'continue') return outcome === 'failed' ? 1 : 0;
    }
    return (await executor.runEvents(splitter.finish())) === 'failed' ? 1 : 0;
  } finally {
    if (isReadline(lines)) lines.close();
  }
}

function isReadline(value: unknown): value is Interface {
  return typeof (value as Interface).close === 'function' && typeof (value as Interface).setPrompt === 'function';
}

/** The prompt loop. */
async function runInteractive(options: ShellSessionOptions, executor: StatementExecutor): Promise<void> {
  const terminal = (options.stdin as { isTTY?: boolean }).isTTY === true;
  let history = terminal ? loadHistory(options.historyFile ?? null) : [];
  const rl = createInterface({ input: options.stdin, output: options.stdout, terminal, history, historySize: limits.shellHistoryLinesMax, prompt: primaryPrompt });
  rl.on('history', (lines: string[]) => (history = lines));
  const splitter = new StatementSplitter();
  rl.on('SIGINT', () => {
    splitter.clear();
    options.stdout.write('^C\n');
    rl.setPrompt(primaryPrompt);
    rl.prompt();
  });
  options.stdout.write(banner);
  rl.prompt();
  try {
    for await (const line of rl) {
      if ((await executor.runEvents(splitter.push(line))) === 'quit') break;
      rl.setPrompt(promptFor(splitter));
      rl.prompt();
    }
    options.stdout.write('Bye\n');
  } finally {
    rl.close();
    if (terminal) saveHistory(options.historyFile ?? null, history);
  }
}

/** The continuation prompt shows what is left open, as mysql's does. */
function promptFor(splitter: StatementSplitter): string {
  if (!splitter.pending) return primaryPrompt;
  const open = splitter.openConstruct;
  if (open === null) return '    -> ';
  return open === '/*' ? '   /*> ' : `    ${open}> `;
}

/** Runs statements on the connection and prints what they return. */
class StatementExecutor {
  private connection: ShellConnection | null = null;
  private database: string | null;
  private readonly now: () => number;

  constructor(
    private readonly options: ShellSessionOptions,
    private readonly style: OutputStyle,
  ) {
    this.database = options.database ?? null;
    this.now = options.now ?? (() => performance.now());
  }

  /** Connects; prints the error and returns false when it cannot. */
  async open(): Promise<boolean> {
    try {
      this.connection = await this.options.connect(this.database);
      return true;
    } catch (error) {
      this.options.stderr.write(errorLine(error, null));
      return false;
    }
  }

  async close(): Promise<void> {
    await this.connection?.close();
    this.connection = null;
  }

  /** Runs the events of one line: 'quit' when asked to, 'failed' at an error outside interactive mode. */
  async runEvents(events: readonly SplitEvent[]): Promise<'continue' | 'quit' | 'failed'> {
    for (const event of events) {
      switch (event.kind) {
        case 'quit':
          return 'quit';
        case 'clear':
          break;
        case 'unknown-command':
          this.options.stderr.write(`ERROR: Unknown command '${event.command}'.\n`);
          if (this.style !== 'interactive') return 'failed';
          break;
        case 'statement':
          if (!(await this.runStatement(event.sql, event.vertical, event.line)) && this.style !== 'interactive') return 'failed';
          break;
      }
    }
    return 'continue';
  }

  /** Runs one statement and prints its result or error; false on error. */
  private async runStatement(sql: string, vertical: boolean, line: number): Promise<boolean> {
    if (this.connection === null || this.connection.broken === true) {
      if (this.style !== 'interactive') return this.fail(new Error('no connection'), line);
      this.options.stdout.write('No connection. Trying to reconnect...\n');
      await this.connection?.close();
      this.connection = null;
      if (!(await this.open())) return false;
    }
    const startedMs = this.now();
    let result: ShellResult;
    try {
      result = await this.connection!.query(sql);
    } catch (error) {
      return this.fail(error, line);
    }
    const elapsedMs = this.now() - startedMs;
    const used = /^USE\s+`?([^`\s;]+)`?\s*$/i.exec(sql);
    if (used !== null) this.database = used[1]!;
    this.options.stdout.write(this.render(result, vertical || this.options.vertical === true, elapsedMs));
    return true;
  }

  private fail(error: unknown, line: number): false {
    this.options.stderr.write(errorLine(error, this.style === 'interactive' ? null : line));
    if (this.style === 'interactive') this.options.stderr.write('\n');
    return false;
  }

  private render(result: ShellResult, vertical: boolean, elapsedMs: number): string {
    if (!('rows' in result)) return this.style === 'interactive' ? okFooter(result.affectedRows, result.warningCount, result.info, elapsedMs) + '\n' : '';
    const { columns, rows } = result;
    const body = rows.length === 0 ? '' : vertical ? formatVertical(columns, rows) : this.style === 'batch' ? formatBatch(columns, rows) : formatTable(columns, rows);
    return this.style === 'interactive' ? body + rowsFooter(rows.length, 0, elapsedMs) + '\n' : body;
  }
}

/** `ERROR 1146 (42S02): …`, with `at line N` outside interactive mode, as mysql prints it. */
export function errorLine(error: unknown, line: number | null): string {
  const where = line === null ? '' : ` at line ${line}`;
  if (isShellServerError(error)) return `ERROR ${error.errno} (${error.sqlState})${where}: ${error.message}\n`;
  return `ERROR${where}: ${error instanceof Error ? error.message : String(error)}\n`;
}
