/**
 * Proves CREATE TABLE … LIKE (same columns, defaults, keys and AUTO_INCREMENT, no rows) and
 * CREATE TABLE … AS SELECT (columns typed after the query, its rows copied) through a
 * session, with MySQL's errors for a name that exists (1050) or a missing source (1146);
 * and CHECK constraints (3819 on INSERT, UPDATE and ON DUPLICATE KEY UPDATE; NULL passes).
 */
import { describe, expect, it } from 'vitest';
import type { SqlSession } from '../session-api.js';
import { errnoOf, newSession, rows, run } from '../test-support/engine-fixture.js';

async function fixture(): Promise<SqlSession> {
  const { session: s } = await newSession();
  await run(s, 'CREATE DATABASE d');
  await s.useDatabase('d');
  await run(s, 'CREATE TABLE t (id INT AUTO_INCREMENT PRIMARY KEY, v VARCHAR(5) UNIQUE, n DECIMAL(5,2) DEFAULT 1.5)');
  await run(s, "INSERT INTO t (v) VALUES ('a'), ('b')");
  return s;
}

describe('CREATE TABLE … LIKE / … AS SELECT', () => {
  it('copies a table definition without its rows', async () => {
    const s = await fixture();
    await run(s, 'CREATE TABLE t2 LIKE t');
    expect(await rows(s, 'SELECT COUNT(*) FROM t2')).toEqual([[0n]]);
    await run(s, "INSERT INTO t2 (v) VALUES ('z')");
    expect(await rows(s, 'SELECT id, v, n FROM t2')).toEqual([[1n, 'z', '1.50']]);
    expect(await errnoOf(s, "INSERT INTO t2 (v) VALUES ('Z')")).toBe(1062);
    expect(await errnoOf(s, 'CREATE TABLE t2 LIKE t')).toBe(1050);
    await run(s, 'CREATE TABLE IF NOT EXISTS t2 LIKE t');
    expect(await errnoOf(s, 'CREATE TABLE t4 LIKE nope')).toBe(1146);
  });

  it('creates a table from a query and fills it', async () => {
    const s = await fixture();
    const r = await run(s, "CREATE TABLE t3 AS SELECT id, CONCAT(v, '!') AS w, n * 2 AS nn FROM t");
    expect(r.kind === 'ok' && r.affectedRows).toBe(2n);
    expect(await rows(s, 'SELECT id, w, nn FROM t3 ORDER BY id')).toEqual([[1n, 'a!', '3.00'], [2n, 'b!', '3.00']]);
    expect((await rows(s, 'DESCRIBE t3')).map((c) => [c[0], c[1]])).toEqual([['id', 'int'], ['w', 'varchar(6)'], ['nn', expect.stringMatching(/^decimal\(\d+,2\)$/)]]);
    expect(await errnoOf(s, 'CREATE TABLE t3 SELECT 1')).toBe(1050);
    expect(await errnoOf(s, 'CREATE TABLE t5 SELECT 1 AS a, 2 AS a')).toBe(1060);
    await run(s, 'CREATE TABLE t6 SELECT x.id FROM t x WHERE x.id > 5');
    expect(await rows(s, 'SELECT COUNT(*) FROM t6')).toEqual([[0n]]);
  });

  it('enforces CHECK constraints on every written row', async () => {
    const { session: s } = await newSession();
    await run(s, 'CREATE DATABASE d');
    await s.useDatabase('d');
    await run(s, 'CREATE TABLE t (a INT PRIMARY KEY CHECK (a > 0), b INT, CONSTRAINT c1 CHECK (b < a), CHECK (a <> 5))');
    await run(s, 'INSERT INTO t VALUES (1, 0), (2, NULL)');
    expect(await errnoOf(s, 'INSERT INTO t VALUES (0, -1)')).toBe(3819);
    expect(await rows(s, 'SHOW WARNINGS')).toEqual([['Error', 3819n, "Check constraint 't_chk_1' is violated."]]);
    expect(await errnoOf(s, 'INSERT INTO t VALUES (3, 4)')).toBe(3819);
    expect(await errnoOf(s, 'INSERT INTO t VALUES (5, 1)')).toBe(3819);
    expect(await errnoOf(s, 'UPDATE t SET b = 10 WHERE a = 1')).toBe(3819);
    expect(await errnoOf(s, 'INSERT INTO t VALUES (1, 0) ON DUPLICATE KEY UPDATE b = 7')).toBe(3819);
    await run(s, 'INSERT INTO t VALUES (1, 0) ON DUPLICATE KEY UPDATE b = -7');
    expect(await rows(s, 'SELECT a, b FROM t ORDER BY a')).toEqual([[1n, -7n], [2n, null]]);
    expect(await errnoOf(s, 'CREATE TABLE u (a INT CHECK (nope > 0))')).toBe(1054);
  });
});
