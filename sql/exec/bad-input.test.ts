/**
 * Proves that hostile statements end in a MySQL error for that statement alone, never a crash
 * or a hung session: 10,000-deep nesting (1064), a 100,000-element IN list (works, fast), a
 * recursive CTE that never ends (3636), a cross join that examines too many rows (1104) and
 * max_execution_time (3024, with a clock that advances as it is read). The session answers
 * a normal query after each.
 */
import { describe, expect, it } from 'vitest';
import { timestamp } from '../../src/base/ids.js';
import type { Logger } from '../../src/base/logger.js';
import { TimestampOracle } from '../../src/meta/timestamp-oracle.js';
import { LocalTxnKv } from '../../src/txn/local-txn-kv.js';
import { createMemoryMvccStore } from '../../storage/memory-mvcc-store.js';
import type { SqlSession } from '../session-api.js';
import { SqlEngine } from '../sql-engine.js';
import { errnoOf, newSession, rows, run } from '../test-support/engine-fixture.js';

async function alive(s: SqlSession): Promise<void> {
  expect(await rows(s, 'SELECT 1 + 1')).toEqual([[2n]]);
}

async function session(): Promise<SqlSession> {
  const { session: s } = await newSession();
  await run(s, 'CREATE DATABASE d');
  await s.useDatabase('d');
  return s;
}

describe('bad input', () => {
  it('10,000-deep nesting is a syntax error, whatever the shape', async () => {
    const s = await session();
    const n = 10_000;
    const shapes = [
      'SELECT ' + '('.repeat(n) + '1' + ')'.repeat(n),
      'SELECT ' + Array(n).fill('1').join(' + '),
      'SELECT ' + '- '.repeat(n) + '1',
      'SELECT ' + 'NOT '.repeat(n) + '1',
      'SELECT 1 FROM DUAL WHERE ' + Array(n).fill('1 = 1').join(' AND '),
      'SELECT ' + 'ABS('.repeat(n) + '1' + ')'.repeat(n),
      'SELECT ' + '(SELECT '.repeat(2000) + '1' + ')'.repeat(2000),
    ];
    for (const q of shapes) {
      expect(await errnoOf(s, q)).toBe(1064);
      await alive(s);
    }
  }, 30_000);

  it('a 100,000-element IN list works', async () => {
    const s = await session();
    const list = Array.from({ length: 100_000 }, (_, i) => i * 2).join(',');
    expect(await rows(s, `SELECT 4 IN (${list}), 5 IN (${list}), 5 NOT IN (${list})`)).toEqual([[1n, 0n, 1n]]);
    const strings = Array.from({ length: 1000 }, (_, i) => `'k${i}'`).join(', ');
    expect(await rows(s, `SELECT 'K7' IN (${strings}), -3 IN (${list}, -3)`)).toEqual([[1n, 1n]]);
  }, 30_000);

  it('a recursive CTE that never ends stops at cte_max_recursion_depth with 3636', async () => {
    const s = await session();
    expect(await errnoOf(s, 'WITH RECURSIVE c (n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM c) SELECT COUNT(*) FROM c')).toBe(3636);
    await run(s, 'SET SESSION cte_max_recursion_depth = 10');
    expect(await errnoOf(s, 'WITH RECURSIVE c (n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM c WHERE n < 20) SELECT COUNT(*) FROM c')).toBe(3636);
    expect(await rows(s, 'WITH RECURSIVE c (n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM c WHERE n < 5) SELECT COUNT(*) FROM c')).toEqual([[5n]]);
    await alive(s);
  });

  it('a cross join that examines too many rows ends with 1104', async () => {
    const s = await session();
    await run(s, 'CREATE TABLE t (a INT PRIMARY KEY)');
    await run(s, `INSERT INTO t VALUES ${Array.from({ length: 100 }, (_, i) => `(${i})`).join(',')}`);
    // 100^4 = 100 million combinations filtered to nothing: past the examined-rows budget
    // (max_join_size, capped by limits.statementRowsExaminedMax; lowered here to keep the test fast).
    await run(s, 'SET max_join_size = 200000');
    expect(await errnoOf(s, 'SELECT COUNT(*) FROM t a, t b, t c, t d WHERE a.a + b.a + c.a + d.a < 0')).toBe(1104);
    await alive(s);
    expect(await rows(s, 'SELECT COUNT(*) FROM t a, t b WHERE a.a = b.a')).toEqual([[100n]]);
  }, 30_000);

  it('max_execution_time ends a long SELECT with 3024', async () => {
    let ms = 1_700_000_000_000;
    // Every read of the clock moves it 1 ms: a long join reads it thousands of times.
    const clock = { nowMs: () => ms++, monotonicMs: () => ms++ };
    const store = createMemoryMvccStore();
    const quiet: Logger = { debug: () => {}, info: () => {}, warn: () => {}, error: () => {} };
    const engine = new SqlEngine({ kv: new LocalTxnKv(store, new TimestampOracle(clock, timestamp(store.maxCommitTs()))), clock, logger: quiet });
    await engine.init();
    const s = await engine.openSession({ user: 'root', database: null, connectionId: 1 });
    await run(s, 'CREATE DATABASE d');
    await s.useDatabase('d');
    await run(s, 'CREATE TABLE t (a INT PRIMARY KEY)');
    await run(s, `INSERT INTO t VALUES ${Array.from({ length: 200 }, (_, i) => `(${i})`).join(',')}`);
    await run(s, 'SET max_execution_time = 5');
    expect(await errnoOf(s, 'SELECT COUNT(*) FROM t a, t b WHERE a.a <> b.a')).toBe(3024);
    await run(s, 'SET max_execution_time = 0');
    expect(await rows(s, 'SELECT COUNT(*) FROM t a, t b WHERE a.a <> b.a')).toEqual([[39800n]]);
  }, 30_000);
});
