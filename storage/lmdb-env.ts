/**
 * The one file that imports `lmdb`. It opens an LMDB environment, hands out named ordered
 * tables (`OrderedKv`), and group-commits: every table's batches queued in one event-loop turn
 * are written in ONE LMDB write transaction — one fdatasync — and their promises resolve only
 * after that transaction returned, i.e. when the data is on disk.
 *
 * Durability, as checked with strace on this machine (lmdb 3.x): `transactionSync` with
 * `putSync`/`removeSync` inside writes the dirty pages (writev), calls fdatasync on the data
 * file, then writes the meta page through a second descriptor opened O_DSYNC — all on the
 * calling thread, before it returns. The asynchronous `db.put` path resolves from a worker
 * thread with `overlappingSync`, where "resolved" and "flushed" are different events; we
 * open with `overlappingSync: false`, so that path (`writeBehind`: the Raft journal) commits
 * with the same fdatasync and O_DSYNC meta write, on lmdb's writer thread, before it resolves.
 */
import { open, type Database, type RootDatabase } from 'lmdb';
import { assert } from '../src/base/assert.js';
import { limits } from '../src/base/limits.js';
import { createLogger } from '../src/base/logger.js';
import { StorageFatalError, type KvPair } from './engine.js';
import { compareBytes } from './key-codec.js';
import type { KvOp, OrderedKv } from './ordered-kv.js';

const log = createLogger('storage');
/** LMDB's largest key with 4 KiB pages. */
const LMDB_KEY_BYTES_MAX = 1978;

/** An open LMDB environment. */
export interface LmdbEnv {
  /** The directory holding data.mdb and lock.mdb. */
  readonly path: string;
  /** A named table of this environment (created on first use). */
  table(name: string): OrderedKv;
  /** Group commits performed so far (one fdatasync each), `writeBehind` ones included; for metrics and benchmarks. */
  readonly groupCommits: number;
  /** Flushes queued batches, then closes the files. */
  close(): Promise<void>;
}

/** Options of `openLmdbEnv`. */
export interface LmdbEnvOptions {
  readonly path: string;
  /** Initial map size; LMDB grows it on demand. */
  readonly mapBytes?: number;
  /**
   * Fault injection for tests: called inside every group-commit transaction after the
   * batches were applied; throwing fails the commit exactly as an fsync error would.
   */
  readonly beforeCommit?: () => void;
}

interface QueuedBatch {
  readonly db: Database<Buffer, Buffer>;
  readonly ops: readonly KvOp[];
}

/**
 * The batches of one group commit and the one promise they all share: it resolves after the
 * transaction carrying them returned (fdatasync done), or rejects when it failed. One promise
 * per group, not per batch, keeps a 64-append group from paying 64 promise constructions.
 */
class PendingGroup {
  readonly batches: QueuedBatch[] = [];
  readonly done: Promise<void>;
  resolve!: () => void;
  reject!: (error: Error) => void;

  constructor() {
    this.done = new Promise<void>((resolve, reject) => {
      this.resolve = resolve;
      this.reject = reject;
    });
  }
}

/** Opens (creating if needed) the LMDB environment at `options.path`. */
export function openLmdbEnv(options: LmdbEnvOptions): LmdbEnv {
  const root: RootDatabase = open({
    path: options.path,
    maxDbs: 16,
    mapSize: options.mapBytes ?? limits.lmdbMapBytesInitial,
    keyEncoding: 'binary',
    encoding: 'binary',
    cache: false,
    overlappingSync: false,
  });
  return new LmdbEnvImpl(options.path, root, options.beforeCommit);
}

class LmdbEnvImpl implements LmdbEnv {
  private readonly tables = new Map<string, OrderedKv>();
  /** The group the current loop turn's batches join; undefined when none is queued. */
  private pending: PendingGroup | undefined;
  private failure: StorageFatalError | undefined;
  private closed = false;
  private lastBehind: Promise<boolean> | undefined;
  /** `writeBehind` commits not yet done. */
  private readonly behind = new Set<Promise<boolean>>();
  groupCommits = 0;

  constructor(
    readonly path: string,
    private readonly root: RootDatabase,
    private readonly beforeCommit: (() => void) | undefined,
  ) {}

  table(name: string): OrderedKv {
    const existing = this.tables.get(name);
    if (existing !== undefined) return existing;
    const db = this.root.openDB<Buffer, Buffer>({ name, keyEncoding: 'binary', encoding: 'binary', cache: false });
    const table: OrderedKv = {
      get: (key) => plain(db.getBinary(key as Buffer)),
      seek: (start) => {
        for (const e of db.getRange({ start: start as Buffer })) return e;
        return undefined;
      },
      range: (start, end, reverse) => rangeOf(db, start, end, reverse),
      write: (ops) => this.enqueue(db, ops),
      writeBehind: (ops) => this.writeBehind(db, ops),
    };
    this.tables.set(name, table);
    return table;
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.flush();
    this.closed = true;
    // lmdb must not close under a commit of its writer thread.
    await Promise.all([...this.behind].map((p) => p.catch(() => undefined)));
    await this.root.close();
  }

  private enqueue(db: Database<Buffer, Buffer>, ops: readonly KvOp[]): Promise<void> {
    if (this.failure !== undefined) return Promise.reject(this.failure);
    assert(!this.closed, 'lmdb: write after close');
    checkOps(ops);
    let group = this.pending;
    if (group === undefined) {
      group = this.pending = new PendingGroup();
      setImmediate(() => this.flush());
    }
    group.batches.push({ db, ops });
    return group.done;
  }

  /**
   * lmdb's asynchronous put/remove: encoded here, applied and committed by its writer thread
   * (every async write of one loop turn in one transaction), resolved after the commit's sync.
   * lmdb reads a value's bytes when the writer applies it: callers never reuse those arrays.
   */
  private writeBehind(db: Database<Buffer, Buffer>, ops: readonly KvOp[]): Promise<void> {
    if (this.failure !== undefined) return Promise.reject(this.failure);
    assert(!this.closed, 'lmdb: write after close');
    checkOps(ops);
    let last: Promise<boolean> | undefined;
    for (const op of ops) {
      if (op.op === 'put') last = db.put(op.key as Buffer, op.value as Buffer);
      else if (op.op === 'remove') last = db.remove(op.key as Buffer);
      else assert(false, `lmdb: writeBehind takes put and remove, not ${op.op}`);
    }
    if (last === undefined) return Promise.resolve();
    // lmdb hands every write of one transaction the same promise: count each commit once.
    if (last !== this.lastBehind) {
      this.lastBehind = last;
      const commit = last;
      this.behind.add(commit);
      commit.then(() => this.groupCommits++, () => undefined).finally(() => this.behind.delete(commit));
    }
    return last.then(
      () => undefined,
      (cause: unknown) => {
        this.failure ??= new StorageFatalError(`lmdb commit failed at ${this.path}`, { cause });
        log.error('durable write failed; storage is stopped', { path: this.path, error: String(cause) });
        throw this.failure;
      },
    );
  }

  /** Writes every queued batch in one synchronous, durable LMDB transaction. */
  private flush(): void {
    const group = this.pending;
    this.pending = undefined;
    if (group === undefined) return;
    try {
      this.root.transactionSync(() => {
        for (const b of group.batches) applyOps(b.db, b.ops);
        this.beforeCommit?.();
      });
    } catch (cause) {
      // A failed commit (fsync error, full disk) leaves the page cache untrustworthy: stop writing.
      this.failure = new StorageFatalError(`lmdb commit failed at ${this.path}`, { cause });
      log.error('durable write failed; storage is stopped', { path: this.path, error: String(cause) });
      group.reject(this.failure);
      return;
    }
    this.groupCommits++;
    group.resolve();
  }
}

function checkOps(ops: readonly KvOp[]): void {
  for (const op of ops) {
    checkKey(op.op === 'removeRange' ? op.start : op.key);
    // Every value we store carries a checksum header; an empty one would be a bug upstream.
    if (op.op === 'put') assert(op.value.length > 0, 'lmdb: empty values are not stored');
  }
}

function checkKey(key: Uint8Array): void {
  // The message is built only on failure: this runs for every op of every batch.
  if (!(key.length > 0 && key.length <= LMDB_KEY_BYTES_MAX)) assert(false, `lmdb: key of ${key.length} bytes`);
}

/**
 * lmdb-js copies keys into its own buffer (keys.js `target.set`) and takes any Uint8Array value
 * by its ArrayBuffer and offset (write.js), so our arrays go in as they are: no Buffer wrappers.
 */
function applyOps(db: Database<Buffer, Buffer>, ops: readonly KvOp[]): void {
  for (const op of ops) {
    if (op.op === 'put') db.putSync(op.key as Buffer, op.value as Buffer);
    else if (op.op === 'remove') db.removeSync(op.key as Buffer);
    else if (op.op === 'removeIfValue') {
      // Reads inside transactionSync see this transaction's own writes (checked), so a head
      // rewritten earlier in the same batch is compared as rewritten.
      const current = db.getBinary(op.key as Buffer);
      if (current !== undefined && compareBytes(current, op.value) === 0) db.removeSync(op.key as Buffer);
    }
    else {
      // Collect first: deleting under a live cursor is not something to rely on.
      const keys = [...db.getKeys({ start: op.start as Buffer, end: op.end as Buffer })];
      for (const key of keys) db.removeSync(key);
    }
  }
}

function rangeOf(db: Database<Buffer, Buffer>, start: Uint8Array, end: Uint8Array | undefined, reverse: boolean): Iterable<KvPair> {
  // lmdb copies a Uint8Array key into its own buffer (keys.js `target.set`): no Buffer needed.
  // lmdb refuses a zero-length key, and an empty start means "from the first key" anyway.
  const from = start.length === 0 ? {} : { start: start as Buffer };
  if (!reverse) return db.getRange({ ...from, ...(end === undefined ? {} : { end: end as Buffer }) });
  return reverseRange(db, start, end);
}

const SMALLEST_KEY = Uint8Array.of(0);

/**
 * lmdb's reverse ranges run from `start` (inclusive unless exclusiveStart) down to `end`, which
 * is exclusive — the wrong side for our half-open [start, end). So the lower bound is checked
 * here, reading at most one pair past it. Without an `end`, lmdb stops before its default
 * beginning key, the one-byte key 0x00 (read.js `defaultBeginningKey`, exclusive), so that key
 * is fetched by a point read when it is in range.
 */
function* reverseRange(db: Database<Buffer, Buffer>, start: Uint8Array, end: Uint8Array | undefined): Iterable<KvPair> {
  const entries = db.getRange({ reverse: true, ...(end === undefined ? {} : { start: end as Buffer, exclusiveStart: true }) });
  for (const e of entries) {
    if (compareBytes(e.key, start) < 0) return;
    yield e;
  }
  if (compareBytes(start, SMALLEST_KEY) > 0 || (end !== undefined && compareBytes(end, SMALLEST_KEY) <= 0)) return;
  const smallest = db.getBinary(SMALLEST_KEY as Buffer);
  if (smallest !== undefined) yield { key: SMALLEST_KEY.slice(), value: smallest };
}

/**
 * A plain Uint8Array view of a Buffer lmdb handed us (its own copy): callers of `get` compare
 * results with Uint8Array and must not get Buffer's sharing `slice`.
 */
function plain(buf: Buffer): Uint8Array;
function plain(buf: Buffer | undefined): Uint8Array | undefined;
function plain(buf: Buffer | undefined): Uint8Array | undefined {
  return buf === undefined ? undefined : new Uint8Array(buf.buffer, buf.byteOffset, buf.byteLength);
}
