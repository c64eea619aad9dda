/** Test fixture: an engine (plan cache on or off) over a TxnKv that counts reads. */
import { timestamp } from '../../src/base/ids.js';
import type { Logger } from '../../src/base/logger.js';
import { TimestampOracle } from '../../src/meta/timestamp-oracle.js';
import { LocalTxnKv } from '../../src/txn/local-txn-kv.js';
import type { KeyRange, ScanOptions, Txn, TxnKv, BeginOptions, KvPair, LockMode } from '../../src/txn/txn-kv.js';
import { createMemoryMvccStore } from '../../storage/memory-mvcc-store.js';
import type { SqlSession } from '../session-api.js';
import { SqlEngine } from '../sql-engine.js';

const quietLogger: Logger = { debug: () => {}, info: () => {}, warn: () => {}, error: () => {} };

/** Keys read by get/batchGet, scans started and pairs they yielded, since the counter was last reset. */
export interface ReadCounter {
  count: number;
  scans: number;
  scanned?: number;
}

async function* counted(pairs: AsyncIterable<KvPair>, reads: ReadCounter): AsyncIterable<KvPair> {
  for await (const pair of pairs) {
    reads.scanned = (reads.scanned ?? 0) + 1;
    yield pair;
  }
}

class CountingTxnKv implements TxnKv {
  constructor(private readonly inner: TxnKv, private readonly reads: ReadCounter) {}
  begin(options?: BeginOptions): Txn {
    const txn = this.inner.begin(options);
    const reads = this.reads;
    return {
      get startTs() { return txn.startTs; },
      get finished() { return txn.finished; },
      get: (key: Uint8Array) => { reads.count++; return txn.get(key); },
      batchGet: (keys: readonly Uint8Array[]) => { reads.count += keys.length; return txn.batchGet(keys); },
      scan: (range: KeyRange, o?: ScanOptions): AsyncIterable<KvPair> => { reads.scans++; return counted(txn.scan(range, o), reads); },
      put: (k: Uint8Array, v: Uint8Array) => txn.put(k, v),
      delete: (k: Uint8Array) => txn.delete(k),
      lock: (k: Uint8Array, mode?: LockMode) => txn.lock(k, mode),
      commit: () => txn.commit(),
      rollback: () => txn.rollback(),
    };
  }
}

/** A fresh engine over an empty in-memory store, one session on it, and its read counter. */
export async function newEngineSession(planCache: boolean): Promise<{ engine: SqlEngine; session: SqlSession; gets: ReadCounter }> {
  let ms = 1_700_000_000_000;
  const clock = { nowMs: () => ms++, monotonicMs: () => ms };
  const store = createMemoryMvccStore();
  const gets: ReadCounter = { count: 0, scans: 0 };
  const kv = new CountingTxnKv(new LocalTxnKv(store, new TimestampOracle(clock, timestamp(store.maxCommitTs()))), gets);
  const engine = new SqlEngine({ kv, clock, logger: quietLogger, planCache });
  await engine.init();
  const session = await engine.openSession({ user: 'root', database: null, connectionId: 7 });
  return { engine, session, gets };
}
