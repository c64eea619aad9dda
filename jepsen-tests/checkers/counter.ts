/**
 * Jepsen's counter checker: increments (`add`, non-negative) and reads of one counter. A read
 * must lie between the sum of the adds certainly done before it began (ok before its
 * invocation) and the sum of the adds that may have been done by the time it ended (invoked
 * before its completion, not known to have failed).
 */
import type { Op } from '../history/op.js';
import { isClientOp, pairOps } from '../history/op.js';
import type { CheckResult } from './check-result.js';

/** Details of a counter check. */
export interface CounterDetails {
  readonly readCount: number;
  /** Final bounds: [sum of ok adds, sum of attempted adds]. */
  readonly bounds: readonly [number, number];
}

/** Checks a counter history. */
export function checkCounter(history: readonly Op[]): CheckResult<CounterDetails> {
  const failed = new Set(pairOps(history).filter((o) => o.type === 'fail').map((o) => o.invokeIndex));
  let lower = 0;
  let upper = 0;
  const readLower = new Map<number | string | null, number>();
  const errors: unknown[] = [];
  const malformed: unknown[] = [];
  let reads = 0;
  for (const op of history) {
    if (!isClientOp(op)) continue;
    if (op.f === 'add') {
      if (typeof op.value !== 'number') {
        malformed.push({ index: op.index, value: op.value });
        continue;
      }
      if (op.type === 'invoke' && !failed.has(op.index)) upper += op.value;
      else if (op.type === 'ok') lower += op.value;
    } else if (op.f === 'read') {
      if (op.type === 'invoke') readLower.set(op.process, lower);
      else if (op.type === 'ok') {
        reads++;
        const low = readLower.get(op.process) ?? 0;
        if (typeof op.value !== 'number' || op.value < low || op.value > upper) errors.push({ index: op.index, value: op.value, lower: low, upper });
      }
    }
  }
  const anomalies: Record<string, unknown[]> = {};
  if (errors.length > 0) anomalies['out-of-bounds-read'] = errors;
  if (malformed.length > 0) anomalies['malformed-add'] = malformed;
  return { valid: Object.keys(anomalies).length === 0, anomalies, details: { readCount: reads, bounds: [lower, upper] } };
}
