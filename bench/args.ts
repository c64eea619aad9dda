/**
 * A small hand-written argv parser for `npm run bench -- <name> [--key value | --key=value
 * | --flag]` (commander belongs to src/cli/main.ts alone). Unknown options are errors, so a
 * typo never silently runs the wrong benchmark.
 */

/** The parsed command line: the benchmark name and its options as strings. */
export interface ParsedArgs {
  readonly command: string | null;
  readonly options: ReadonlyMap<string, string>;
}

/** Thrown for a command line that cannot be understood; main prints its message and usage. */
export class UsageError extends Error {
  override readonly name = 'UsageError';
}

/** Splits argv (without node and the script) into a command and `--key value` options. */
export function parseArgs(argv: readonly string[], flags: ReadonlySet<string> = new Set(['help', 'keep-data'])): ParsedArgs {
  const options = new Map<string, string>();
  let command: string | null = null;
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (arg === '-h') {
      options.set('help', 'true');
      continue;
    }
    if (!arg.startsWith('--')) {
      if (command !== null) throw new UsageError(`unexpected argument: ${arg}`);
      command = arg;
      continue;
    }
    const eq = arg.indexOf('=');
    const key = eq >= 0 ? arg.slice(2, eq) : arg.slice(2);
    if (key === '') throw new UsageError(`empty option name: ${arg}`);
    if (eq >= 0) options.set(key, arg.slice(eq + 1));
    else if (flags.has(key)) options.set(key, 'true');
    else {
      const value = argv[i + 1];
      if (value === undefined || value.startsWith('--')) throw new UsageError(`option --${key} needs a value`);
      options.set(key, value);
      i += 1;
    }
  }
  return { command, options };
}

/** Typed, validated reads of the options a benchmark accepts; remembers which were read. */
export class OptionReader {
  private readonly used = new Set<string>();

  constructor(private readonly options: ReadonlyMap<string, string>) {}

  /** A positive integer option, or `fallback`. */
  positiveInt(key: string, fallback: number): number {
    const raw = this.take(key);
    if (raw === undefined) return fallback;
    return toPositiveInt(key, raw);
  }

  /** A comma-separated list of positive integers (e.g. `--threads 1,8`), or `fallback`. */
  positiveIntList(key: string, fallback: readonly number[]): number[] {
    const raw = this.take(key);
    if (raw === undefined) return [...fallback];
    const list = raw.split(',').map((part) => toPositiveInt(key, part.trim()));
    if (list.length === 0) throw new UsageError(`--${key} needs at least one number`);
    return list;
  }

  /** A comma-separated list of words each in `allowed`, or `fallback`. */
  choiceList(key: string, allowed: readonly string[], fallback: readonly string[]): string[] {
    const raw = this.take(key);
    if (raw === undefined) return [...fallback];
    const list = raw.split(',').map((s) => s.trim()).filter((s) => s !== '');
    for (const item of list) if (!allowed.includes(item)) throw new UsageError(`--${key}: '${item}' is not one of ${allowed.join(', ')}`);
    if (list.length === 0) throw new UsageError(`--${key} needs at least one value`);
    return list;
  }

  /** A string option, or `fallback`. */
  string(key: string, fallback: string): string {
    return this.take(key) ?? fallback;
  }

  /** True when the flag was given. */
  flag(key: string): boolean {
    const raw = this.take(key);
    return raw !== undefined && raw !== 'false';
  }

  /** Throws for any option that no reader method asked for. */
  rejectUnknown(): void {
    for (const key of this.options.keys()) if (!this.used.has(key)) throw new UsageError(`unknown option --${key}`);
  }

  /** The options no reader method asked for, as key/value pairs. */
  unread(): [string, string][] {
    return [...this.options].filter(([key]) => !this.used.has(key));
  }

  private take(key: string): string | undefined {
    this.used.add(key);
    return this.options.get(key);
  }
}

function toPositiveInt(key: string, raw: string): number {
  if (!/^\d+$/.test(raw)) throw new UsageError(`--${key}: '${raw}' is not a positive integer`);
  const n = Number(raw);
  if (!Number.isSafeInteger(n) || n <= 0) throw new UsageError(`--${key}: '${raw}' is not a positive integer`);
  return n;
}
