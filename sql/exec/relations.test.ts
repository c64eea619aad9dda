/**
 * Proves views, common table expressions and RIGHT JOIN through a session: a view is read
 * through like a table (with its own column names, in its own database, over other views),
 * cannot be written (1347) and goes with DROP VIEW / DROP DATABASE; CTEs see earlier CTEs and
 * shadow tables; WITH RECURSIVE iterates to a fixed point (UNION removes repeats); RIGHT JOIN
 * NULL-extends the left side and keeps the column order; triggers with an empty body and
 * TRUNCATE behave as in MySQL.
 */
import { describe, expect, it } from 'vitest';
import type { SqlSession } from '../session-api.js';
import { errnoOf, newSession, rows, run } from '../test-support/engine-fixture.js';

async function fixture(): Promise<SqlSession> {
  const { session: s } = await newSession();
  await run(s, 'CREATE DATABASE d');
  await s.useDatabase('d');
  await run(s, 'CREATE TABLE a (x INT PRIMARY KEY, y INT)');
  await run(s, 'CREATE TABLE b (x INT PRIMARY KEY, z VARCHAR(5))');
  await run(s, 'INSERT INTO a VALUES (1, 10), (2, 20), (3, 30)');
  await run(s, "INSERT INTO b VALUES (2, 'two'), (4, 'four')");
  return s;
}

describe('views', () => {
  it('reads through views, with column lists and views over views', async () => {
    const s = await fixture();
    await run(s, 'CREATE VIEW v1 AS SELECT x, y * 2 AS yy FROM a WHERE x > 1');
    await run(s, 'CREATE VIEW v2 (k, total) AS SELECT x, yy + 1 FROM v1');
    expect(await rows(s, 'SELECT * FROM v1 ORDER BY x')).toEqual([[2n, 40n], [3n, 60n]]);
    expect(await rows(s, 'SELECT k, total FROM v2 WHERE k = 3')).toEqual([[3n, 61n]]);
    expect(await rows(s, 'SELECT v.k, b.z FROM v2 v JOIN b ON b.x = v.k')).toEqual([[2n, 'two']]);
    expect(await rows(s, 'SELECT COUNT(*) FROM a WHERE x IN (SELECT k FROM v2)')).toEqual([[2n]]);
    await run(s, 'INSERT INTO a VALUES (9, 90)');
    expect(await rows(s, 'SELECT MAX(k) FROM v2')).toEqual([[9n]]);
  });

  it('resolves a view in its own database and rejects writes and clashes', async () => {
    const s = await fixture();
    await run(s, 'CREATE VIEW v AS SELECT x FROM a');
    await run(s, 'CREATE DATABASE other');
    await s.useDatabase('other');
    expect(await rows(s, 'SELECT COUNT(*) FROM d.v')).toEqual([[3n]]);
    await s.useDatabase('d');
    expect(await errnoOf(s, 'INSERT INTO v VALUES (5)')).toBe(1347);
    expect(await errnoOf(s, 'CREATE VIEW v AS SELECT 1')).toBe(1050);
    expect(await errnoOf(s, 'CREATE TABLE v (q INT)')).toBe(1050);
    expect(await errnoOf(s, 'CREATE VIEW bad AS SELECT nope FROM a')).toBe(1054);
    expect(await errnoOf(s, 'CREATE VIEW bad AS SELECT * FROM missing')).toBe(1146);
    expect(await errnoOf(s, 'CREATE VIEW bad (p, q) AS SELECT x FROM a')).toBe(1353);
    await run(s, 'CREATE OR REPLACE VIEW v AS SELECT y FROM a WHERE x = 1');
    expect(await rows(s, 'SELECT * FROM v')).toEqual([[10n]]);
    await run(s, 'DROP VIEW v');
    expect(await errnoOf(s, 'SELECT * FROM v')).toBe(1146);
    expect(await errnoOf(s, 'DROP VIEW v')).toBe(1051);
    await run(s, 'DROP VIEW IF EXISTS v');
  });
});

describe('common table expressions', () => {
  it('chains CTEs, shadows tables and reaches subqueries', async () => {
    const s = await fixture();
    expect(await rows(s, 'WITH c AS (SELECT x * 2 AS d FROM a), e (m) AS (SELECT d + 1 FROM c) SELECT m FROM e ORDER BY m')).toEqual([[3n], [5n], [7n]]);
    expect(await rows(s, 'WITH a AS (SELECT 42 AS x) SELECT x FROM a')).toEqual([[42n]]);
    expect(await rows(s, 'SELECT (WITH q AS (SELECT 5 AS v) SELECT v FROM q)')).toEqual([[5n]]);
    expect(await rows(s, 'WITH c AS (SELECT x FROM b) SELECT y FROM a WHERE x IN (SELECT x FROM c)')).toEqual([[20n]]);
    expect(await errnoOf(s, 'WITH c AS (SELECT 1), c AS (SELECT 2) SELECT * FROM c')).toBe(3574);
  });

  it('iterates WITH RECURSIVE to a fixed point', async () => {
    const s = await fixture();
    expect(await rows(s, 'WITH RECURSIVE c (n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM c WHERE n < 5) SELECT SUM(n) FROM c')).toEqual([['15']]);
    expect(await rows(s, 'WITH RECURSIVE fib (i, p, q) AS (SELECT 1, 0, 1 UNION ALL SELECT i + 1, q, p + q FROM fib WHERE i < 10) SELECT p FROM fib WHERE i = 10')).toEqual([[34n]]);
    // UNION (distinct) stops a cycle: 1 → 2 → 3 → 1.
    expect(await rows(s, 'WITH RECURSIVE r (n) AS (SELECT 1 UNION SELECT n % 3 + 1 FROM r) SELECT n FROM r ORDER BY n')).toEqual([[1n], [2n], [3n]]);
    expect(await errnoOf(s, 'WITH RECURSIVE r (n) AS (SELECT n FROM r) SELECT * FROM r')).toBe(3573);
  });
});

describe('RIGHT JOIN', () => {
  it('NULL-extends the left side and keeps a, b column order', async () => {
    const s = await fixture();
    expect(await rows(s, 'SELECT * FROM a RIGHT JOIN b ON a.x = b.x ORDER BY b.x')).toEqual([[2n, 20n, 2n, 'two'], [null, null, 4n, 'four']]);
    expect(await rows(s, 'SELECT b.z, a.y FROM a RIGHT OUTER JOIN b ON a.x = b.x WHERE a.x IS NULL')).toEqual([['four', null]]);
  });
});

describe('triggers and TRUNCATE', () => {
  it('keeps empty-body triggers in the catalog and drops them with their table', async () => {
    const s = await fixture();
    await run(s, 'CREATE TRIGGER tr AFTER UPDATE ON a FOR EACH ROW BEGIN END');
    expect(await errnoOf(s, 'CREATE TRIGGER tr AFTER UPDATE ON a FOR EACH ROW BEGIN END')).toBe(1359);
    expect(await errnoOf(s, 'CREATE TRIGGER t2 BEFORE INSERT ON a FOR EACH ROW SET @x = 1')).toBe(1235);
    await run(s, 'DROP TABLE a');
    expect(await errnoOf(s, 'DROP TRIGGER tr')).toBe(1360);
  });

  it('TRUNCATE empties a table and restarts AUTO_INCREMENT', async () => {
    const s = await fixture();
    await run(s, 'CREATE TABLE t (id INT AUTO_INCREMENT PRIMARY KEY, v INT)');
    await run(s, 'INSERT INTO t (v) VALUES (1), (2)');
    await run(s, 'TRUNCATE TABLE t');
    await run(s, 'INSERT INTO t (v) VALUES (3)');
    expect(await rows(s, 'SELECT id, v FROM t')).toEqual([[1n, 3n]]);
    expect(await errnoOf(s, 'TRUNCATE nope')).toBe(1146);
  });
});
