/**
 * Runs the stock `sysbench` binary (its MySQL C client drives the load, not Node) against
 * one server, keeps the raw output in the run's log folder and parses it.
 */
import { appendFileSync } from 'node:fs';
import { failureText, parseSysbenchOutput, type SysbenchReport } from './sysbench-output.js';
import { runCommand } from './processes.js';

/** One sysbench invocation. */
export interface SysbenchInvocation {
  /** A bundled test name (`oltp_point_select`) or a path to a Lua script. */
  readonly script: string;
  /** `prepare`, `run`, `cleanup` or a command the script defines (`verify`). */
  readonly command: string;
  readonly port: number;
  readonly database: string;
  /** Further `--key=value` arguments (threads, time, table size, …). */
  readonly extra: readonly string[];
  /** Killed after this long, whatever sysbench is doing. */
  readonly timeoutMs: number;
  /** The raw output is appended here, after a header naming the command. */
  readonly logFile: string;
  /** Extra environment variables (e.g. ATOLL_BENCH_WORKLOAD for bench/oltp-errors.lua). */
  readonly env?: Readonly<Record<string, string>>;
}

/** What came of it. */
export interface SysbenchOutcome {
  readonly commandLine: string;
  readonly report: SysbenchReport;
  /** Null on success; else the error text (sysbench's FATAL lines carry MySQL's message). */
  readonly failure: string | null;
  readonly output: string;
  readonly elapsedMs: number;
}

/** The argument list for an invocation (exported for the results' command list and tests). */
export function sysbenchArgs(inv: Pick<SysbenchInvocation, 'script' | 'command' | 'port' | 'database' | 'extra'>): string[] {
  return [
    inv.script,
    '--db-driver=mysql',
    '--mysql-host=127.0.0.1',
    `--mysql-port=${inv.port}`,
    '--mysql-user=root',
    `--mysql-db=${inv.database}`,
    ...inv.extra,
    inv.command,
  ];
}

/** Runs sysbench and returns the parsed report; never throws for a failed run. */
export async function runSysbench(inv: SysbenchInvocation): Promise<SysbenchOutcome> {
  const args = sysbenchArgs(inv);
  const envText = Object.entries(inv.env ?? {}).map(([k, v]) => `${k}=${v} `).join('');
  const commandLine = envText + ['sysbench', ...args].join(' ');
  const result = await runCommand('sysbench', args, { timeoutMs: inv.timeoutMs, env: { ...process.env, ...inv.env } });
  const output = result.stdout + (result.stderr ? `\n${result.stderr}` : '');
  appendFileSync(inv.logFile, `\n===== ${new Date().toISOString()} ${commandLine}\n${output}\n===== exit ${result.exitCode}${result.timedOut ? ' (timed out)' : ''}\n`);
  const report = parseSysbenchOutput(output);
  let failure = failureText(report, result.exitCode, result.timedOut);
  if (failure !== null && inv.command !== 'run' && result.exitCode === 0 && !result.timedOut && report.fatal.length === 0) failure = null;
  if (failure !== null && report.fatal.length === 0 && result.stderr.trim() !== '') failure += `: ${lastLines(result.stderr, 3)}`;
  return { commandLine, report, failure, output, elapsedMs: result.elapsedMs };
}

function lastLines(text: string, n: number): string {
  return text.trim().split('\n').slice(-n).join(' | ');
}
