/**
 * What an online schema change (exec/online-ddl.ts) needs from its engine besides the
 * catalog — F1's schema lease on one node:
 *
 *   - Which SQL transactions are open. Sessions begin every transaction through `track(kv)`;
 *     a schema state step waits until no transaction that began before the previous step's
 *     commit is left, so at most two adjacent schema states are in use at any time (F1's
 *     invariant). "Began before" is counted in begin order, not timestamps: a transaction that
 *     began before the plan cache dropped the old definition may still hold it, whatever its
 *     snapshot. The wait is MySQL's metadata lock wait: errno 1205 after the timeout.
 *   - Which tables a job runs on: one job per table; other DDL on that table waits for it.
 *
 * Per engine, like the plan cache: a cluster needs this as a lease every node renews.
 */
import { SqlError } from '../src/base/errors.js';
import { limits } from '../src/base/limits.js';
import type { Timestamp } from '../src/base/ids.js';
import type { BeginOptions, KeyRange, KvPair, LockMode, ScanOptions, Txn, TxnKv } from '../src/txn/txn-kv.js';

/** Knobs of online schema changes (SqlEngineOptions.onlineDdl). */
export interface OnlineDdlOptions {
  /** Rows per backfill or cleanup batch (default limits.ddlBackfillBatchRows). */
  readonly backfillBatchRows?: number;
  /** Longest wait for older transactions or for another job (default limits.lockWaitTimeoutMs). */
  readonly waitTimeoutMs?: number;
  /**
   * TEST ONLY: called after every committed backfill batch; 'die' stops the job where it is,
   * without rolling back, as if the process died (the catalog keeps the pending state).
   */
  readonly testOnlyAfterBackfillBatch?: (job: JobStatus) => 'continue' | 'die';
}

/** Where a running job is (for tests and operators). */
export interface JobStatus {
  readonly tableId: number;
  readonly db: string;
  readonly name: string;
  /** The step under way. */
  phase: 'deleteOnly' | 'writeOnly' | 'backfill' | 'public' | 'dropping' | 'cleanup' | 'rollback';
  /** Rows the backfill has read so far (in its current pass: an online MODIFY may run another). */
  rowsBackfilled: number;
}

interface Job {
  readonly status: JobStatus;
  readonly done: Promise<void>;
  readonly finish: () => void;
}

/** Open transactions and running schema change jobs of one engine. */
export class SchemaSync {
  private nextSeq = 0;
  private stepBarrier = 0;
  /** Begin sequence numbers of open transactions. */
  private readonly open = new Set<number>();
  private waiters: { readonly barrier: number; readonly resolve: () => void }[] = [];
  /** Running jobs by `db.table` (the name the job's table has now). */
  private readonly jobs = new Map<string, Job>();

  constructor(readonly options: OnlineDdlOptions = {}) {}

  /** Rows per backfill batch. */
  get batchRows(): number {
    return this.options.backfillBatchRows ?? limits.ddlBackfillBatchRows;
  }

  private get timeoutMs(): number {
    return this.options.waitTimeoutMs ?? limits.lockWaitTimeoutMs;
  }

  /** `kv` with every transaction counted from begin until commit or rollback. */
  track(kv: TxnKv): TxnKv {
    return { begin: (options?: BeginOptions) => this.wrap(kv.begin(options)) };
  }

  private wrap(inner: Txn): Txn {
    const seq = this.nextSeq++;
    this.open.add(seq);
    return new TrackedTxn(inner, () => this.ended(seq));
  }

  private ended(seq: number): void {
    if (!this.open.delete(seq) || this.waiters.length === 0) return;
    const oldest = this.oldestOpen();
    const ready = this.waiters.filter((w) => oldest >= w.barrier);
    this.waiters = this.waiters.filter((w) => oldest < w.barrier);
    for (const w of ready) w.resolve();
  }

  private oldestOpen(): number {
    let oldest = Infinity;
    for (const seq of this.open) if (seq < oldest) oldest = seq;
    return oldest;
  }

  /** A point in begin order: every transaction begun so far is before it. */
  barrier(): number {
    return this.nextSeq;
  }

  /**
   * The barrier taken right after the last schema state step committed (and the plan cache
   * dropped the definitions before it): transactions before it may use the state before that.
   */
  get lastStepBarrier(): number {
    return this.stepBarrier;
  }

  /** Records that a schema state step just committed. */
  noteStep(): void {
    this.stepBarrier = this.nextSeq;
  }

  /** Resolves once no transaction begun before `barrier` is open; 1205 after the timeout. */
  async waitForOlder(barrier: number): Promise<void> {
    if (this.oldestOpen() >= barrier) return;
    let timer: NodeJS.Timeout | undefined;
    const drained = new Promise<void>((resolve) => this.waiters.push({ barrier, resolve }));
    const timedOut = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new SqlError('LOCK_WAIT_TIMEOUT', 'Lock wait timeout exceeded; try restarting transaction')), this.timeoutMs);
    });
    try {
      await Promise.race([drained, timedOut]);
    } finally {
      clearTimeout(timer);
    }
  }

  /**
   * Registers a job on `db.name` (table `tableId`), first waiting for a running one there to
   * end (1205 after the timeout). The caller ends it with `endJob`.
   */
  async startJob(db: string, name: string, tableId: number): Promise<JobStatus> {
    await this.waitForJob(db, name);
    let finish = (): void => {};
    const done = new Promise<void>((resolve) => {
      finish = resolve;
    });
    const status: JobStatus = { tableId, db, name, phase: 'deleteOnly', rowsBackfilled: 0 };
    this.jobs.set(`${db}.${name}`, { status, done, finish });
    return status;
  }

  /** Ends a job started by `startJob`. */
  endJob(status: JobStatus): void {
    const key = `${status.db}.${status.name}`;
    const job = this.jobs.get(key);
    if (job === undefined || job.status !== status) return;
    this.jobs.delete(key);
    job.finish();
  }

  /** Waits until no job runs on `db.name` (1205 after the timeout). */
  async waitForJob(db: string, name: string): Promise<void> {
    for (;;) {
      const job = this.jobs.get(`${db}.${name}`);
      if (job === undefined) return;
      let timer: NodeJS.Timeout | undefined;
      const timedOut = new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new SqlError('LOCK_WAIT_TIMEOUT', 'Lock wait timeout exceeded; try restarting transaction')), this.timeoutMs);
      });
      try {
        await Promise.race([job.done, timedOut]);
      } finally {
        clearTimeout(timer);
      }
    }
  }

  /** True while a job of this engine runs on table `tableId`. */
  runsOn(tableId: number): boolean {
    for (const job of this.jobs.values()) if (job.status.tableId === tableId) return true;
    return false;
  }

  /** The running jobs. */
  runningJobs(): readonly JobStatus[] {
    return [...this.jobs.values()].map((j) => j.status);
  }
}

/** A transaction that tells its SchemaSync when it ends. */
class TrackedTxn implements Txn {
  private ended = false;

  constructor(private readonly inner: Txn, private readonly onEnd: () => void) {}

  get startTs(): Timestamp {
    return this.inner.startTs;
  }

  get finished(): boolean {
    return this.inner.finished;
  }

  get(key: Uint8Array): Promise<Uint8Array | undefined> {
    return this.inner.get(key);
  }

  batchGet(keys: readonly Uint8Array[]): Promise<(Uint8Array | undefined)[]> {
    return this.inner.batchGet(keys);
  }

  scan(range: KeyRange, options?: ScanOptions): AsyncIterable<KvPair> {
    return this.inner.scan(range, options);
  }

  put(key: Uint8Array, value: Uint8Array): void {
    this.inner.put(key, value);
  }

  delete(key: Uint8Array): void {
    this.inner.delete(key);
  }

  lock(key: Uint8Array, mode?: LockMode): Promise<void> {
    return this.inner.lock(key, mode);
  }

  async commit(): Promise<{ readonly commitTs: Timestamp }> {
    try {
      return await this.inner.commit();
    } finally {
      this.end();
    }
  }

  rollback(): void {
    try {
      this.inner.rollback();
    } finally {
      this.end();
    }
  }

  private end(): void {
    if (this.ended) return;
    this.ended = true;
    this.onEnd();
  }
}
