/**
 * TxnKv on one node over an MvccStore: snapshot isolation with first-committer-wins.
 *
 * - A transaction reads at `startTs`, the newest timestamp whose commit is durable and
 *   visible; its own writes are buffered and merged into its reads.
 * - A commit checks conflicts, takes a commit timestamp from the oracle and hands its writes to
 *   the store in one synchronous step; the visible timestamp advances when the store says the
 *   writes are durable. A commit's writes are visible to a new transaction only once durable,
 *   and concurrent commits share the store's group commit (one fsync).
 * - A key written or locked by this transaction and committed by another after `startTs` is a
 *   write-write conflict: the commit fails with a retryable error (errno 1213).
 */
import { assert } from '../base/assert.js';
import { RetryableTxnError, SqlError } from '../base/errors.js';
import type { Timestamp } from '../base/ids.js';
import type { MvccStore, Write } from '../../storage/engine.js';
import { compareBytes } from '../../storage/key-codec.js';
import type { TimestampOracle } from '../meta/timestamp-oracle.js';
import type { BeginOptions, KeyRange, KvPair, ScanOptions, Txn, TxnKv } from './txn-kv.js';
import { WriteBuffer } from './write-buffer.js';

/** Options of the single-node store. */
export interface LocalTxnKvOptions {
  /**
   * TEST ONLY: acknowledge a commit before it is durable — a deliberate bug that the Jepsen
   * harness must catch under kill -9 (env ATOLL_TESTONLY_ACK_BEFORE_DURABLE=1).
   */
  readonly testOnlyAckBeforeDurable?: boolean;
  /** Called when a durable write fails; a fatal storage error must stop the node. */
  readonly onStorageError?: (error: unknown) => void;
}

/** The single-node transactional KV store. */
export class LocalTxnKv implements TxnKv {
  // Invariant: visibleTs is the commit timestamp of the newest durable commit (or the store's max).
  private visibleTs: Timestamp;

  constructor(
    private readonly store: MvccStore,
    private readonly oracle: TimestampOracle,
    private readonly options: LocalTxnKvOptions = {},
  ) {
    this.visibleTs = store.maxCommitTs();
  }

  /** Starts a transaction reading at the newest visible commit. */
  begin(options: BeginOptions = {}): Txn {
    return new LocalTxn(this, this.store, this.visibleTs, options.readOnly ?? false);
  }

  /**
   * Commits one transaction's writes. The conflict check, the timestamp and the hand-off to
   * the store happen in one synchronous step, so commits never interleave there; durability is
   * awaited outside it, so many commits share one fsync (the store's group commit).
   * The store resolves commits in timestamp order, so `visibleTs` only moves forward.
   */
  commit(startTs: Timestamp, writes: readonly Write[], lockedKeys: readonly Uint8Array[]): Promise<Timestamp> {
    for (const key of [...writes.map((w) => w.key), ...lockedKeys]) {
      const latest = this.store.latestCommitTs(key); // includes commits not yet durable
      if (latest !== undefined && latest > startTs) {
        return Promise.reject(new RetryableTxnError('Deadlock found when trying to get lock; try restarting transaction'));
      }
    }
    const commitTs = this.oracle.next();
    assert(commitTs > this.visibleTs, 'commit timestamp must exceed every visible commit');
    if (this.options.testOnlyAckBeforeDurable === true) {
      // Planted bug for the Jepsen harness: acknowledge now and write 200 ms later, so a
      // kill -9 in between loses an acknowledged commit. Never enabled outside tests.
      setTimeout(() => void this.store.commit(writes, commitTs).catch(() => undefined), 200);
      this.visibleTs = commitTs;
      return Promise.resolve(commitTs);
    }
    return this.store.commit(writes, commitTs).then(
      () => {
        assert(commitTs > this.visibleTs, 'the store resolved commits out of timestamp order');
        this.visibleTs = commitTs;
        return commitTs;
      },
      (error: unknown) => {
        this.options.onStorageError?.(error);
        throw error;
      },
    );
  }
}

class LocalTxn implements Txn {
  private readonly writes = new WriteBuffer();
  private readonly lockedKeys: Uint8Array[] = [];
  finished = false;

  constructor(
    private readonly kv: LocalTxnKv,
    private readonly store: MvccStore,
    readonly startTs: Timestamp,
    private readonly readOnly: boolean,
  ) {}

  async get(key: Uint8Array): Promise<Uint8Array | undefined> {
    this.assertOpen();
    const own = this.writes.lookup(key);
    if (own !== undefined) return own ?? undefined;
    return this.store.get(key, this.startTs);
  }

  async batchGet(keys: readonly Uint8Array[]): Promise<(Uint8Array | undefined)[]> {
    const values: (Uint8Array | undefined)[] = [];
    for (const key of keys) values.push(await this.get(key));
    return values;
  }

  async *scan(range: KeyRange, options: ScanOptions = {}): AsyncIterable<KvPair> {
    this.assertOpen();
    const limit = options.limit ?? Infinity;
    if (limit <= 0) return;
    const reverse = options.reverse ?? false;
    const own = this.writes.inRange(range, reverse);
    // Ask storage for enough rows to fill `limit` even if every own delete hides one.
    const storeLimit = limit === Infinity ? undefined : limit + this.writes.size;
    const stored = this.store.scan(range, this.startTs, { reverse, ...(storeLimit === undefined ? {} : { limit: storeLimit }) });
    let count = 0;
    for (const pair of mergeOwnWrites(stored, own, reverse)) {
      yield pair;
      if (++count >= limit) return;
    }
  }

  put(key: Uint8Array, value: Uint8Array): void {
    this.assertWritable();
    this.writes.set(key, value);
  }

  delete(key: Uint8Array): void {
    this.assertWritable();
    this.writes.set(key, null);
  }

  async lock(key: Uint8Array): Promise<void> {
    this.assertOpen();
    this.lockedKeys.push(key.slice());
  }

  async commit(): Promise<{ readonly commitTs: Timestamp }> {
    this.assertOpen();
    this.finished = true;
    const writes = this.writes.toWrites();
    if (writes.length === 0 && this.lockedKeys.length === 0) return { commitTs: this.startTs };
    const commitTs = await this.kv.commit(this.startTs, writes, this.lockedKeys);
    return { commitTs };
  }

  rollback(): void {
    this.finished = true;
  }

  private assertOpen(): void {
    assert(!this.finished, 'transaction already finished');
  }

  private assertWritable(): void {
    this.assertOpen();
    if (this.readOnly) throw new SqlError('NOT_SUPPORTED_YET', 'Cannot execute statement in a READ ONLY transaction.');
  }
}

/** Merges storage pairs with this transaction's buffered writes (own writes win; null hides). */
function* mergeOwnWrites(stored: Iterable<KvPair>, own: readonly Write[], reverse: boolean): Generator<KvPair> {
  const direction = reverse ? -1 : 1;
  let i = 0;
  for (const pair of stored) {
    while (i < own.length && direction * compareBytes(own[i]!.key, pair.key) < 0) {
      const w = own[i++]!;
      if (w.value !== null) yield { key: w.key, value: w.value };
    }
    if (i < own.length && compareBytes(own[i]!.key, pair.key) === 0) {
      const w = own[i++]!;
      if (w.value !== null) yield { key: w.key, value: w.value };
      continue;
    }
    yield pair;
  }
  for (; i < own.length; i++) {
    const w = own[i]!;
    if (w.value !== null) yield { key: w.key, value: w.value };
  }
}
