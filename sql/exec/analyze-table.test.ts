/**
 * Proves ANALYZE TABLE answers with MySQL's result set (OK rows, and for a missing table, a view
 * or an unknown database the rows mysql_admin_table prints), stores exact statistics durably
 * (read back through SHOW INDEX, information_schema.STATISTICS and TABLES by other sessions of
 * the same store), that a large table is sampled yet estimated close to the truth, and that the
 * planner's row estimates follow committed INSERTs and DELETEs afterwards.
 */
import { describe, expect, it } from 'vitest';
import { timestamp } from '../../src/base/ids.js';
import { TimestampOracle } from '../../src/meta/timestamp-oracle.js';
import { LocalTxnKv } from '../../src/txn/local-txn-kv.js';
import { createMemoryMvccStore } from '../../storage/memory-mvcc-store.js';
import { getTable } from '../catalog.js';
import type { SqlSession, SqlValue } from '../session-api.js';
import { SqlEngine } from '../sql-engine.js';
import { errnoOf, newSession, rows, run } from '../test-support/engine-fixture.js';
import { collectTableStats } from './analyze-table.js';

async function shop(): Promise<Awaited<ReturnType<typeof newSession>>> {
  const made = await newSession();
  const s = made.session;
  await run(s, 'CREATE DATABASE shop');
  await s.useDatabase('shop');
  await run(s, 'CREATE TABLE item (id INT PRIMARY KEY, cat INT, name VARCHAR(20), price DECIMAL(8,2), KEY k_cat_name (cat, name))');
  const values = Array.from({ length: 60 }, (_, i) => `(${i + 1}, ${i % 6}, ${i % 4 === 0 ? 'NULL' : `'n${i % 10}'`}, ${(i % 30) + 0.5})`);
  await run(s, `INSERT INTO item VALUES ${values.join(',')}`);
  return made;
}

const cell = (r: readonly SqlValue[], i: number): SqlValue => r[i] ?? null;

describe('ANALYZE TABLE', () => {
  it('answers as MySQL does, for tables, missing tables, views and unknown databases', async () => {
    const { session } = await shop();
    await run(session, 'CREATE TABLE other (a INT)');
    await run(session, 'CREATE VIEW v AS SELECT id FROM item');
    const r = await run(session, 'ANALYZE TABLE item, other');
    expect(r.kind === 'rows' && r.columns.map((c) => c.name)).toEqual(['Table', 'Op', 'Msg_type', 'Msg_text']);
    expect(await rows(session, 'ANALYZE NO_WRITE_TO_BINLOG TABLE item, other')).toEqual([['shop.item', 'analyze', 'status', 'OK'], ['shop.other', 'analyze', 'status', 'OK']]);
    expect(await rows(session, 'ANALYZE LOCAL TABLE missing')).toEqual([
      ['shop.missing', 'analyze', 'Error', "Table 'shop.missing' doesn't exist"],
      ['shop.missing', 'analyze', 'status', 'Operation failed'],
    ]);
    expect(await rows(session, 'ANALYZE TABLE v')).toEqual([['shop.v', 'analyze', 'Error', "'shop.v' is not BASE TABLE"], ['shop.v', 'analyze', 'status', 'Operation failed']]);
    expect(await rows(session, 'ANALYZE TABLE nodb.t')).toEqual([['nodb.t', 'analyze', 'Error', "Unknown database 'nodb'"], ['nodb.t', 'analyze', 'error', 'Corrupt']]);
    expect(await errnoOf(session, 'ANALYZE TABLE item, item')).toBe(1066);
    expect(await errnoOf(session, 'ANALYZE TABLE item UPDATE HISTOGRAM ON cat')).toBe(1235);
    const { session: noDb } = await newSession();
    expect(await errnoOf(noDb, 'ANALYZE TABLE item')).toBe(1046);
  });

  it('commits the open transaction first', async () => {
    const { session } = await shop();
    await run(session, 'BEGIN');
    await run(session, 'INSERT INTO item VALUES (100, 1, NULL, 1.5)');
    await run(session, 'ANALYZE TABLE item');
    await run(session, 'ROLLBACK');
    expect(await rows(session, 'SELECT COUNT(*) FROM item WHERE id = 100')).toEqual([[1n]]);
  });

  it('stores exact statistics that SHOW INDEX and information_schema report', async () => {
    const { engine, session } = await shop();
    expect((await rows(session, 'SHOW INDEX FROM item')).map((r) => cell(r, 6))).toEqual([null, null, null]);
    expect(await rows(session, "SELECT TABLE_ROWS FROM information_schema.TABLES WHERE TABLE_NAME = 'item'")).toEqual([[null]]);
    await run(session, 'ANALYZE TABLE item');
    // PRIMARY(id): 60; k_cat_name: 6 categories, then (cat, name) pairs: names cycle by 10, NULL every 4th row.
    const pairs = new Set(Array.from({ length: 60 }, (_, i) => `${i % 6}/${i % 4 === 0 ? 'NULL' : i % 10}`)).size;
    const other = await engine.openSession({ user: 'root', database: 'shop', connectionId: 8 });
    expect((await rows(other, 'SHOW INDEX FROM item')).map((r) => [cell(r, 2), cell(r, 4), cell(r, 6)])).toEqual([
      ['PRIMARY', 'id', 60n], ['k_cat_name', 'cat', 6n], ['k_cat_name', 'name', BigInt(pairs)],
    ]);
    expect(await rows(other, "SELECT INDEX_NAME, COLUMN_NAME, CARDINALITY FROM information_schema.STATISTICS WHERE TABLE_NAME = 'item' ORDER BY INDEX_NAME, SEQ_IN_INDEX")).toEqual([
      ['k_cat_name', 'cat', 6n], ['k_cat_name', 'name', BigInt(pairs)], ['PRIMARY', 'id', 60n],
    ]);
    expect(await rows(other, "SELECT TABLE_ROWS FROM information_schema.TABLES WHERE TABLE_NAME = 'item'")).toEqual([[60n]]);
    // DROP TABLE takes the statistics with it; a new table of the same name starts without.
    await run(session, 'DROP TABLE item');
    await run(session, 'CREATE TABLE item (id INT PRIMARY KEY)');
    expect(await rows(session, 'SHOW INDEX FROM item')).toEqual([['item', 0n, 'PRIMARY', 1n, 'id', 'A', null, null, null, '', 'BTREE', '', '', 'YES', null]]);
  });

  it('samples a table above the bound and still estimates distinct values closely', async () => {
    const clock = { nowMs: () => 1_700_000_000_000, monotonicMs: () => 0 };
    const store = createMemoryMvccStore();
    const kv = new LocalTxnKv(store, new TimestampOracle(clock, timestamp(store.maxCommitTs())));
    const engine = new SqlEngine({ kv, clock, logger: { debug: () => {}, info: () => {}, warn: () => {}, error: () => {} } });
    await engine.init();
    const session = await engine.openSession({ user: 'root', database: null, connectionId: 1 });
    await run(session, 'CREATE DATABASE big');
    await session.useDatabase('big');
    await run(session, 'CREATE TABLE t (id INT PRIMARY KEY, g INT, u INT, h INT, KEY k_g (g), KEY k_u (u))');
    const n = 4000;
    for (let start = 0; start < n; start += 1000) {
      const values = Array.from({ length: 1000 }, (_, j) => `(${start + j}, ${(start + j) % 100}, ${start + j}, ${(start + j) % 1000})`);
      await run(session, `INSERT INTO t VALUES ${values.join(',')}`);
    }
    const txn = kv.begin({ readOnly: true });
    const def = (await getTable(txn, 'big', 't'))!;
    const exact = await collectTableStats(txn, def);
    const sampled = await collectTableStats(txn, def, 500);
    txn.rollback();
    const distinct = (s: typeof exact, name: string): number => s.columns.find((c) => c.name === name)!.distinct;
    expect([exact.rows, exact.sampledRows, distinct(exact, 'g'), distinct(exact, 'u'), distinct(exact, 'h')]).toEqual([n, n, 100, n, 1000]);
    // About one row in 8, chosen by key hash: the 100 groups are all seen (each ~5 times) and
    // estimated near 100; unique and 1000-valued columns, mostly seen once, are scaled up by GEE.
    expect(sampled.rows).toBe(n);
    expect(sampled.sampledRows).toBeGreaterThan(350);
    expect(sampled.sampledRows).toBeLessThan(650);
    expect(distinct(sampled, 'g')).toBeGreaterThanOrEqual(95);
    expect(distinct(sampled, 'g')).toBeLessThanOrEqual(130);
    expect(distinct(sampled, 'u')).toBeGreaterThan(n * 0.3);
    expect(distinct(sampled, 'h')).toBeGreaterThan(300);
    expect(distinct(sampled, 'h')).toBeLessThanOrEqual(n);
    // A systematic every-8th-row sample would see only 25 of the 100 groups here (ids step by 8).
    expect(sampled.indexes.find((i) => i.name === 'k_g')!.cardinality[0]).toBe(distinct(sampled, 'g'));
  });

  it('keeps the row estimate moving with committed inserts and deletes, not rolled-back ones', async () => {
    const { session } = await shop();
    await run(session, 'ANALYZE TABLE item');
    const estimate = async (s: SqlSession): Promise<SqlValue> => cell((await rows(s, 'EXPLAIN SELECT * FROM item'))[0]!, 9);
    expect(await estimate(session)).toBe(60n);
    await run(session, `INSERT INTO item VALUES ${Array.from({ length: 20 }, (_, i) => `(${200 + i}, 1, 'x', 1)`).join(',')}`);
    expect(await estimate(session)).toBe(80n);
    await run(session, 'BEGIN');
    await run(session, 'DELETE FROM item WHERE id >= 200');
    expect(await estimate(session)).toBe(80n);
    await run(session, 'ROLLBACK');
    expect(await estimate(session)).toBe(80n);
    await run(session, 'DELETE FROM item WHERE id > 210');
    expect(await estimate(session)).toBe(71n);
    // Durable statistics stay as analyzed until the next ANALYZE TABLE.
    expect(await rows(session, "SELECT TABLE_ROWS FROM information_schema.TABLES WHERE TABLE_NAME = 'item'")).toEqual([[60n]]);
    await run(session, 'ANALYZE TABLE item');
    expect(await estimate(session)).toBe(71n);
    await run(session, 'TRUNCATE TABLE item');
    expect(await rows(session, "SELECT TABLE_ROWS FROM information_schema.TABLES WHERE TABLE_NAME = 'item'")).toEqual([[null]]);
  });
});
