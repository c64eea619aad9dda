/**
 * Statement atomicity inside a transaction: a statement's writes go to an overlay over the
 * transaction and reach it only when the statement succeeds. A failed INSERT of three rows
 * inside BEGIN … COMMIT therefore leaves none of them behind, as in InnoDB.
 */
import { assert } from '../src/base/assert.js';
import type { KeyRange, KvPair, LockMode, ScanOptions, Txn } from '../src/txn/txn-kv.js';
import { compareBytes, keyHex as hex } from '../storage/key-codec.js';

/** A Txn whose writes stay local until `flush`. */
export class StatementTxn implements Txn {
  private readonly writes = new Map<string, { key: Uint8Array; value: Uint8Array | null }>();

  constructor(private readonly inner: Txn) {}

  get startTs(): Txn['startTs'] {
    return this.inner.startTs;
  }
  get finished(): boolean {
    return this.inner.finished;
  }
  /** True when the statement wrote anything. */
  get dirty(): boolean {
    return this.writes.size > 0;
  }

  async get(key: Uint8Array): Promise<Uint8Array | undefined> {
    const w = this.writes.get(hex(key));
    if (w !== undefined) return w.value ?? undefined;
    return this.inner.get(key);
  }

  async batchGet(keys: readonly Uint8Array[]): Promise<(Uint8Array | undefined)[]> {
    const missing = keys.filter((k) => !this.writes.has(hex(k)));
    const found = missing.length === 0 ? [] : await this.inner.batchGet(missing);
    const byKey = new Map(missing.map((k, i) => [hex(k), found[i]]));
    return keys.map((k) => {
      const w = this.writes.get(hex(k));
      return w !== undefined ? (w.value ?? undefined) : byKey.get(hex(k));
    });
  }

  async *scan(range: KeyRange, options?: ScanOptions): AsyncIterable<KvPair> {
    const inRange = (k: Uint8Array): boolean => compareBytes(k, range.start) >= 0 && (range.end === undefined || compareBytes(k, range.end) < 0);
    const local = [...this.writes.values()].filter((w) => inRange(w.key)).sort((a, b) => compareBytes(a.key, b.key));
    if (local.length === 0) {
      yield* this.inner.scan(range, options);
      return;
    }
    const merged: KvPair[] = [];
    const shadowed = new Set(local.map((w) => hex(w.key)));
    for await (const kv of this.inner.scan(range, { reverse: false })) if (!shadowed.has(hex(kv.key))) merged.push(kv);
    for (const w of local) if (w.value !== null) merged.push({ key: w.key, value: w.value });
    merged.sort((a, b) => compareBytes(a.key, b.key));
    if (options?.reverse === true) merged.reverse();
    const limit = options?.limit ?? merged.length;
    for (const kv of merged.slice(0, limit)) yield kv;
  }

  put(key: Uint8Array, value: Uint8Array): void {
    this.writes.set(hex(key), { key: key.slice(), value: value.slice() });
  }

  delete(key: Uint8Array): void {
    this.writes.set(hex(key), { key: key.slice(), value: null });
  }

  lock(key: Uint8Array, mode?: LockMode): Promise<void> {
    return this.inner.lock(key, mode);
  }

  /** Moves the statement's writes into the transaction. */
  flush(): void {
    for (const w of this.writes.values()) {
      if (w.value === null) this.inner.delete(w.key);
      else this.inner.put(w.key, w.value);
    }
    this.writes.clear();
  }

  commit(): never {
    assert(false, 'a statement overlay is never committed itself');
  }

  rollback(): void {
    this.writes.clear();
  }
}
