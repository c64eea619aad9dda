/**
 * The byte layout of the MVCC keyspace inside one ordered table, and the checksummed stored
 * value format shared with the Raft log store.
 *
 * - Version key: `0x02 ‖ escape(userKey) ‖ 0x00 0x01 ‖ be64(2^64-1 - commitTs)`. The escape
 *   (0x00 → 0x00 0xff) with its terminator keeps user-key order and makes every version of a
 *   key sort together; the inverted timestamp puts the newest version first.
 * - Head key: `0x03 ‖ escape(userKey) ‖ 0x00 0x01` → the newest version again, as
 *   `be64(commitTs) ‖ value`: a read at or above the newest commit (nearly every read) costs
 *   one exact LMDB get instead of a cursor seek. Written in the same transaction as the version.
 * - Meta key: `0x01 ‖ name` (e.g. the largest commit timestamp ever written).
 * - Stored value: `crc32c(be32) ‖ kind(1) ‖ payload`, the CRC covering the stored key, the kind
 *   and the payload, so a value moved under another key is caught as well as flipped bytes.
 */
import { assert } from '../src/base/assert.js';
import type { Timestamp } from '../src/base/ids.js';
import { timestamp } from '../src/base/ids.js';
import { crc32c } from './crc32c.js';
import { StorageCorruptionError } from './engine.js';

export const META_PREFIX = 0x01;
export const VERSION_PREFIX = 0x02;
export const HEAD_PREFIX = 0x03;
/** The first key of the version keyspace. */
export const VERSION_SPACE_START = Uint8Array.of(VERSION_PREFIX);
/** The first byte after the version keyspace: the exclusive end of "every version". */
export const VERSION_SPACE_END = Uint8Array.of(VERSION_PREFIX + 1);
const TS_BYTES = 8;
const TS_MAX = (1n << 64n) - 1n;

/** The kind byte of a stored value. */
export const enum ValueKind {
  Put = 1,
  Tombstone = 2,
  Meta = 3,
  /** A Raft log entry: be64 term ‖ data. */
  LogEntry = 4,
  /** A Raft group's hard state or compaction mark. */
  LogState = 5,
  /** A journal record: the ops of one write (`journaled-kv.ts`). */
  Journal = 6,
}

/** `0x02 ‖ escape(userKey) ‖ 0x00 0x01`: the prefix shared by every version of `userKey`. */
export function versionPrefix(userKey: Uint8Array): Uint8Array {
  const out = new Uint8Array(escapedLength(userKey) + 3);
  writeVersionPrefix(out, userKey);
  return out;
}

function escapedLength(userKey: Uint8Array): number {
  let n = userKey.length;
  for (let i = 0; i < userKey.length; i++) if (userKey[i] === 0) n++;
  return n;
}

/** `0x03 ‖ escape(userKey) ‖ 0x00 0x01`: where the newest version of `userKey` is repeated. */
export function headKey(userKey: Uint8Array): Uint8Array {
  const out = new Uint8Array(escapedLength(userKey) + 3);
  writeVersionPrefix(out, userKey, HEAD_PREFIX);
  return out;
}

/** The head payload: `be64(commitTs) ‖ value`. */
export function encodeHeadPayload(commitTs: Timestamp, value: Uint8Array): Uint8Array {
  const out = new Uint8Array(TS_BYTES + value.length);
  tsScratch.setBigUint64(0, commitTs);
  out.set(tsScratchBytes);
  out.set(value, TS_BYTES);
  return out;
}

/** The commit timestamp of a head payload. */
export function headTs(payload: Uint8Array): Timestamp {
  assert(payload.length >= TS_BYTES, 'mvcc: short head payload');
  for (let i = 0; i < TS_BYTES; i++) tsScratchBytes[i] = payload[i]!;
  return timestamp(tsScratch.getBigUint64(0));
}

/** The value of a head payload. */
export function headValue(payload: Uint8Array): Uint8Array {
  return new Uint8Array(payload.buffer, payload.byteOffset + TS_BYTES, payload.byteLength - TS_BYTES);
}

function writeVersionPrefix(out: Uint8Array, userKey: Uint8Array, prefix = VERSION_PREFIX): number {
  let p = 0;
  out[p++] = prefix;
  for (let i = 0; i < userKey.length; i++) {
    const b = userKey[i]!;
    out[p++] = b;
    if (b === 0) out[p++] = 0xff;
  }
  out[p++] = 0x00;
  out[p++] = 0x01;
  return p;
}

const tsScratch = new DataView(new ArrayBuffer(TS_BYTES));
const tsScratchBytes = new Uint8Array(tsScratch.buffer);

/** The key of the version of `userKey` committed at `commitTs` (one allocation: a hot path). */
export function versionKey(userKey: Uint8Array, commitTs: Timestamp): Uint8Array {
  assert(commitTs >= 0n && commitTs <= TS_MAX, 'mvcc: timestamp out of range');
  const out = new Uint8Array(escapedLength(userKey) + 3 + TS_BYTES);
  const at = writeVersionPrefix(out, userKey);
  tsScratch.setBigUint64(0, TS_MAX - commitTs);
  out.set(tsScratchBytes, at);
  return out;
}

/** The inverted timestamp bytes a version key ends with, for `visibleAt`. */
export function invertedTs(ts: Timestamp): Uint8Array {
  const out = new Uint8Array(TS_BYTES);
  new DataView(out.buffer).setBigUint64(0, TS_MAX - ts);
  return out;
}

/**
 * True when the version key `key` was committed at or below the read timestamp whose
 * `invertedTs` is `invertedReadTs` — a byte comparison, no bigint per row.
 */
export function visibleAt(key: Uint8Array, invertedReadTs: Uint8Array): boolean {
  const at = key.length - TS_BYTES;
  for (let i = 0; i < TS_BYTES; i++) {
    const d = key[at + i]! - invertedReadTs[i]!;
    if (d !== 0) return d > 0;
  }
  return true;
}

/** True when version keys `a` and `b` belong to the same user key. */
export function sameStem(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  for (let i = a.length - TS_BYTES - 1; i >= 0; i--) if (a[i] !== b[i]) return false;
  return true;
}

/** The commit timestamp of a version key. */
export function versionTs(key: Uint8Array): Timestamp {
  assert(key.length >= 1 + 2 + TS_BYTES && key[0] === VERSION_PREFIX, 'mvcc: not a version key');
  const at = key.length - TS_BYTES;
  for (let i = 0; i < TS_BYTES; i++) tsScratchBytes[i] = key[at + i]!;
  return timestamp(TS_MAX - tsScratch.getBigUint64(0));
}

/** The user key a version key belongs to. */
export function versionUserKey(key: Uint8Array): Uint8Array {
  const end = key.length - TS_BYTES - 2;
  assert(key[end] === 0x00 && key[end + 1] === 0x01, 'mvcc: bad version key terminator');
  let zeros = 0;
  for (let i = 1; i < end; i++) if (key[i] === 0) zeros++;
  const out = new Uint8Array(end - 1 - zeros);
  let n = 0;
  for (let i = 1; i < end; i++) {
    const b = key[i]!;
    out[n++] = b;
    if (b === 0) {
      assert(key[i + 1] === 0xff, 'mvcc: bad version key escape');
      i++;
    }
  }
  return out;
}

/** `0x01 ‖ name`. */
export function metaKey(name: string): Uint8Array {
  const body = new TextEncoder().encode(name);
  const out = new Uint8Array(1 + body.length);
  out[0] = META_PREFIX;
  out.set(body, 1);
  return out;
}

/** Bytes before the payload of a stored value: crc32c(be32) ‖ kind. */
export const STORED_VALUE_HEADER_BYTES = 5;

/** The stored form of a value: checksum, kind, payload. */
export function encodeStoredValue(key: Uint8Array, kind: ValueKind, payload: Uint8Array): Uint8Array {
  const out = new Uint8Array(STORED_VALUE_HEADER_BYTES + payload.length);
  out[4] = kind;
  out.set(payload, STORED_VALUE_HEADER_BYTES);
  writeBe32(out, 0, crc32c(out, crc32c(key), 4));
  return out;
}

/**
 * Seals a stored value built in place, for hot paths that put a key and its value in one
 * allocation: `bytes[valueAt + 5, valueEnd)` already holds the payload; this writes the kind and
 * the checksum over the key `bytes[keyAt, keyEnd)`, the kind and the payload — exactly the
 * bytes `encodeStoredValue` would produce.
 */
export function sealStoredValue(bytes: Uint8Array, key: { readonly at: number; readonly end: number }, valueAt: number, valueEnd: number, kind: ValueKind): void {
  assert(key.at < key.end && valueAt + STORED_VALUE_HEADER_BYTES <= valueEnd && valueEnd <= bytes.length, 'mvcc: bad stored value bounds');
  bytes[valueAt + 4] = kind;
  writeBe32(bytes, valueAt, crc32c(bytes, crc32c(bytes, 0, key.at, key.end), valueAt + 4, valueEnd));
}

/** Big-endian u32 at `at`, byte by byte: no DataView (which would materialize a small array's buffer). */
function writeBe32(out: Uint8Array, at: number, value: number): void {
  out[at] = value >>> 24;
  out[at + 1] = (value >>> 16) & 0xff;
  out[at + 2] = (value >>> 8) & 0xff;
  out[at + 3] = value & 0xff;
}

/** A stored value after its checksum was verified. */
export interface StoredValue {
  readonly kind: ValueKind;
  readonly payload: Uint8Array;
}

/** Verifies and splits a stored value; throws StorageCorruptionError on any mismatch. */
export function decodeStoredValue(key: Uint8Array, stored: Uint8Array, where: string): StoredValue {
  if (stored.length < 5) throw corruption(where, key, 'value shorter than its header');
  const expected = ((stored[0]! << 24) | (stored[1]! << 16) | (stored[2]! << 8) | stored[3]!) >>> 0;
  const actual = crc32c(stored, crc32c(key), 4);
  if (expected !== actual) throw corruption(where, key, `crc32c ${hex32(actual)} != stored ${hex32(expected)}`);
  const kind = stored[4]!;
  if (kind < ValueKind.Put || kind > ValueKind.Journal) {
    throw corruption(where, key, `unknown value kind ${kind}`);
  }
  // A plain view, not Buffer#subarray (slow, and Buffer-typed): stored is the caller's own copy.
  return { kind, payload: new Uint8Array(stored.buffer, stored.byteOffset + 5, stored.byteLength - 5) };
}

function corruption(where: string, key: Uint8Array, what: string): StorageCorruptionError {
  const keyHex = Buffer.from(key.subarray(0, 64)).toString('hex');
  return new StorageCorruptionError(`${where}: ${what} at key ${keyHex}`);
}

function hex32(n: number): string {
  return n.toString(16).padStart(8, '0');
}
