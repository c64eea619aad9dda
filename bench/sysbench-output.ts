/**
 * Parser for the text report of `sysbench … run` (sysbench 1.0.x): throughput, latency,
 * error counters, the optional latency histogram, FATAL lines, and the `ledger:` lines that
 * bench/ledger.lua prints. Pure: text in, figures out.
 */

/** One bucket of sysbench's `--histogram=on` output (value in milliseconds). */
export interface HistogramBucket {
  readonly value: number;
  readonly count: number;
}

/** What one sysbench run reported. A field is null when the report did not contain it. */
export interface SysbenchReport {
  readonly transactions: number | null;
  readonly tps: number | null;
  readonly queries: number | null;
  readonly qps: number | null;
  readonly ignoredErrors: number | null;
  readonly reconnects: number | null;
  readonly totalTimeSec: number | null;
  readonly latencyMs: { readonly min: number | null; readonly avg: number | null; readonly max: number | null };
  /** The percentile sysbench printed (`--percentile`, 95 by default) and its latency. */
  readonly percentile: { readonly at: number; readonly ms: number } | null;
  readonly histogram: readonly HistogramBucket[];
  /** Every `FATAL: …` line, without the prefix, in order. */
  readonly fatal: readonly string[];
  /** Every `ledger: key=value …` line printed by bench/ledger.lua, parsed. */
  readonly ledgerLines: readonly Readonly<Record<string, string>>[];
  /** Errors sysbench ignored and retried, by errno and message (bench/oltp-errors.lua). */
  readonly ignoredErrorKinds: readonly IgnoredErrorKind[];
}

/** One kind of ignored error and how often the run met it (summed over threads). */
export interface IgnoredErrorKind {
  readonly errno: number;
  readonly message: string;
  readonly count: number;
}

/** Parses the output of one `sysbench … run`; tolerant of missing sections (a failed run). */
export function parseSysbenchOutput(text: string): SysbenchReport {
  const lines = text.split(/\r?\n/);
  const countAndRate = (label: string): { count: number; rate: number } | null => {
    const re = new RegExp(`^\\s*${label}:\\s+(\\d+)\\s+\\(([\\d.]+) per sec\\.\\)`);
    for (const line of lines) {
      const m = re.exec(line);
      if (m) return { count: Number(m[1]), rate: Number(m[2]) };
    }
    return null;
  };
  const transactions = countAndRate('transactions');
  const queries = countAndRate('queries');
  return {
    transactions: transactions?.count ?? null,
    tps: transactions?.rate ?? null,
    queries: queries?.count ?? null,
    qps: queries?.rate ?? null,
    ignoredErrors: countAndRate('ignored errors')?.count ?? null,
    reconnects: countAndRate('reconnects')?.count ?? null,
    totalTimeSec: numberAfter(lines, /^\s*total time:\s+([\d.]+)s/),
    latencyMs: {
      min: numberAfter(lines, /^\s*min:\s+([\d.]+)/),
      avg: numberAfter(lines, /^\s*avg:\s+([\d.]+)/),
      max: numberAfter(lines, /^\s*max:\s+([\d.]+)/),
    },
    percentile: parsePercentile(lines),
    histogram: parseHistogram(lines),
    fatal: lines.filter((l) => l.startsWith('FATAL: ')).map((l) => shorten(l.slice('FATAL: '.length))),
    ledgerLines: lines.filter((l) => l.startsWith('ledger: ')).map(parseKeyValues),
    ignoredErrorKinds: parseIgnoredErrors(lines),
  };
}

const fatalCharsMax = 600;

/**
 * A FATAL line cut to a readable length: sysbench quotes the whole failing query (a bulk
 * INSERT is kilobytes long); the error text comes first and is kept whole.
 */
export function shorten(line: string): string {
  if (line.length <= fatalCharsMax) return line;
  return `${line.slice(0, fatalCharsMax - 120)} …[${line.length - fatalCharsMax + 20} chars]… ${line.slice(-100)}`;
}

/** The first number captured by `re` on any line, or null. */
function numberAfter(lines: readonly string[], re: RegExp): number | null {
  for (const line of lines) {
    const m = re.exec(line);
    if (m) return Number(m[1]);
  }
  return null;
}

function parsePercentile(lines: readonly string[]): { at: number; ms: number } | null {
  for (const line of lines) {
    const m = /^\s*(\d+)th percentile:\s+([\d.]+)/.exec(line);
    if (m) return { at: Number(m[1]), ms: Number(m[2]) };
  }
  return null;
}

/** Buckets between the histogram header and the first blank line after it. */
function parseHistogram(lines: readonly string[]): HistogramBucket[] {
  const start = lines.findIndex((l) => l.startsWith('Latency histogram'));
  if (start < 0) return [];
  const buckets: HistogramBucket[] = [];
  for (const line of lines.slice(start + 2)) {
    const m = /^\s*([\d.]+)\s+\|[* ]*\s(\d+)\s*$/.exec(line);
    if (!m) break;
    buckets.push({ value: Number(m[1]), count: Number(m[2]) });
  }
  return buckets;
}

/** Sums the `ignored-error: errno=N count=C message=…` lines of every thread, most frequent first. */
function parseIgnoredErrors(lines: readonly string[]): IgnoredErrorKind[] {
  const byKey = new Map<string, IgnoredErrorKind>();
  for (const line of lines) {
    const m = /^ignored-error: errno=(\d+) count=(\d+) message=(.*)$/.exec(line);
    if (!m) continue;
    const key = `${m[1]} ${m[3]}`;
    const known = byKey.get(key);
    byKey.set(key, { errno: Number(m[1]), message: m[3]!.trim(), count: (known?.count ?? 0) + Number(m[2]) });
  }
  return [...byKey.values()].sort((a, b) => b.count - a.count);
}

/** `ledger: a=1 b=x` → { a: '1', b: 'x' }. */
export function parseKeyValues(line: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const m of line.matchAll(/(\w+)=(\S+)/g)) out[m[1]!] = m[2]!;
  return out;
}

/**
 * A one-line description of why a run failed, or null when it did not: the FATAL lines
 * (MySQL's error text is among them), else a non-zero exit, else a report with no
 * throughput. `ignored errors` (deadlocks sysbench retried) are not a failure.
 */
export function failureText(report: SysbenchReport, exitCode: number | null, timedOut: boolean): string | null {
  if (timedOut) return `sysbench did not finish in time and was killed${report.fatal.length > 0 ? ': ' + report.fatal.join(' | ') : ''}`;
  if (report.fatal.length > 0) return report.fatal.join(' | ');
  if (exitCode !== 0) return `sysbench exited with code ${exitCode}`;
  if (report.tps === null) return 'sysbench printed no transaction rate';
  return null;
}
