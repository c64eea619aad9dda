/** Test fixture: a SqlEngine over the in-memory MVCC store and the local TxnKv. */
import { timestamp } from '../../src/base/ids.js';
import type { Logger } from '../../src/base/logger.js';
import { TimestampOracle } from '../../src/meta/timestamp-oracle.js';
import { LocalTxnKv } from '../../src/txn/local-txn-kv.js';
import { createMemoryMvccStore } from '../../storage/memory-mvcc-store.js';
import type { SqlSession, SqlValue, StatementResult } from '../session-api.js';
import { SqlEngine, type SqlEngineOptions } from '../sql-engine.js';

const quietLogger: Logger = { debug: () => {}, info: () => {}, warn: () => {}, error: () => {} };

/** A fresh engine (empty store) and one session on it; `options` tune the engine (planner settings). */
export async function newSession(database: string | null = null, options: Pick<SqlEngineOptions, 'joinReorder' | 'equiJoins' | 'partitionPruner'> = {}): Promise<{ engine: SqlEngine; session: SqlSession }> {
  let ms = 1_700_000_000_000;
  const clock = { nowMs: () => ms++, monotonicMs: () => ms };
  const store = createMemoryMvccStore();
  const kv = new LocalTxnKv(store, new TimestampOracle(clock, timestamp(store.maxCommitTs())));
  const engine = new SqlEngine({ kv, clock, logger: quietLogger, ...options });
  await engine.init();
  const session = await engine.openSession({ user: 'root', database, connectionId: 7 });
  return { engine, session };
}

/** Runs `sql` and returns the last result, failing on any error. */
export async function run(session: SqlSession, sql: string): Promise<StatementResult> {
  const results = await session.query(sql);
  const last = results[results.length - 1]!;
  if (last.kind === 'error') throw new Error(`${sql}: ${last.error.errno} ${last.error.message}`);
  return last;
}

/** The rows of a query. */
export async function rows(session: SqlSession, sql: string): Promise<readonly (readonly SqlValue[])[]> {
  const r = await run(session, sql);
  if (r.kind !== 'rows') throw new Error(`${sql}: not a result set`);
  return r.rows;
}

/** The errno a statement fails with (undefined when it succeeds). */
export async function errnoOf(session: SqlSession, sql: string): Promise<number | undefined> {
  const results = await session.query(sql);
  const last = results[results.length - 1]!;
  return last.kind === 'error' ? last.error.errno : undefined;
}

/** A query's rows as sorted text (a multiset, for differential tests), or its errno. */
export async function multisetOutcome(session: SqlSession, sql: string): Promise<string[] | number> {
  const [r] = await session.query(sql);
  if (r === undefined || r.kind === 'ok') throw new Error(`${sql}: no result`);
  if (r.kind === 'error') return r.error.errno;
  const text = (v: SqlValue): string => (v === null ? 'NULL' : v instanceof Uint8Array ? Buffer.from(v).toString('hex') : String(v));
  return r.rows.map((row) => row.map(text).join('|')).sort();
}
