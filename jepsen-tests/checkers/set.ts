/**
 * Jepsen's set checkers. `checkSet`: adds of unique elements, then a final read; every
 * acknowledged add must be in it (else lost), and it may hold only attempted elements (else
 * unexpected). `checkSetFull`: reads throughout; per element, an acknowledged (or observed)
 * element is lost when a read that began after the last read showing it — and after it became
 * known — does not show it; stale when it showed up only later than a read beginning after
 * its add completed (an error when `linearizable`); duplicates in one read are an error.
 */
import type { Plain } from '../history/edn.js';
import type { Op } from '../history/op.js';
import { pairOps, type CompletedOp } from '../history/op.js';
import { plainKey, type CheckResult } from './check-result.js';

/** Details of a set check. */
export interface SetDetails {
  readonly attemptCount: number;
  readonly acknowledgedCount: number;
  readonly lost: readonly Plain[];
  readonly unexpected: readonly Plain[];
  readonly recovered: readonly Plain[];
}

/** Checks adds against the last ok read. */
export function checkSet(history: readonly Op[]): CheckResult<SetDetails | { error: string }> {
  const ops = pairOps(history);
  const attempts = new Map(ops.filter((o) => o.f === 'add').map((o) => [plainKey(o.value), o.value]));
  const acked = new Map(ops.filter((o) => o.f === 'add' && o.type === 'ok').map((o) => [plainKey(o.value), o.value]));
  const reads = ops.filter((o) => o.f === 'read' && o.type === 'ok').sort((a, b) => a.completeIndex - b.completeIndex);
  const final = reads[reads.length - 1];
  if (final === undefined) return { valid: 'unknown', anomalies: {}, details: { error: 'set was never read' } };
  const read = new Map(asList(final.value).map((e) => [plainKey(e), e]));
  const lost = [...acked].filter(([k]) => !read.has(k)).map(([, e]) => e);
  const unexpected = [...read].filter(([k]) => !attempts.has(k)).map(([, e]) => e);
  const recovered = [...read].filter(([k]) => attempts.has(k) && !acked.has(k)).map(([, e]) => e);
  const anomalies: Record<string, unknown[]> = {};
  if (lost.length > 0) anomalies['lost'] = lost;
  if (unexpected.length > 0) anomalies['unexpected'] = unexpected;
  return { valid: lost.length === 0 && unexpected.length === 0, anomalies, details: { attemptCount: attempts.size, acknowledgedCount: acked.size, lost, unexpected, recovered } };
}

/** Options of `checkSetFull`. */
export interface SetFullOptions {
  /** Stale reads (an element missing from a read begun after its add completed) are errors. */
  readonly linearizable?: boolean;
}

/** Per-element outcome counts of a set-full check. */
export interface SetFullDetails {
  readonly attemptCount: number;
  readonly stableCount: number;
  readonly lostCount: number;
  readonly neverReadCount: number;
  readonly staleCount: number;
  readonly lost: readonly Plain[];
  readonly stale: readonly Plain[];
}

interface ElementState {
  readonly element: Plain;
  /** Position of the earliest completion that shows the element exists (add ok, or a read). */
  known: number;
  /** Invocation position of the latest read that showed / did not show the element. */
  lastPresent: number;
  lastAbsent: number;
}

/** Checks a set history with reads throughout (Jepsen's `set-full`). */
export function checkSetFull(history: readonly Op[], opts: SetFullOptions = {}): CheckResult<SetFullDetails> {
  const ops = pairOps(history);
  const elements = new Map<string, ElementState>();
  const duplicates: unknown[] = [];
  for (const o of ops) {
    if (o.f === 'add') elements.set(plainKey(o.value), { element: o.value, known: o.type === 'ok' ? o.completeIndex : Infinity, lastPresent: -1, lastAbsent: -1 });
  }
  for (const o of ops) if (o.f === 'read' && o.type === 'ok') applyRead(o, elements, duplicates);
  return setFullResult(elements, duplicates, opts);
}

function applyRead(o: CompletedOp, elements: Map<string, ElementState>, duplicates: unknown[]): void {
  const seen = new Map<string, number>();
  for (const e of asList(o.value)) seen.set(plainKey(e), (seen.get(plainKey(e)) ?? 0) + 1);
  const dups = [...seen].filter(([, n]) => n > 1);
  if (dups.length > 0) duplicates.push({ index: o.invokeIndex, duplicates: dups.map(([k, n]) => [JSON.parse(k) as Plain, n]) });
  for (const [k, s] of elements) {
    if (seen.has(k)) {
      s.known = Math.min(s.known, o.completeIndex);
      s.lastPresent = Math.max(s.lastPresent, o.invokeIndex);
    } else {
      s.lastAbsent = Math.max(s.lastAbsent, o.invokeIndex);
    }
  }
}

function setFullResult(elements: Map<string, ElementState>, duplicates: unknown[], opts: SetFullOptions): CheckResult<SetFullDetails> {
  const lost: Plain[] = [];
  const stale: Plain[] = [];
  let stable = 0;
  let neverRead = 0;
  for (const s of elements.values()) {
    if (s.lastPresent >= 0 && s.lastAbsent < s.lastPresent) {
      stable++;
      // Stale: some read begun after the element was known still missed it.
      if (s.lastAbsent > s.known) stale.push(s.element);
    } else if (Number.isFinite(s.known) && s.lastAbsent > s.lastPresent && s.lastAbsent > s.known) {
      lost.push(s.element);
    } else {
      neverRead++;
    }
  }
  const anomalies: Record<string, unknown[]> = {};
  if (lost.length > 0) anomalies['lost'] = lost;
  if (stale.length > 0 && opts.linearizable === true) anomalies['stale'] = stale;
  if (duplicates.length > 0) anomalies['duplicated'] = duplicates;
  const valid = Object.keys(anomalies).length > 0 ? false : stable === 0 ? 'unknown' : true;
  return { valid, anomalies, details: { attemptCount: elements.size, stableCount: stable, lostCount: lost.length, neverReadCount: neverRead, staleCount: stale.length, lost, stale } };
}

function asList(v: Plain): Plain[] {
  return Array.isArray(v) ? v : [];
}
