/**
 * The data-driven test format of raft/testdata/*.txt (after etcd's datadriven): each case is
 * a command line, a `----` line and the expected output, cases separated by blank lines;
 * `#` lines are comments. Pure text in, text out: the test reads and (with RAFT_REWRITE=1)
 * rewrites the files.
 */

/** One command of a script and the output it is expected to print. */
export interface DataDrivenCase {
  /** Comment lines just before the command, kept when rewriting. */
  readonly comments: readonly string[];
  readonly command: string;
  readonly expected: string;
  /** 1-based line of the command, for failure messages. */
  readonly line: number;
}

/** Splits a script into cases. */
export function parseDataDriven(text: string): DataDrivenCase[] {
  const lines = text.split('\n');
  const cases: DataDrivenCase[] = [];
  let comments: string[] = [];
  let i = 0;
  while (i < lines.length) {
    const line = lines[i]!;
    if (line.trim() === '') {
      i++;
      continue;
    }
    if (line.startsWith('#')) {
      comments.push(line);
      i++;
      continue;
    }
    const commandLine = i + 1;
    i++;
    if (lines[i] !== '----') throw new Error(`line ${commandLine}: expected ---- after command`);
    i++;
    const out: string[] = [];
    while (i < lines.length && lines[i]!.trim() !== '') out.push(lines[i++]!);
    cases.push({ comments, command: line, expected: out.join('\n'), line: commandLine });
    comments = [];
  }
  return cases;
}

/** Renders cases back to a script, with `actual` outputs in place of the expected ones. */
export function formatDataDriven(cases: readonly DataDrivenCase[], actual: readonly string[]): string {
  const blocks = cases.map((c, k) => [...c.comments, c.command, '----', actual[k]!].join('\n'));
  return blocks.join('\n\n') + '\n';
}

/** A parsed command: name, positional arguments and key=value options. */
export interface ParsedCommand {
  readonly name: string;
  readonly args: readonly string[];
  readonly options: ReadonlyMap<string, string>;
}

/** Parses `name a b key=value key=(1,2)`. */
export function parseCommand(line: string): ParsedCommand {
  const [name, ...rest] = line.trim().split(/\s+/);
  const args: string[] = [];
  const options = new Map<string, string>();
  for (const word of rest) {
    const eq = word.indexOf('=');
    if (eq > 0) options.set(word.slice(0, eq), word.slice(eq + 1));
    else args.push(word);
  }
  return { name: name!, args, options };
}
