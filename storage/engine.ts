/**
 * The storage contract. `storage/` knows keys, values, versions and logs — never tables or SQL.
 * Keys and values are byte strings; keys sort by unsigned byte order (memcmp).
 */
import type { Timestamp } from '../src/base/ids.js';

/** One key and its value. */
export interface KvPair {
  readonly key: Uint8Array;
  readonly value: Uint8Array;
}

/** A half-open key range [start, end); `end` undefined means "to the end of the keyspace". */
export interface KeyRange {
  readonly start: Uint8Array;
  readonly end?: Uint8Array;
}

/** Scan options: direction and a row limit pushed down into storage. */
export interface ScanOptions {
  readonly reverse?: boolean;
  /** Most pairs returned; undefined means no limit. */
  readonly limit?: number;
}

/** One write of a commit: a put of `value`, or a delete (tombstone) when `value` is null. */
export interface Write {
  readonly key: Uint8Array;
  readonly value: Uint8Array | null;
}

/**
 * Multi-version storage. Every committed version is kept at its commit timestamp; a read at
 * `readTs` sees, per key, the newest version with commitTs <= readTs (and nothing when that
 * version is a tombstone).
 */
export interface MvccStore {
  /** The value of `key` visible at `readTs`. */
  get(key: Uint8Array, readTs: Timestamp): Uint8Array | undefined;
  /** Visible pairs in `range` at `readTs`, in key order (or reverse), at most `limit`. */
  scan(range: KeyRange, readTs: Timestamp, options?: ScanOptions): Iterable<KvPair>;
  /**
   * The commit timestamp of the newest version of `key` (tombstones included), if any —
   * counting commits already passed to `commit` whose promise has not resolved yet, so
   * conflict checks stay right when commits are pipelined to share one fsync.
   */
  latestCommitTs(key: Uint8Array): Timestamp | undefined;
  /**
   * Writes every version of one transaction at `commitTs`, atomically.
   * Resolves only when the writes are durable (fsync'd).
   * Invariant: commitTs is greater than every commitTs written before.
   */
  commit(writes: readonly Write[], commitTs: Timestamp): Promise<void>;
  /** The largest commit timestamp ever written (0n when empty); a restarted oracle starts above it. */
  maxCommitTs(): Timestamp;
  /** Closes the underlying files. */
  close(): Promise<void>;
}

/**
 * A stored checksum did not match the bytes read back: the disk, the file system or a bug
 * changed stored data. Fatal: the node stops rather than serve or replicate those bytes.
 */
export class StorageCorruptionError extends Error {
  override readonly name = 'StorageCorruptionError';
  /** Always true: callers must stop the node, never retry or carry on. */
  readonly fatal = true;
}

/**
 * A durable write failed (fsync error, full disk, I/O error). Fatal: after a failed fsync the
 * page cache can no longer be trusted to reach the disk, so the node stops.
 */
export class StorageFatalError extends Error {
  override readonly name = 'StorageFatalError';
  readonly fatal = true;
}

/** True for the storage errors after which the node must stop (corruption, failed fsync). */
export function isFatalStorageError(error: unknown): boolean {
  return error instanceof StorageCorruptionError || error instanceof StorageFatalError;
}

/**
 * Work pushed down into a scan, so storage does not materialize what the caller discards.
 * `filter` sees each visible pair before `project`; only pairs it accepts count against `limit`.
 * The key and value passed to the callbacks may be reused after the callback returns: copy
 * what you keep.
 */
export interface ScanPushdown<T> {
  readonly reverse?: boolean;
  /** Most results returned; undefined means no limit. */
  readonly limit?: number;
  /** Keeps a visible pair when it returns true (a pushed-down WHERE). */
  readonly filter?: (key: Uint8Array, value: Uint8Array) => boolean;
  /** Turns a kept pair into the result row (a pushed-down projection). */
  readonly project: (key: Uint8Array, value: Uint8Array) => T;
}

/** What one bounded garbage-collection call did. */
export interface GcResult {
  /** Versions removed (durably, when the promise resolved). */
  readonly versionsRemoved: number;
  /** Versions looked at. */
  readonly versionsVisited: number;
  /**
   * An opaque position to pass as `cursor` to the next call; undefined when the end of the
   * keyspace was reached (a full pass is done).
   */
  readonly cursor?: Uint8Array;
}

/** `MvccStore` plus pushed-down scans and version garbage collection. */
export interface MvccEngine extends MvccStore {
  /** Visible pairs of `range` at `readTs`, filtered and projected inside storage. */
  scanWith<T>(range: KeyRange, readTs: Timestamp, pushdown: ScanPushdown<T>): T[];
  /**
   * Removes versions no read at or above `safePointTs` can see: for each key, every version
   * older than its newest version at or below the safe point, and that version too when it is a
   * tombstone. Reads below the safe point are no longer answered correctly afterwards.
   * Visits at most `versionsVisitedMax` versions, from `cursor` (a previous result's) or from
   * the start of the keyspace. Safe to run beside commits whose timestamps exceed the safe point.
   */
  gcVersions(safePointTs: Timestamp, options: { readonly cursor?: Uint8Array; readonly versionsVisitedMax: number }): Promise<GcResult>;
  /**
   * One chunk of a range snapshot (for a Raft snapshot of a log stream): every stored version
   * and head of keys in `range`, checksums included, from `cursor` (a previous chunk's) on,
   * about `bytesMax` bytes. `cursor` is undefined on the last chunk.
   */
  exportSnapshotChunk(range: KeyRange, options: { readonly cursor?: Uint8Array; readonly bytesMax: number }): SnapshotChunk;
  /**
   * Writes one exported chunk (verifying every checksum first: a damaged chunk throws
   * StorageCorruptionError and writes nothing). With `first`, everything stored in `range`
   * is removed in the same batch. Raises `maxCommitTs` to the newest version ingested.
   */
  ingestSnapshotChunk(range: KeyRange, chunk: SnapshotChunk, options: { readonly first: boolean }): Promise<void>;
}

/** A piece of a range snapshot: stored pairs, framed `be32 len ‖ key ‖ be32 len ‖ value`. */
export interface SnapshotChunk {
  readonly bytes: Uint8Array;
  /** Where the next chunk starts; undefined when this is the last one. */
  readonly cursor?: Uint8Array;
}
