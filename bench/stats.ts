/**
 * Small, pure statistics for benchmark figures: min/median/max of repeated runs, and the
 * Atoll ÷ MariaDB ratio. Medians, not means: one run disturbed by another tenant of this
 * shared machine must not move the reported figure.
 */
import { assert } from '../src/base/assert.js';

/** The spread of one figure over repeated runs. */
export interface Summary {
  readonly min: number;
  readonly median: number;
  readonly max: number;
  /** How many runs the summary is made of (at least 1). */
  readonly count: number;
}

/** The median of `values` (mean of the two middle values for an even count). */
export function median(values: readonly number[]): number {
  assert(values.length > 0, 'median of no values');
  for (const v of values) assert(Number.isFinite(v), `median of a non-finite value: ${v}`);
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

/** min/median/max of `values`, or null when there are none (every run failed). */
export function summarize(values: readonly number[]): Summary | null {
  if (values.length === 0) return null;
  const median_ = median(values);
  const summary = { min: Math.min(...values), median: median_, max: Math.max(...values), count: values.length };
  assert(summary.min <= summary.median && summary.median <= summary.max, 'summary out of order');
  return summary;
}

/**
 * Atoll's median over MariaDB's median, or null when either side has no figure or the
 * denominator is zero. A ratio above 1 means Atoll's figure is larger (better for a
 * throughput, worse for a latency: the reader is told which by the figure's unit).
 */
export function ratio(atoll: Summary | null, baseline: Summary | null): number | null {
  if (atoll === null || baseline === null || baseline.median === 0) return null;
  return atoll.median / baseline.median;
}

/**
 * The `fraction` quantile (0 < fraction ≤ 1) of a latency histogram given as buckets of
 * (upper value, count) in ascending value order: the smallest bucket value at which the
 * cumulative count reaches `fraction` of the total. Null for an empty histogram.
 */
export function histogramQuantile(buckets: readonly { readonly value: number; readonly count: number }[], fraction: number): number | null {
  assert(fraction > 0 && fraction <= 1, `quantile fraction out of range: ${fraction}`);
  const total = buckets.reduce((sum, b) => sum + b.count, 0);
  if (total === 0) return null;
  const wanted = Math.ceil(total * fraction);
  let seen = 0;
  for (const bucket of buckets) {
    seen += bucket.count;
    if (seen >= wanted) return bucket.value;
  }
  return buckets[buckets.length - 1]!.value;
}
