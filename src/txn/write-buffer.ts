/** A transaction's buffered writes, keyed by the bytes of the key; null marks a delete. */
import type { KeyRange, Write } from '../../storage/engine.js';
import { compareBytes, keyHex } from '../../storage/key-codec.js';

export class WriteBuffer {
  private readonly byHex = new Map<string, Write>();

  get size(): number {
    return this.byHex.size;
  }

  /** Buffers a put (value) or a delete (null); a later write to the same key replaces it. */
  set(key: Uint8Array, value: Uint8Array | null): void {
    this.byHex.set(keyHex(key), { key: key.slice(), value: value === null ? null : value.slice() });
  }

  /** undefined: not written here; null: deleted here; bytes: written here. */
  lookup(key: Uint8Array): Uint8Array | null | undefined {
    const w = this.byHex.get(keyHex(key));
    return w === undefined ? undefined : w.value;
  }

  /** Buffered writes with keys in `range`, sorted in scan direction. */
  inRange(range: KeyRange, reverse: boolean): Write[] {
    const end = range.end;
    const writes = [...this.byHex.values()].filter(
      (w) => compareBytes(w.key, range.start) >= 0 && (end === undefined || compareBytes(w.key, end) < 0),
    );
    writes.sort((a, b) => (reverse ? -1 : 1) * compareBytes(a.key, b.key));
    return writes;
  }

  /** Every buffered write, in key order. */
  toWrites(): Write[] {
    return [...this.byHex.values()].sort((a, b) => compareBytes(a.key, b.key));
  }
}
