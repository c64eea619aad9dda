/**
 * One layer of writes above an ordered table, as the journaled table keeps them in memory
 * until they are checkpointed (`journaled-kv.ts`): point entries (a value, or `null` for a
 * removed key) in key order, and removed ranges. Within a layer a point entry is newer than
 * any range that covers it: applying a range drops the points inside it, and a later put
 * lands as a point again. Values are kept by reference, never copied; readers copy.
 */
import { compareBytes } from './key-codec.js';
import type { KvOp } from './ordered-kv.js';

/** A point entry: the key's value in this layer, or null when the layer removed it. */
export interface LayerPoint {
  readonly key: Uint8Array;
  readonly value: Uint8Array | null;
}

/** What a layer says of a key: a value, removed, or nothing (look below). */
export type LayerAnswer = Uint8Array | null | undefined;

/** Points per chunk before it splits: inserts move at most this many, not the whole layer. */
const CHUNK_POINTS_MAX = 256;

/**
 * Writes of one layer. Points live in sorted chunks (each sorted, chunks in key order): the
 * Raft logs of many groups insert at many places at once, and one sorted array would move
 * half of itself on every insert.
 */
export class OverlayLayer {
  private readonly chunks: LayerPoint[][] = [];
  private readonly removedRanges: { readonly start: Uint8Array; readonly end: Uint8Array }[] = [];
  /** Ops applied to this layer (its size for the checkpoint policy). */
  opCount = 0;

  get isEmpty(): boolean {
    return this.opCount === 0;
  }

  /** Applies one op; `removeIfValue` is not journaled (see `journaled-kv.ts`). */
  apply(op: KvOp): void {
    this.opCount++;
    if (op.op === 'removeRange') {
      this.removePoints(op.start, op.end);
      this.removedRanges.push({ start: op.start, end: op.end });
      return;
    }
    if (op.op === 'removeIfValue') throw new Error('overlay layer: removeIfValue is not supported');
    const point = { key: op.key, value: op.op === 'put' ? op.value : null };
    if (this.chunks.length === 0) {
      this.chunks.push([point]);
      return;
    }
    const c = this.chunkFor(op.key);
    const chunk = this.chunks[c]!;
    const i = lowerBound(chunk, op.key);
    if (i < chunk.length && compareBytes(chunk[i]!.key, op.key) === 0) {
      chunk[i] = point;
      return;
    }
    chunk.splice(i, 0, point);
    if (chunk.length > CHUNK_POINTS_MAX) this.chunks.splice(c + 1, 0, chunk.splice(chunk.length >>> 1));
  }

  /** This layer's answer for `key`. */
  lookup(key: Uint8Array): LayerAnswer {
    if (this.chunks.length > 0) {
      const chunk = this.chunks[this.chunkFor(key)]!;
      const p = chunk[lowerBound(chunk, key)];
      if (p !== undefined && compareBytes(p.key, key) === 0) return p.value;
    }
    return this.coversRemoved(key) ? null : undefined;
  }

  /** The point entries with start <= key < end (undefined: no bound), in key order. */
  pointsIn(start: Uint8Array, end: Uint8Array | undefined): LayerPoint[] {
    const out: LayerPoint[] = [];
    if (this.chunks.length === 0) return out;
    const first = this.chunkFor(start);
    for (let c = first; c < this.chunks.length; c++) {
      const chunk = this.chunks[c]!;
      for (let i = c === first ? lowerBound(chunk, start) : 0; i < chunk.length; i++) {
        const p = chunk[i]!;
        if (end !== undefined && compareBytes(p.key, end) >= 0) return out;
        out.push(p);
      }
    }
    return out;
  }

  /**
   * The ops that bring a table to this layer's state: removed ranges first, then the points in
   * key order (a point is newer than every range of its layer).
   */
  toOps(): KvOp[] {
    const ops: KvOp[] = this.removedRanges.map((r) => ({ op: 'removeRange', start: r.start, end: r.end }));
    for (const chunk of this.chunks) {
      for (const p of chunk) ops.push(p.value === null ? { op: 'remove', key: p.key } : { op: 'put', key: p.key, value: p.value });
    }
    return ops;
  }

  private removePoints(start: Uint8Array, end: Uint8Array): void {
    if (this.chunks.length === 0) return;
    for (let c = this.chunkFor(start); c < this.chunks.length; c++) {
      const chunk = this.chunks[c]!;
      const from = lowerBound(chunk, start);
      const to = lowerBound(chunk, end);
      const past = to < chunk.length; // this chunk holds keys at or after `end`: the last one
      chunk.splice(from, Math.max(0, to - from));
      if (past) break;
    }
    for (let c = this.chunks.length - 1; c >= 0; c--) if (this.chunks[c]!.length === 0) this.chunks.splice(c, 1);
  }

  private coversRemoved(key: Uint8Array): boolean {
    for (const r of this.removedRanges) if (compareBytes(key, r.start) >= 0 && compareBytes(key, r.end) < 0) return true;
    return false;
  }

  /** The chunk that holds (or would hold) `key`: the last one whose first key is <= key. */
  private chunkFor(key: Uint8Array): number {
    let lo = 0;
    let hi = this.chunks.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >>> 1;
      if (compareBytes(this.chunks[mid]![0]!.key, key) <= 0) lo = mid;
      else hi = mid - 1;
    }
    return lo;
  }
}

/** Index of the first point with key >= `key`. */
function lowerBound(points: readonly LayerPoint[], key: Uint8Array): number {
  let lo = 0;
  let hi = points.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (compareBytes(points[mid]!.key, key) < 0) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}
