/**
 * The transactional key-value interface the SQL layer sees (DESIGN.md: "sql/ talks to TxnKv
 * only"). It hides where keys live: one LMDB file today, Raft-replicated tablets later.
 */
import type { Timestamp } from '../base/ids.js';
import type { KeyRange, KvPair, ScanOptions } from '../../storage/engine.js';

export type { KeyRange, KvPair, ScanOptions };

/** MySQL's isolation levels, with honest meanings (see DESIGN.md, Transactions). */
export type IsolationLevel = 'READ-UNCOMMITTED' | 'READ-COMMITTED' | 'REPEATABLE-READ' | 'SERIALIZABLE';

/** How `Txn.lock` holds a key. */
export type LockMode = 'exclusive' | 'keyShare';

/** How a transaction starts. */
export interface BeginOptions {
  readonly isolation?: IsolationLevel;
  readonly readOnly?: boolean;
}

/**
 * One transaction. Reads see a snapshot at `startTs` plus this transaction's own buffered
 * writes; writes are buffered until `commit`, which is atomic and durable when it resolves.
 */
export interface Txn {
  readonly startTs: Timestamp;
  /** The value of `key`, or undefined. */
  get(key: Uint8Array): Promise<Uint8Array | undefined>;
  /** Values of many keys, in the order given. */
  batchGet(keys: readonly Uint8Array[]): Promise<(Uint8Array | undefined)[]>;
  /** Pairs in `range` in key order (or reverse), at most `limit`, own writes merged in. */
  scan(range: KeyRange, options?: ScanOptions): AsyncIterable<KvPair>;
  /** Buffers a write of `value` at `key`. */
  put(key: Uint8Array, value: Uint8Array): void;
  /** Buffers a delete of `key`. */
  delete(key: Uint8Array): void;
  /**
   * Locks `key` for the rest of the transaction, waiting behind another holder.
   * - `exclusive` (the default; SELECT … FOR UPDATE, and every writer of a row): a concurrent
   *   writer of `key` fails at commit, and so does this transaction (1213) when another one
   *   committed a version of `key` after this one read it, or held a `keyShare` lock on it and
   *   committed after this transaction's snapshot.
   * - `keyShare` (PostgreSQL's FOR KEY SHARE; what a child row's FOREIGN KEY check takes on its
   *   parent row): keeps `key` from being deleted or re-keyed under a child this transaction
   *   writes. It fails (1213) only on a newer version of `key`, never because of other
   *   `keyShare` holders, so children of one parent inserted one after another all commit.
   */
  lock(key: Uint8Array, mode?: LockMode): Promise<void>;
  /** Commits; resolves with the commit timestamp once durable. Rejects with SqlError on conflict. */
  commit(): Promise<{ readonly commitTs: Timestamp }>;
  /** Drops buffered writes and locks. */
  rollback(): void;
  /** True once committed or rolled back. */
  readonly finished: boolean;
}

/** The transactional KV store of the cluster. */
export interface TxnKv {
  begin(options?: BeginOptions): Txn;
}
