/**
 * Elle's list-append checker. Transactions append unique elements to lists and read whole
 * lists, so every read reveals a prefix of its key's version order: the longest read of a key
 * orders every append observed. From those orders: ww (appended right after), wr (read a state
 * whose last element it appended) and rw (read the state right before another's append)
 * dependencies between transactions; with realtime edges when the claimed models need them.
 * Non-cyclic anomalies are found directly: G1a (aborted read), G1b (intermediate read),
 * internal inconsistency, future reads, duplicate elements, incompatible orders, dirty
 * updates, lost updates. Cycles are searched per SCC (`elle-analysis.ts`).
 */
import type { Plain } from '../history/edn.js';
import type { Op } from '../history/op.js';
import { plainEqual, plainKey, type CheckResult } from './check-result.js';
import { cycleAnomalies, elleResult, neededOrderRels, type ElleDetails, type ElleOptions } from './elle-analysis.js';
import { Rel, TxnGraph } from './txn-graph.js';
import { describeTxn, linkOrder, lostUpdateCases, readTxns, TxnShapeError, type Txn } from './txn-history.js';

const INIT = '\u0000init';
const mopFs = new Set(['r', 'append']);

/** Per key: the observed version order (longest read) and element positions in it. */
interface KeyOrder {
  readonly values: readonly Plain[];
  readonly position: Map<string, number>;
}

/** Checks a list-append history against `opts.consistencyModels` (default strict-serializable). */
export function checkListAppend(history: readonly Op[], opts: ElleOptions = {}): CheckResult<ElleDetails | { error: string }> {
  let txns: Txn[];
  try {
    txns = readTxns(history, mopFs);
    verifyUniqueAppends(txns);
  } catch (e) {
    if (e instanceof TxnShapeError) return { valid: 'unknown', anomalies: { [e.kind]: [{ message: e.message, op: e.example }] }, details: { error: e.message } };
    throw e;
  }
  const possible = txns.filter((t) => t.op.type !== 'fail');
  const orders = versionOrders(possible);
  const g = dependencyGraph(possible, orders);
  linkOrder(g, possible, neededOrderRels(opts));
  const anomalies: Record<string, unknown[]> = { ...directAnomalies(txns, possible) };
  if (g.edgeCount === 0) anomalies['empty-transaction-graph'] = [true];
  for (const [type, cases] of Object.entries(cycleAnomalies(g, opts, (i) => describeTxn(possible[i] as Txn)))) {
    (anomalies[type] ??= []).push(...cases);
  }
  return elleResult(opts, anomalies, g);
}

function verifyUniqueAppends(txns: readonly Txn[]): void {
  const seen = new Set<string>();
  for (const t of txns) {
    for (const m of t.mops) {
      if (m.f !== 'append') continue;
      const id = m.k + '\u0000' + plainKey(m.value);
      if (seen.has(id)) throw new TxnShapeError('duplicate-appends', `value ${JSON.stringify(m.value)} appended to key ${m.k} more than once`, t.op.invoke);
      seen.add(id);
    }
  }
}

function readList(v: Plain): Plain[] {
  return Array.isArray(v) ? v : [];
}

/** Distinct non-empty read values per key, shortest first; single-append keys inferred. */
function sortedValues(txns: readonly Txn[]): Map<string, Plain[][]> {
  const reads = new Map<string, Map<string, Plain[]>>();
  const appends = new Map<string, Plain[]>();
  for (const t of txns) {
    for (const m of t.mops) {
      if (m.f === 'append') appends.set(m.k, [...(appends.get(m.k) ?? []), m.value]);
      else if (Array.isArray(m.value) && m.value.length > 0) {
        const byValue = reads.get(m.k) ?? new Map<string, Plain[]>();
        byValue.set(plainKey(m.value), m.value);
        reads.set(m.k, byValue);
      }
    }
  }
  const out = new Map<string, Plain[][]>();
  for (const [k, vs] of appends) if (vs.length === 1) out.set(k, [[vs[0] as Plain]]);
  for (const [k, byValue] of reads) out.set(k, [...byValue.values()].sort((a, b) => a.length - b.length));
  return out;
}

function versionOrders(txns: readonly Txn[]): Map<string, KeyOrder> {
  const out = new Map<string, KeyOrder>();
  for (const [k, values] of sortedValues(txns)) {
    const longest = values[values.length - 1] as Plain[];
    const position = new Map<string, number>();
    const distinct: Plain[] = [];
    for (const e of longest) {
      const id = plainKey(e);
      if (position.has(id)) continue;
      position.set(id, distinct.length);
      distinct.push(e);
    }
    out.set(k, { values: distinct, position });
  }
  return out;
}

/** The element appended just before `value` on `k` (INIT if none); for an unobserved append, the last observed one. */
function previousElement(orders: Map<string, KeyOrder>, k: string, value: Plain): string {
  const order = orders.get(k);
  if (order === undefined) return INIT;
  const at = order.position.get(plainKey(value));
  if (at === undefined) return order.values.length === 0 ? INIT : plainKey(order.values[order.values.length - 1]);
  return at === 0 ? INIT : plainKey(order.values[at - 1]);
}

function dependencyGraph(txns: readonly Txn[], orders: Map<string, KeyOrder>): TxnGraph {
  const writer = new Map<string, number>(); // key \0 element → txn id
  const readers = new Map<string, number[]>(); // key \0 last element (or INIT) → txn ids
  txns.forEach((t, i) => {
    for (const m of t.mops) {
      if (m.f === 'append') writer.set(m.k + '\u0000' + plainKey(m.value), i);
      else if (!(t.op.type === 'info' && m.value === null)) {
        const list = readList(m.value);
        const id = m.k + '\u0000' + (list.length === 0 ? INIT : plainKey(list[list.length - 1]));
        readers.set(id, [...(readers.get(id) ?? []), i]);
      }
    }
  });
  const g = new TxnGraph(txns.length);
  txns.forEach((t, i) => {
    for (const m of t.mops) {
      if (m.f === 'append') {
        const prev = previousElement(orders, m.k, m.value);
        const w = prev === INIT ? undefined : writer.get(m.k + '\u0000' + prev);
        if (w !== undefined) g.link(w, i, Rel.ww);
        for (const r of readers.get(m.k + '\u0000' + prev) ?? []) g.link(r, i, Rel.rw);
      } else {
        const list = readList(m.value);
        if (list.length === 0) continue;
        const w = writer.get(m.k + '\u0000' + plainKey(list[list.length - 1]));
        if (w !== undefined) g.link(w, i, Rel.wr);
      }
    }
  });
  return g;
}

function directAnomalies(txns: readonly Txn[], possible: readonly Txn[]): Record<string, unknown[]> {
  const ok = txns.filter((t) => t.op.type === 'ok');
  const found: Record<string, unknown[]> = {
    'G1a': abortedReads(txns, ok),
    'G1b': intermediateReads(txns, ok),
    'internal': ok.flatMap(internalCase),
    'future-read': ok.flatMap(futureReadCase),
    'duplicate-elements': possible.flatMap(duplicateCases),
    'incompatible-order': incompatibleOrders(sortedValues(possible)),
    'dirty-update': dirtyUpdates(txns),
    'lost-update': lostUpdateCases(possible, (f) => f === 'append'),
  };
  return Object.fromEntries(Object.entries(found).filter(([, cases]) => cases.length > 0));
}

function abortedReads(txns: readonly Txn[], ok: readonly Txn[]): unknown[] {
  const failed = new Map<string, Txn>();
  for (const t of txns) if (t.op.type === 'fail') for (const m of t.mops) if (m.f === 'append') failed.set(m.k + '\u0000' + plainKey(m.value), t);
  const cases: unknown[] = [];
  for (const t of ok) {
    for (const m of t.mops) {
      if (m.f !== 'r') continue;
      for (const e of readList(m.value)) {
        const w = failed.get(m.k + '\u0000' + plainKey(e));
        if (w !== undefined) cases.push({ op: describeTxn(t), mop: [m.f, m.key, m.value], writer: describeTxn(w), element: e });
      }
    }
  }
  return cases;
}

function intermediateReads(txns: readonly Txn[], ok: readonly Txn[]): unknown[] {
  const intermediate = new Map<string, Txn>();
  for (const t of txns) {
    const last = new Map<string, Plain>();
    for (const m of t.mops) {
      if (m.f !== 'append') continue;
      if (last.has(m.k)) intermediate.set(m.k + '\u0000' + plainKey(last.get(m.k) as Plain), t);
      last.set(m.k, m.value);
    }
  }
  const cases: unknown[] = [];
  for (const t of ok) {
    for (const m of t.mops) {
      const list = readList(m.value);
      if (m.f !== 'r' || list.length === 0) continue;
      const w = intermediate.get(m.k + '\u0000' + plainKey(list[list.length - 1]));
      if (w !== undefined && w.op !== t.op) cases.push({ op: describeTxn(t), mop: [m.f, m.key, m.value], writer: describeTxn(w), element: list[list.length - 1] });
    }
  }
  return cases;
}

/** Internal consistency: a read must show the txn's own earlier reads and appends of that key. */
function internalCase(t: Txn): unknown[] {
  const expected = new Map<string, { prefixKnown: boolean; list: Plain[] }>();
  for (const m of t.mops) {
    const s = expected.get(m.k);
    if (m.f === 'append') {
      expected.set(m.k, s === undefined ? { prefixKnown: false, list: [m.value] } : { prefixKnown: s.prefixKnown, list: [...s.list, m.value] });
      continue;
    }
    const v = readList(m.value);
    if (s !== undefined) {
      const bad = s.prefixKnown ? !plainEqual(s.list, v) : v.length < s.list.length || !plainEqual(s.list, v.slice(v.length - s.list.length));
      if (bad) return [{ op: describeTxn(t), mop: [m.f, m.key, m.value], expected: s.prefixKnown ? s.list : ['...', ...s.list] }];
    }
    expected.set(m.k, { prefixKnown: true, list: v });
  }
  return [];
}

/** A read that shows an element this same transaction appends only later. */
function futureReadCase(t: Txn): unknown[] {
  const readBy = new Map<string, unknown>();
  for (const m of t.mops) {
    if (m.f === 'append') {
      const read = readBy.get(m.k + '\u0000' + plainKey(m.value));
      if (read !== undefined) return [{ op: describeTxn(t), mop: read, element: m.value }];
    } else {
      for (const e of readList(m.value)) {
        const id = m.k + '\u0000' + plainKey(e);
        if (!readBy.has(id)) readBy.set(id, [m.f, m.key, m.value]);
      }
    }
  }
  return [];
}

function duplicateCases(t: Txn): unknown[] {
  const cases: unknown[] = [];
  for (const m of t.mops) {
    if (m.f !== 'r') continue;
    const counts = new Map<string, { e: Plain; n: number }>();
    for (const e of readList(m.value)) {
      const c = counts.get(plainKey(e)) ?? { e, n: 0 };
      c.n++;
      counts.set(plainKey(e), c);
    }
    const dups = [...counts.values()].filter((c) => c.n > 1).map((c) => [c.e, c.n]);
    if (dups.length > 0) cases.push({ op: describeTxn(t), mop: [m.f, m.key, m.value], duplicates: dups });
  }
  return cases;
}

function incompatibleOrders(sorted: Map<string, Plain[][]>): unknown[] {
  const cases: unknown[] = [];
  for (const [k, values] of sorted) {
    for (let i = 0; i + 1 < values.length; i++) {
      const a = values[i] as Plain[];
      const b = values[i + 1] as Plain[];
      if (!plainEqual(a, b.slice(0, a.length))) {
        cases.push({ key: k, values: [a, b] });
        break;
      }
    }
  }
  return cases;
}

/** A committed append right after a failed one in a key's version order (Elle's dirty update). */
function dirtyUpdates(txns: readonly Txn[]): unknown[] {
  const writer = new Map<string, Txn>();
  for (const t of txns) for (const m of t.mops) if (m.f === 'append') writer.set(m.k + '\u0000' + plainKey(m.value), t);
  const cases: unknown[] = [];
  for (const [k, order] of versionOrders(txns)) {
    let prevType: string = 'ok';
    let prev: Txn | null = null;
    for (const e of order.values) {
      const t = writer.get(k + '\u0000' + plainKey(e));
      if (t === undefined) continue;
      const type = t.op.type;
      if (prevType === 'fail' && type === 'ok' && prev !== null) cases.push({ key: k, element: e, txns: [describeTxn(prev), describeTxn(t)] });
      if (type !== 'info') {
        prevType = type;
        prev = t;
      }
    }
  }
  return cases;
}
