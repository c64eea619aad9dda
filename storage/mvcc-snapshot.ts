/**
 * Range snapshots of the MVCC keyspace: export every stored version and head of a user-key
 * range in bounded chunks, and ingest them elsewhere. The stored values travel with their
 * checksums (which cover their keys), so the receiver verifies end to end before writing.
 *
 * Chunk framing: repeated `be32(keyLen) ‖ key ‖ be32(valueLen) ‖ storedValue`.
 */
import { assert } from '../src/base/assert.js';
import type { Timestamp } from '../src/base/ids.js';
import type { KeyRange, SnapshotChunk } from './engine.js';
import { StorageCorruptionError } from './engine.js';
import { compareBytes } from './key-codec.js';
import { decodeStoredValue, HEAD_PREFIX, headKey, VERSION_PREFIX, versionPrefix, versionTs } from './mvcc-layout.js';
import type { KvOp, OrderedKv } from './ordered-kv.js';

/** The stored-key ranges a user-key range covers: its versions, then its heads. */
function storedRanges(range: KeyRange): { start: Uint8Array; end: Uint8Array }[] {
  return [
    { start: versionPrefix(range.start), end: range.end === undefined ? Uint8Array.of(VERSION_PREFIX + 1) : versionPrefix(range.end) },
    { start: headKey(range.start), end: range.end === undefined ? Uint8Array.of(HEAD_PREFIX + 1) : headKey(range.end) },
  ];
}

/** Reads the next chunk of `range` from `kv`. */
export function exportChunk(kv: OrderedKv, range: KeyRange, cursor: Uint8Array | undefined, bytesMax: number): SnapshotChunk {
  assert(bytesMax > 0, 'snapshot: bytesMax must be positive');
  const parts: Uint8Array[] = [];
  let bytes = 0;
  for (const r of storedRanges(range)) {
    if (cursor !== undefined && compareBytes(cursor, r.end) >= 0) continue;
    const from = cursor !== undefined && compareBytes(cursor, r.start) > 0 ? cursor : r.start;
    for (const e of kv.range(from, r.end, false)) {
      if (bytes >= bytesMax) return { bytes: join(parts, bytes), cursor: e.key.slice() };
      const frame = frameOf(e.key, e.value);
      parts.push(frame);
      bytes += frame.length;
    }
  }
  return { bytes: join(parts, bytes) };
}

/** Verifies a chunk and turns it into writes; returns them and the newest version timestamp. */
export function ingestOps(range: KeyRange, chunk: SnapshotChunk, first: boolean): { ops: KvOp[]; newestTs: Timestamp | undefined } {
  const ranges = storedRanges(range);
  const ops: KvOp[] = first ? ranges.map((r): KvOp => ({ op: 'removeRange', start: r.start, end: r.end })) : [];
  let newestTs: Timestamp | undefined;
  for (const { key, value } of framesOf(chunk.bytes)) {
    const inRange = ranges.some((r) => compareBytes(key, r.start) >= 0 && compareBytes(key, r.end) < 0);
    if (!inRange) throw new StorageCorruptionError('snapshot chunk: a key outside the range');
    decodeStoredValue(key, value, 'snapshot chunk');
    if (key[0] === VERSION_PREFIX) {
      const ts = versionTs(key);
      if (newestTs === undefined || ts > newestTs) newestTs = ts;
    }
    ops.push({ op: 'put', key, value });
  }
  return { ops, newestTs };
}

function frameOf(key: Uint8Array, value: Uint8Array): Uint8Array {
  const out = new Uint8Array(8 + key.length + value.length);
  const view = new DataView(out.buffer);
  view.setUint32(0, key.length);
  out.set(key, 4);
  view.setUint32(4 + key.length, value.length);
  out.set(value, 8 + key.length);
  return out;
}

function* framesOf(bytes: Uint8Array): Iterable<{ key: Uint8Array; value: Uint8Array }> {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  let at = 0;
  while (at < bytes.length) {
    if (at + 4 > bytes.length) throw new StorageCorruptionError('snapshot chunk: truncated frame');
    const keyLen = view.getUint32(at);
    if (at + 8 + keyLen > bytes.length) throw new StorageCorruptionError('snapshot chunk: truncated key');
    const key = bytes.slice(at + 4, at + 4 + keyLen);
    const valueLen = view.getUint32(at + 4 + keyLen);
    const valueAt = at + 8 + keyLen;
    if (valueAt + valueLen > bytes.length) throw new StorageCorruptionError('snapshot chunk: truncated value');
    yield { key, value: bytes.slice(valueAt, valueAt + valueLen) };
    at = valueAt + valueLen;
  }
}

function join(parts: readonly Uint8Array[], bytes: number): Uint8Array {
  const out = new Uint8Array(bytes);
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}
