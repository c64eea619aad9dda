/**
 * Elle's rw-register checker: transactions of reads `['r', k, v]` and writes `['w', k, v]`
 * over registers, every written value unique per key. Unlike list-append, a read reveals only
 * one version, so the version order is inferred conservatively: the initial state (nil)
 * precedes every written version, and — with `wfrKeys` (writes follow reads) — a transaction
 * that read version a and then wrote b orders a before b. From that order: wr (read the
 * version another wrote), ww and rw (direct successors in the version order). G1a, G1b,
 * internal inconsistency and lost update are found directly; cycles as in list-append.
 */
import type { Plain } from '../history/edn.js';
import type { Op } from '../history/op.js';
import { plainEqual, plainKey, type CheckResult } from './check-result.js';
import { cycleAnomalies, elleResult, neededOrderRels, type ElleDetails, type ElleOptions } from './elle-analysis.js';
import { Rel, TxnGraph } from './txn-graph.js';
import { describeTxn, linkOrder, lostUpdateCases, readTxns, TxnShapeError, type Txn } from './txn-history.js';

/** Options of the rw-register checker. */
export interface RwRegisterOptions extends ElleOptions {
  /** Assume a transaction's write of k follows its own earlier read of k in version order. */
  readonly wfrKeys?: boolean;
}

const NIL = plainKey(null);
const mopFs = new Set(['r', 'w']);

/** Checks an rw-register history against `opts.consistencyModels` (default strict-serializable). */
export function checkRwRegister(history: readonly Op[], opts: RwRegisterOptions = {}): CheckResult<ElleDetails | { error: string }> {
  let txns: Txn[];
  try {
    txns = readTxns(history, mopFs);
  } catch (e) {
    if (e instanceof TxnShapeError) return { valid: 'unknown', anomalies: { [e.kind]: [{ message: e.message, op: e.example }] }, details: { error: e.message } };
    throw e;
  }
  const possible = txns.filter((t) => t.op.type !== 'fail');
  const g = dependencyGraph(possible, versionGraph(possible, opts.wfrKeys ?? false));
  linkOrder(g, possible, neededOrderRels(opts));
  const ok = txns.filter((t) => t.op.type === 'ok');
  const found: Record<string, unknown[]> = {
    'G1a': abortedReads(txns, ok),
    'G1b': intermediateReads(txns, ok),
    'internal': ok.flatMap(internalCase),
    'lost-update': lostUpdateCases(possible, (f) => f === 'w'),
  };
  const anomalies = Object.fromEntries(Object.entries(found).filter(([, c]) => c.length > 0));
  if (g.edgeCount === 0) anomalies['empty-transaction-graph'] = [true];
  for (const [type, cases] of Object.entries(cycleAnomalies(g, opts, (i) => describeTxn(possible[i] as Txn)))) {
    (anomalies[type] ??= []).push(...cases);
  }
  return elleResult(opts, anomalies, g);
}

/** The external (first, before any own write) read of each key, and the final write. */
function externalReadsAndFinalWrites(t: Txn): { reads: Map<string, Plain>; writes: Map<string, Plain> } {
  const reads = new Map<string, Plain>();
  const writes = new Map<string, Plain>();
  for (const m of t.mops) {
    if (m.f === 'w') writes.set(m.k, m.value);
    else if (!reads.has(m.k) && !writes.has(m.k) && !(t.op.type === 'info' && m.value === null)) reads.set(m.k, m.value);
  }
  return { reads, writes };
}

/** Per key: version → versions known to directly follow it. */
function versionGraph(txns: readonly Txn[], wfr: boolean): Map<string, Map<string, Set<string>>> {
  const out = new Map<string, Map<string, Set<string>>>();
  const add = (k: string, a: string, b: string): void => {
    if (a === b) return;
    const byKey = out.get(k) ?? new Map<string, Set<string>>();
    byKey.set(a, (byKey.get(a) ?? new Set<string>()).add(b));
    out.set(k, byKey);
  };
  for (const t of txns) {
    const { reads, writes } = externalReadsAndFinalWrites(t);
    for (const [k, v] of writes) {
      add(k, NIL, plainKey(v));
      if (wfr && reads.has(k)) add(k, plainKey(reads.get(k) as Plain), plainKey(v));
    }
  }
  return out;
}

function dependencyGraph(txns: readonly Txn[], versions: Map<string, Map<string, Set<string>>>): TxnGraph {
  const writer = new Map<string, number>();
  const readers = new Map<string, number[]>();
  const ext = txns.map(externalReadsAndFinalWrites);
  ext.forEach(({ reads, writes }, i) => {
    for (const [k, v] of writes) writer.set(k + '\u0000' + plainKey(v), i);
    for (const [k, v] of reads) {
      const id = k + '\u0000' + plainKey(v);
      readers.set(id, [...(readers.get(id) ?? []), i]);
    }
  });
  const g = new TxnGraph(txns.length);
  ext.forEach(({ reads, writes }, i) => {
    for (const [k, v] of reads) {
      const w = writer.get(k + '\u0000' + plainKey(v));
      if (w !== undefined) g.link(w, i, Rel.wr);
    }
    for (const [k, v] of writes) {
      for (const [a, nexts] of versions.get(k) ?? []) {
        if (!nexts.has(plainKey(v))) continue;
        const prior = writer.get(k + '\u0000' + a);
        if (prior !== undefined) g.link(prior, i, Rel.ww);
        for (const r of readers.get(k + '\u0000' + a) ?? []) g.link(r, i, Rel.rw);
      }
    }
  });
  return g;
}

function abortedReads(txns: readonly Txn[], ok: readonly Txn[]): unknown[] {
  const failed = new Map<string, Txn>();
  for (const t of txns) if (t.op.type === 'fail') for (const m of t.mops) if (m.f === 'w') failed.set(m.k + '\u0000' + plainKey(m.value), t);
  return ok.flatMap((t) =>
    t.mops.flatMap((m) => {
      const w = m.f === 'r' ? failed.get(m.k + '\u0000' + plainKey(m.value)) : undefined;
      return w === undefined ? [] : [{ op: describeTxn(t), mop: [m.f, m.key, m.value], writer: describeTxn(w) }];
    }));
}

function intermediateReads(txns: readonly Txn[], ok: readonly Txn[]): unknown[] {
  const intermediate = new Map<string, Txn>();
  for (const t of txns) {
    const last = new Map<string, Plain>();
    for (const m of t.mops) {
      if (m.f !== 'w') continue;
      if (last.has(m.k)) intermediate.set(m.k + '\u0000' + plainKey(last.get(m.k) as Plain), t);
      last.set(m.k, m.value);
    }
  }
  return ok.flatMap((t) =>
    t.mops.flatMap((m) => {
      const w = m.f === 'r' ? intermediate.get(m.k + '\u0000' + plainKey(m.value)) : undefined;
      return w === undefined || w.op === t.op ? [] : [{ op: describeTxn(t), mop: [m.f, m.key, m.value], writer: describeTxn(w) }];
    }));
}

/** A read must return the txn's own last write of the key, or its own earlier read of it. */
function internalCase(t: Txn): unknown[] {
  const known = new Map<string, Plain>();
  for (const m of t.mops) {
    if (m.f === 'w') {
      known.set(m.k, m.value);
      continue;
    }
    if (known.has(m.k) && !plainEqual(known.get(m.k), m.value)) return [{ op: describeTxn(t), mop: [m.f, m.key, m.value], expected: known.get(m.k) }];
    known.set(m.k, m.value);
  }
  return [];
}
