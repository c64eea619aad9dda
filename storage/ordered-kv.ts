/**
 * An ordered byte-keyed table with atomic, durable batch writes: the one thing the MVCC store
 * and the Raft log store need from a disk. LMDB implements it on files (`lmdb-env.ts`); the
 * memory twins below implement it for simulators and fast tests.
 */
import type { KvPair } from './engine.js';
import { compareBytes } from './key-codec.js';

/**
 * One write of a batch. `removeRange` removes every key in [start, end); `removeIfValue`
 * removes `key` only if, at that point of the batch, it holds exactly `value`.
 */
export type KvOp =
  | { readonly op: 'put'; readonly key: Uint8Array; readonly value: Uint8Array }
  | { readonly op: 'remove'; readonly key: Uint8Array }
  | { readonly op: 'removeIfValue'; readonly key: Uint8Array; readonly value: Uint8Array }
  | { readonly op: 'removeRange'; readonly start: Uint8Array; readonly end: Uint8Array };

/** An ordered table. Reads see every batch whose `write` promise has resolved. */
export interface OrderedKv {
  /** The value stored at `key`. */
  get(key: Uint8Array): Uint8Array | undefined;
  /** The first pair with key >= `start`, if any (a point seek: the MVCC get path). */
  seek(start: Uint8Array): KvPair | undefined;
  /**
   * Pairs with start <= key < end (end undefined: to the end), ascending or descending; lazy.
   * Every array handed out (by `get`, `seek`, `range`) is the caller's own copy: it may keep or
   * view it without copying again. (From LMDB they are Node Buffers.)
   */
  range(start: Uint8Array, end: Uint8Array | undefined, reverse: boolean): Iterable<KvPair>;
  /**
   * Applies `ops` in order (values must not be empty), atomically with every other batch of the same group commit, and
   * resolves once they are durable. Batches are applied in call order.
   */
  write(ops: readonly KvOp[]): Promise<void>;
  /**
   * Optional: as `write` for `put` and `remove` only, but applied and made durable by another
   * thread (LMDB's writer), so this loop goes on while the disk syncs. Ordered among the
   * `writeBehind` batches of the environment, not with `write` batches; the batches of one loop
   * turn commit in one transaction. Without it, callers use `write`.
   */
  writeBehind?(ops: readonly KvOp[]): Promise<void>;
}

/** An in-memory OrderedKv: a sorted array, writes applied at once (nothing to fsync). */
export function createMemoryOrderedKv(): OrderedKv {
  const table = new SortedTable();
  return {
    get: (key) => table.get(key),
    seek: (start) => table.seek(start),
    range: (start, end, reverse) => table.range(start, end, reverse),
    write(ops) {
      table.apply(ops);
      return Promise.resolve();
    },
  };
}

/** A memory table whose writes wait for the simulator: a disk with a page cache. */
export interface DeferredMemoryKv {
  readonly kv: OrderedKv;
  /** Batches written but not yet flushed. */
  readonly pendingBatches: number;
  /** Makes every pending batch durable and visible (one "fsync"), resolving their promises. */
  flush(): void;
  /**
   * Loses every pending batch, as a power cut would; their promises never settle (the process
   * that awaited them is gone too). What was flushed stays.
   */
  crash(): void;
}

/**
 * An in-memory OrderedKv for deterministic simulators: `write` queues, and the simulator
 * decides when the queue is flushed (durable) or lost (crash). Reads see flushed data only,
 * as with LMDB.
 */
export function createDeferredMemoryKv(): DeferredMemoryKv {
  const table = new SortedTable();
  let pending: { ops: readonly KvOp[]; resolve: () => void }[] = [];
  return {
    kv: {
      get: (key) => table.get(key),
      seek: (start) => table.seek(start),
      range: (start, end, reverse) => table.range(start, end, reverse),
      write: (ops) => new Promise<void>((resolve) => pending.push({ ops: ops.map(copyOp), resolve })),
    },
    get pendingBatches() {
      return pending.length;
    },
    flush() {
      const batches = pending;
      pending = [];
      for (const b of batches) table.apply(b.ops);
      for (const b of batches) b.resolve();
    },
    crash() {
      pending = [];
    },
  };
}

function copyOp(op: KvOp): KvOp {
  if (op.op === 'removeRange') return { op: op.op, start: op.start.slice(), end: op.end.slice() };
  if (op.op === 'remove') return { op: op.op, key: op.key.slice() };
  return { op: op.op, key: op.key.slice(), value: op.value.slice() };
}

/** A sorted array of pairs with lazy iterators that survive writes between their steps. */
class SortedTable {
  private readonly entries: KvPair[] = [];
  /** Bumped by every change, so a live iterator knows to find its place again. */
  private changes = 0;

  get(key: Uint8Array): Uint8Array | undefined {
    const e = this.entries[this.lowerBound(key)];
    return e !== undefined && compareBytes(e.key, key) === 0 ? e.value.slice() : undefined;
  }

  seek(start: Uint8Array): KvPair | undefined {
    const e = this.entries[this.lowerBound(start)];
    return e === undefined ? undefined : { key: e.key.slice(), value: e.value.slice() };
  }

  *range(start: Uint8Array, end: Uint8Array | undefined, reverse: boolean): Iterable<KvPair> {
    const inRange = (k: Uint8Array): boolean => compareBytes(k, start) >= 0 && (end === undefined || compareBytes(k, end) < 0);
    let seen = this.changes;
    let i = reverse ? (end === undefined ? this.entries.length : this.lowerBound(end)) - 1 : this.lowerBound(start);
    let last: Uint8Array | undefined;
    for (;;) {
      if (seen !== this.changes && last !== undefined) {
        // The table changed while the caller held us: find the place after `last` again.
        seen = this.changes;
        const at = this.lowerBound(last);
        const found = at < this.entries.length && compareBytes(this.entries[at]!.key, last) === 0;
        i = reverse ? at - 1 : found ? at + 1 : at;
      }
      const e = this.entries[i];
      if (e === undefined || !inRange(e.key)) return;
      last = e.key;
      i += reverse ? -1 : 1;
      yield { key: e.key.slice(), value: e.value.slice() };
    }
  }

  apply(ops: readonly KvOp[]): void {
    for (const op of ops) this.applyOne(op);
    this.changes++;
  }

  private applyOne(op: KvOp): void {
    if (op.op === 'removeRange') {
      const from = this.lowerBound(op.start);
      this.entries.splice(from, Math.max(0, this.lowerBound(op.end) - from));
      return;
    }
    const i = this.lowerBound(op.key);
    const found = i < this.entries.length && compareBytes(this.entries[i]!.key, op.key) === 0;
    if (op.op === 'remove') {
      if (found) this.entries.splice(i, 1);
    } else if (op.op === 'removeIfValue') {
      if (found && compareBytes(this.entries[i]!.value, op.value) === 0) this.entries.splice(i, 1);
    } else {
      const pair = { key: op.key.slice(), value: op.value.slice() };
      if (found) this.entries[i] = pair;
      else this.entries.splice(i, 0, pair);
    }
  }

  /** Index of the first entry with key >= `key`. */
  private lowerBound(key: Uint8Array): number {
    let lo = 0;
    let hi = this.entries.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (compareBytes(this.entries[mid]!.key, key) < 0) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }
}
