/**
 * What a run concludes, as written to `results.json`: per workload the checker's verdict, its
 * anomalies with the offending operations, and operation counts; plus the run's parameters
 * and any harness errors (a fault that could not be applied, final reads that never succeeded).
 */
import type { Validity } from '../checkers/check-result.js';
import type { Plain } from '../history/edn.js';
import type { HarnessOp } from '../harness/history-recorder.js';

/** One workload's outcome. */
export interface WorkloadResult {
  readonly workload: string;
  readonly valid: Validity;
  readonly counts: { readonly ok: number; readonly fail: number; readonly info: number };
  /** Anomaly type → cases, as the checker reported them (at most `casesPerAnomalyMax`). */
  readonly anomalies: Readonly<Record<string, readonly unknown[]>>;
  /** History ops named by the anomaly cases (by index, or a lost element's add). */
  readonly offendingOps: readonly HarnessOp[];
  readonly details: unknown;
}

/** A whole run's outcome. */
export interface RunResult {
  readonly run: string;
  readonly valid: Validity;
  readonly startedAt: string;
  readonly parameters: Readonly<Record<string, Plain>>;
  readonly workloads: readonly WorkloadResult[];
  readonly nemesisWindows: number;
  readonly errors: readonly string[];
}

/** Cases kept per anomaly type in results.json. */
export const casesPerAnomalyMax = 20;

/**
 * The ops an anomaly's cases point at: fields `index`/`invokeIndex` (history positions of the
 * workload's own history) and, for a set's lost or unexpected elements, the adds of them.
 */
export function offendingOps(history: readonly HarnessOp[], anomalies: Readonly<Record<string, readonly unknown[]>>): HarnessOp[] {
  const picked = new Map<number, HarnessOp>();
  const addsByValue = new Map<string, HarnessOp[]>();
  for (const op of history) {
    if (op.f !== 'add') continue;
    const list = addsByValue.get(JSON.stringify(op.value)) ?? [];
    list.push(op);
    addsByValue.set(JSON.stringify(op.value), list);
  }
  const visit = (c: unknown, depth: number): void => {
    if (picked.size >= 200 || depth > 4) return;
    if (typeof c === 'number' || typeof c === 'string') {
      for (const op of addsByValue.get(JSON.stringify(c)) ?? []) picked.set(op.index, op);
      return;
    }
    if (c === null || typeof c !== 'object') return;
    if (Array.isArray(c)) return c.forEach((x) => visit(x, depth + 1));
    const rec = c as Record<string, unknown>;
    for (const field of ['index', 'invokeIndex']) {
      const i = rec[field];
      if (typeof i === 'number' && history[i] !== undefined) picked.set(i, history[i] as HarnessOp);
    }
    for (const v of Object.values(rec)) if (typeof v === 'object') visit(v, depth + 1);
  };
  for (const cases of Object.values(anomalies)) for (const c of cases.slice(0, casesPerAnomalyMax)) visit(c, 0);
  return [...picked.values()].sort((a, b) => a.index - b.index);
}

/** Anomalies with at most `casesPerAnomalyMax` cases each. */
export function trimAnomalies(anomalies: Readonly<Record<string, readonly unknown[]>>): Record<string, unknown[]> {
  return Object.fromEntries(Object.entries(anomalies).map(([k, v]) => [k, v.slice(0, casesPerAnomalyMax)]));
}
