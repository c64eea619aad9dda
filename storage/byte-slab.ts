/**
 * A bump allocator of short-lived byte arrays: views carved one after another out of a shared
 * 64 KiB ArrayBuffer, a fresh one when it is full; a buffer is freed by GC once no view of it
 * is left. For the write hot path: one `new Uint8Array(n)` above 64 bytes costs an off-heap
 * ArrayBuffer of its own (malloc, external-memory accounting, a finalizer), and lmdb-js asks the
 * native side for the address of every ArrayBuffer a value lives in and caches it on that
 * buffer — one lookup per slab instead of one per value. Views are never reused, so a
 * queued write keeps its bytes until it is done; a caller that keeps a view keeps its slab.
 */
import { assert } from '../src/base/assert.js';

/** Bytes of one slab. */
const SLAB_BYTES = 64 * 1024;
/** Larger requests get an array of their own: they would waste most of a slab. */
const SLAB_PIECE_BYTES_MAX = SLAB_BYTES / 8;

/** Hands out zero-filled byte arrays from shared slabs. */
export class ByteSlab {
  private slab = new ArrayBuffer(SLAB_BYTES);
  private used = 0;

  /** A zero-filled array of `length` bytes that shares its ArrayBuffer with its neighbours. */
  alloc(length: number): Uint8Array {
    if (!(Number.isInteger(length) && length >= 0)) assert(false, `byte slab: bad length ${length}`);
    if (length > SLAB_PIECE_BYTES_MAX) return new Uint8Array(length);
    if (this.used + length > SLAB_BYTES) {
      this.slab = new ArrayBuffer(SLAB_BYTES);
      this.used = 0;
    }
    const out = new Uint8Array(this.slab, this.used, length);
    this.used += length;
    return out;
  }
}
