/**
 * What every checker returns: a verdict, the anomalies found by type, and checker-specific
 * details. `valid` is 'unknown' when the checker could not decide (search budget exhausted,
 * nothing to check); it is never true unless the whole history was checked.
 */

/** A checker's verdict. */
export type Validity = true | false | 'unknown';

/** The result of `check(history, opts)`. */
export interface CheckResult<Details = unknown> {
  readonly valid: Validity;
  /** Anomaly type → example cases (each a small plain object). Empty when none were found. */
  readonly anomalies: Readonly<Record<string, readonly unknown[]>>;
  readonly details: Details;
}

/** The anomaly types of a result, sorted. */
export function anomalyTypes(result: CheckResult): string[] {
  return Object.keys(result.anomalies).sort();
}

/** Combines verdicts: any false is false, else any unknown is unknown, else true. */
export function mergeValidity(vs: readonly Validity[]): Validity {
  if (vs.includes(false)) return false;
  if (vs.includes('unknown')) return 'unknown';
  return true;
}

/** Structural equality of plain (JSON-like) values, as the checkers compare observed values. */
export function plainEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (a === null || b === null || typeof a !== 'object' || typeof b !== 'object') return false;
  if (Array.isArray(a) !== Array.isArray(b)) return false;
  if (Array.isArray(a) && Array.isArray(b)) {
    return a.length === b.length && a.every((x, i) => plainEqual(x, b[i]));
  }
  const ka = Object.keys(a as object);
  const kb = Object.keys(b as object);
  return ka.length === kb.length && ka.every((k) => plainEqual((a as Record<string, unknown>)[k], (b as Record<string, unknown>)[k]));
}

/** A canonical string for a plain value, usable as a map key (object keys sorted). */
export function plainKey(v: unknown): string {
  if (v === null || typeof v !== 'object') return JSON.stringify(v) ?? 'undefined';
  if (Array.isArray(v)) return '[' + v.map(plainKey).join(',') + ']';
  const o = v as Record<string, unknown>;
  return '{' + Object.keys(o).sort().map((k) => JSON.stringify(k) + ':' + plainKey(o[k])).join(',') + '}';
}
