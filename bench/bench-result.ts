/**
 * The shape of one benchmark run's results, shared by every benchmark (sysbench, ledger and
 * the in-process raft/storage/sql ones) and by the writer of JSON, Markdown and SVG.
 */
import { ratio, summarize, type Summary } from './stats.js';
import type { MachineFacts } from './machine-facts.js';

/** One system's measurements of one figure over the repeated runs. */
export interface Side {
  /** `atoll`, `mariadb`, or another name for in-process benchmarks. */
  readonly system: string;
  readonly samples: readonly number[];
  readonly summary: Summary | null;
  /** Why runs failed (error texts, once each), empty when every run succeeded. */
  readonly failures: readonly string[];
}

/** One figure (e.g. tps of oltp_point_select at 8 threads) on one or two systems. */
export interface Figure {
  /** What was run, e.g. `oltp_point_select, 8 threads`. */
  readonly group: string;
  /** What was measured, e.g. `tps`, `p95 latency`. */
  readonly metric: string;
  readonly unit: string;
  readonly higherIsBetter: boolean;
  /** The subject first (Atoll), the baseline second when there is one. */
  readonly sides: readonly Side[];
  /** sides[0].median ÷ sides[1].median, or null. */
  readonly ratio: number | null;
  /** Drawn in the chart (one headline figure per group). */
  readonly headline: boolean;
}

/** A correctness check made by a benchmark (e.g. the ledger's total balance). */
export interface Check {
  readonly name: string;
  readonly system: string;
  readonly passed: boolean;
  readonly detail: string;
}

/** Everything one benchmark run leaves behind. */
export interface BenchResult {
  readonly name: string;
  readonly startedAt: string;
  readonly finishedAt: string;
  readonly machine: MachineFacts;
  readonly settings: Readonly<Record<string, unknown>>;
  /** Every command line the run executed against a server, in a representative form. */
  readonly commands: readonly string[];
  readonly figures: readonly Figure[];
  readonly checks: readonly Check[];
  /** Free-form remarks: skipped systems, servers that died, and why. */
  readonly notes: readonly string[];
  /** Per-run raw records (one per sysbench invocation), for whoever wants to dig. */
  readonly runs: readonly unknown[];
}

/** Builds a Side from its samples and failures. */
export function side(system: string, samples: readonly number[], failures: readonly string[] = []): Side {
  return { system, samples: [...samples], summary: summarize(samples), failures: unique(failures) };
}

/** Builds a Figure, computing the ratio of the first side over the second. */
export function figure(spec: { group: string; metric: string; unit: string; higherIsBetter: boolean; headline?: boolean }, sides: readonly Side[]): Figure {
  const r = sides.length >= 2 ? ratio(sides[0]!.summary, sides[1]!.summary) : null;
  return { ...spec, headline: spec.headline ?? false, sides, ratio: r };
}

function unique(texts: readonly string[]): string[] {
  return [...new Set(texts)];
}
