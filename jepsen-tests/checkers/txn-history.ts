/**
 * Transactions as the transactional checkers see them: a completed op whose value is a list
 * of micro-operations `[f, key, value]` (`['append', 1, 3]`, `['r', 'x', [1, 2]]`,
 * `['w', 'x', 5]`). Keys and values are compared by their canonical plain-data key, so `1`
 * from EDN and `1` from JSON agree. Also the anomaly searches shared by list-append and
 * rw-register: lost update, and the graph's realtime/process edges.
 */
import type { Plain } from '../history/edn.js';
import { pairOps, type CompletedOp, type Op } from '../history/op.js';
import { plainKey } from './check-result.js';
import { linkProcess, linkRealtime, Rel, type TxnGraph, type TxnSpan } from './txn-graph.js';

/** One micro-operation. `k` is the canonical key string; `key` the original. */
export interface Mop {
  readonly f: string;
  readonly key: Plain;
  readonly k: string;
  readonly value: Plain;
}

/** A transaction: its completed op and its micro-operations. */
export interface Txn {
  readonly op: CompletedOp;
  readonly mops: readonly Mop[];
}

/** Thrown (and reported as valid 'unknown') when a history is not of the expected shape. */
export class TxnShapeError extends Error {
  override readonly name = 'TxnShapeError';
  constructor(readonly kind: string, message: string, readonly example: unknown) {
    super(message);
  }
}

/** Reads the micro-operations of every client transaction; `fs` lists the allowed functions. */
export function readTxns(history: readonly Op[], fs: ReadonlySet<string>): Txn[] {
  return pairOps(history).map((op) => ({ op, mops: readMops(op, fs) }));
}

function readMops(op: CompletedOp, fs: ReadonlySet<string>): Mop[] {
  if (!Array.isArray(op.value)) throw new TxnShapeError('unexpected-txn-value', 'transaction value is not a list of micro-ops', op.invoke);
  return op.value.map((m) => {
    if (!Array.isArray(m) || m.length < 2 || typeof m[0] !== 'string' || !fs.has(m[0])) {
      throw new TxnShapeError('unexpected-txn-micro-op-types', `micro-op ${JSON.stringify(m)} is not one of ${[...fs].join(', ')}`, op.invoke);
    }
    const key = (m[1] ?? null) as Plain;
    return { f: m[0], key, k: plainKey(key), value: (m[2] ?? null) as Plain };
  });
}

/** A short description of a transaction for anomaly reports. */
export function describeTxn(t: Txn): unknown {
  const at = t.op.complete ?? t.op.invoke;
  return { index: at.index, process: t.op.process, type: t.op.type, value: at.value };
}

/** Adds realtime or process edges (`rels`) between the transactions (graph ids = positions). */
export function linkOrder(g: TxnGraph, txns: readonly Txn[], rels: number): void {
  const spans: TxnSpan[] = txns.map((t) => ({ process: t.op.process, invokeIndex: t.op.invokeIndex, completeIndex: t.op.completeIndex, ok: t.op.type === 'ok' }));
  if (rels === Rel.realtime) linkRealtime(g, spans);
  else if (rels === Rel.process) linkProcess(g, spans);
}

/**
 * Lost update (Adya's H_lu, detected directly as Elle does): two committed transactions read
 * the same version of a key and both wrote that key.
 */
export function lostUpdateCases(txns: readonly Txn[], isWrite: (f: string) => boolean): unknown[] {
  const byKeyValue = new Map<string, { key: Plain; value: Plain; txns: Txn[] }>();
  for (const t of txns) {
    if (t.op.type !== 'ok') continue;
    const reads = new Map<string, Plain>();
    const written = new Set<string>();
    for (const m of t.mops) {
      if (isWrite(m.f)) {
        // As Elle: a write before any read of the key does not count (nor close the key).
        if (written.has(m.k) || !reads.has(m.k)) continue;
        written.add(m.k);
        const read = reads.get(m.k) as Plain;
        const id = m.k + '\u0000' + plainKey(read);
        const entry = byKeyValue.get(id) ?? { key: m.key, value: read, txns: [] };
        entry.txns.push(t);
        byKeyValue.set(id, entry);
      } else if (!reads.has(m.k)) {
        reads.set(m.k, m.value);
      }
    }
  }
  return [...byKeyValue.values()].filter((e) => e.txns.length >= 2).map((e) => ({ key: e.key, value: e.value, txns: e.txns.map(describeTxn) }));
}
