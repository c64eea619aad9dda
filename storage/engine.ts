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
  /** The commit timestamp of the newest version of `key` (tombstones included), if any. */
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
