/**
 * Proves the plan cache changes nothing but speed: random literal values in many statement
 * shapes (fast-check) run on an engine with the cache and on one without, and every result —
 * column definitions, values, errors — must be identical, while the cached engine really hits
 * (node-sql-parser does not run). Also: the keys `parameterize` makes, templates refused where a
 * literal is not a value, DDL invalidating table definitions and fast plans, prepared
 * statements keeping their plans, and the one-get point select.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { limits } from '../src/base/limits.js';
import { parameterize, tokenize } from './parser/lexer.js';
import type { SqlSession, SqlValue, StatementResult } from './session-api.js';
import { SqlEngine } from './sql-engine.js';
import { newEngineSession } from './test-support/plan-cache-fixture.js';

const keyOf = (sql: string): string => parameterize(sql, tokenize(sql)).key;

describe('parameterize', () => {
  it('lifts integers and lone strings, keeps everything else', () => {
    expect(keyOf('SELECT c FROM t WHERE id = 5')).toBe(keyOf('SELECT c FROM t WHERE id = 123456789'));
    expect(keyOf("SELECT c FROM t WHERE b = 'x'")).toBe(keyOf("SELECT c FROM t WHERE b = 'it''s'"));
    // The kind of a literal is part of the key: an integer and a string type differently.
    expect(keyOf('SELECT 1')).not.toBe(keyOf("SELECT '1'"));
    // Decimals, long integers, type arguments, adjacent and introduced strings stay as written.
    expect(keyOf('SELECT 1.5')).not.toBe(keyOf('SELECT 2.5'));
    expect(keyOf('SELECT 1234567890123456')).not.toBe(keyOf('SELECT 1234567890123457'));
    expect(keyOf('SELECT CAST(a AS CHAR(5)) FROM t')).not.toBe(keyOf('SELECT CAST(a AS CHAR(6)) FROM t'));
    expect(keyOf("SELECT 'a' 'b'")).not.toBe(keyOf("SELECT 'a' 'c'"));
    expect(keyOf("SELECT _utf8mb4'a'")).not.toBe(keyOf("SELECT _utf8mb4'b'"));
    // White space is kept: it is part of an unaliased column's name.
    expect(keyOf('SELECT 1+1')).not.toBe(keyOf('SELECT 1 + 1'));
    // Statements other than queries and DML are keyed by their whole text.
    expect(parameterize('SET @a = 1', tokenize('SET @a = 1')).slots).toEqual([]);
  });
});

/** A result with errors reduced to what a client sees. */
function comparable(results: readonly StatementResult[]): unknown {
  return results.map((r) => (r.kind === 'error' ? { errno: r.error.errno, message: r.error.message } : r));
}

const setup = [
  'CREATE DATABASE d',
  'USE d',
  'CREATE TABLE t (a INT PRIMARY KEY, b VARCHAR(20), c DECIMAL(10,2), d DOUBLE, KEY kb (b))',
  "INSERT INTO t VALUES (1, 'one', 1.50, 0.5), (2, 'Two', 2.25, 1e3), (3, 'three', NULL, -2), (4, 'it''s', 10.00, 7), (5, '', 0.01, NULL)",
  'CREATE TABLE u (x INT, y VARCHAR(10))',
  "INSERT INTO u VALUES (1, 'a'), (2, 'b'), (2, 'c')",
];

const int = fc.oneof(fc.integer({ min: -3, max: 8 }), fc.integer({ min: 0, max: 999_999_999 }), fc.constantFrom(0, 99999999999999, 999999999999999));
const str = fc.oneof(fc.constantFrom('one', 'TWO', 'it\'s', '', '%', 'a_b', '\\', 'x\\\'y', 'ünï', '2', '2abc'), fc.string({ maxLength: 6 }));
const quote = (s: string): string => `'${s.replace(/\\/g, '\\\\').replace(/'/g, "''")}'`;

/** Statement shapes; each hole gets a random literal. */
const shapes: ((i: () => number, s: () => string) => string)[] = [
  (i) => `SELECT ${i()}+${i()}`,
  (i) => `SELECT ${i()} + ${i()} * 2, ${i()} DIV 3`,
  (_, s) => `SELECT ${quote(s())}`,
  (i, s) => `SELECT ${quote(s())} AS x, ${i()}`,
  (_, s) => `SELECT CONCAT(${quote(s())}, b) FROM t ORDER BY a`,
  (i) => `SELECT a, b FROM t WHERE a = ${i() % 7}`,
  (i) => `SELECT * FROM t WHERE a = ${i() % 7}`,
  (i) => `SELECT b, c FROM t WHERE a BETWEEN ${i() % 7} AND ${i() % 9} ORDER BY b`,
  (_, s) => `SELECT a FROM t WHERE b = ${quote(s())}`,
  (_, s) => `SELECT a FROM t WHERE a = ${quote(s())}`,
  (i) => `SELECT a, ${i()} FROM t ORDER BY ${1 + (i() & 1)} DESC LIMIT ${i() % 4}`,
  (i) => `SELECT a FROM t WHERE a IN (${i() % 6}, ${i() % 6}, ${i()}) ORDER BY 1`,
  (i) => `SELECT SUM(c), COUNT(*), AVG(d) FROM t WHERE a > ${i() % 6}`,
  (i, s) => `SELECT x, COUNT(*) FROM u WHERE y <> ${quote(s())} OR x > ${i()} GROUP BY 1 ORDER BY 1`,
  (i) => `SELECT a * 1.5 + ${i()} FROM t WHERE a < ${i() % 8} ORDER BY a`,
  (i) => `SELECT ${i()} = ${i()}, ${i()} < 3`,
  (_, s) => `SELECT ${quote(s())} LIKE 'a%', LENGTH(${quote(s())})`,
  (i) => `SELECT DISTINCT x FROM u WHERE x >= ${i() % 3} ORDER BY x LIMIT ${i() % 3}, 10`,
  (i) => `SELECT (SELECT MAX(a) FROM t WHERE a < ${i() % 9}) AS m`,
  (i) => `UPDATE t SET d = d + ${i() % 5} WHERE a = ${i() % 7}`,
  (i, s) => `INSERT INTO u VALUES (${i() % 50}, ${quote(s().slice(0, 10))})`,
  (i) => `DELETE FROM u WHERE x = ${i() % 50 + 3}`,
  (i) => `SELECT x, y FROM u WHERE x = ${i() % 60} ORDER BY y`,
];

async function runBoth(a: SqlSession, b: SqlSession, sql: string): Promise<void> {
  const ra = comparable(await a.query(sql));
  const rb = comparable(await b.query(sql));
  expect(ra, sql).toEqual(rb);
}

describe('plan cache differential', () => {
  it('gives byte-identical results cached and uncached', async () => {
    const cached = await newEngineSession(true);
    const plain = await newEngineSession(false);
    for (const sql of setup) {
      await runBoth(cached.session, plain.session, sql);
    }
    await fc.assert(
      fc.asyncProperty(fc.nat(shapes.length - 1), fc.array(int, { minLength: 8, maxLength: 8 }), fc.array(str, { minLength: 4, maxLength: 4 }), async (shape, ints, strs) => {
        let ii = 0;
        let si = 0;
        const sql = shapes[shape]!(() => ints[ii++ % ints.length]!, () => strs[si++ % strs.length]!);
        await runBoth(cached.session, plain.session, sql);
      }),
      { numRuns: 400, seed: 42 },
    );
    const stats = cached.engine.planCache.stats;
    expect(stats.templatesBuilt).toBeGreaterThanOrEqual(shapes.length - 2);
    expect(stats.hits).toBeGreaterThan(300);
    expect(plain.engine.planCache.stats.hits).toBe(0);
  }, 60_000);

  it('gives identical results for prepared statements with any parameter type', async () => {
    const cached = await newEngineSession(true);
    const plain = await newEngineSession(false);
    for (const sql of setup) await runBoth(cached.session, plain.session, sql);
    const texts = ['SELECT b, c FROM t WHERE a = ?', 'SELECT * FROM t WHERE ? = a', 'SELECT a FROM t WHERE a BETWEEN ? AND ? ORDER BY a LIMIT ?', 'SELECT d FROM t WHERE b = ?'];
    const ids = await Promise.all(texts.map(async (t) => [(await cached.session.prepare(t)).statementId, (await plain.session.prepare(t)).statementId] as const));
    const param = fc.oneof(fc.bigInt({ min: -2n, max: 8n }), fc.constantFrom(1, 2.0, 2.5, -0, 1e300, 9007199254740993), fc.constantFrom('1', '2abc', 'one', '', null), fc.constant(2n ** 63n));
    await fc.assert(
      fc.asyncProperty(fc.nat(texts.length - 1), fc.array(param, { minLength: 3, maxLength: 3 }), async (which, ps) => {
        const [ia, ib] = ids[which]!;
        const n = (texts[which]!.match(/\?/g) ?? []).length;
        const params = ps.slice(0, n) as SqlValue[];
        const ra = comparable([await cached.session.executePrepared(ia, params)]);
        const rb = comparable([await plain.session.executePrepared(ib, params)]);
        expect(ra, `${texts[which]} ${String(params)}`).toEqual(rb);
      }),
      { numRuns: 300, seed: 7 },
    );
  }, 60_000);
});

describe('plan cache behaviour', () => {
  it('refuses a template where a literal is not a value, and still answers right', async () => {
    const { engine, session } = await newEngineSession(true);
    for (let i = 0; i < 3; i++) {
      const r = await session.query(`SELECT ${i} AS 'name${i}'`);
      expect(r[0]!.kind === 'rows' && r[0]!.columns[0]!.name).toBe(`name${i}`);
    }
    expect(engine.planCache.stats.templatesRefused).toBe(1);
    expect(engine.planCache.stats.hits).toBe(0);
  });

  it('names unaliased columns after the text of each execution', async () => {
    const { engine, session } = await newEngineSession(true);
    for (const [a, b] of [[1, 1], [2, 30], [40, 5]]) {
      const r = (await session.query(`SELECT ${a}+${b}, 'v${a}'`))[0]!;
      expect(r.kind === 'rows' && r.columns.map((c) => c.name)).toEqual([`${a}+${b}`, `v${a}`]);
      expect(r.kind === 'rows' && r.rows).toEqual([[BigInt(a + b), `v${a}`]]);
    }
    expect(engine.planCache.stats.hits).toBe(1);
  });

  it('forgets table definitions and fast plans on DDL', async () => {
    const { session } = await newEngineSession(true);
    await session.query('CREATE DATABASE d; USE d; CREATE TABLE t (id INT PRIMARY KEY, v INT); INSERT INTO t VALUES (1, 10)');
    for (let i = 0; i < 3; i++) expect((await session.query('SELECT v FROM t WHERE id = 1'))[0]).toMatchObject({ rows: [[10n]] });
    await session.query("DROP TABLE t; CREATE TABLE t (id INT PRIMARY KEY, v VARCHAR(5)); INSERT INTO t VALUES (1, 'new')");
    const r = (await session.query('SELECT v FROM t WHERE id = 1'))[0]!;
    expect(r).toMatchObject({ rows: [['new']] });
    expect(r.kind === 'rows' && r.columns[0]!.type).toBe(0xfd);
  });

  it('binds fast plans to the current database', async () => {
    const { session } = await newEngineSession(true);
    await session.query("CREATE DATABASE d1; CREATE DATABASE d2; CREATE TABLE d1.t (id INT PRIMARY KEY, v VARCHAR(9)); CREATE TABLE d2.t (id INT PRIMARY KEY, v VARCHAR(9)); INSERT INTO d1.t VALUES (1, 'one'); INSERT INTO d2.t VALUES (1, 'two')");
    const id = (await session.prepare('SELECT v FROM t WHERE id = ?')).statementId;
    for (const db of ['d1', 'd2', 'd1', 'd2']) {
      await session.useDatabase(db);
      expect((await session.query('SELECT v FROM t WHERE id = 1'))[0]).toMatchObject({ rows: [[db === 'd1' ? 'one' : 'two']] });
      expect(await session.executePrepared(id, [1n])).toMatchObject({ rows: [[db === 'd1' ? 'one' : 'two']] });
    }
  });

  it('reads a point select by primary key with exactly one get on a hit', async () => {
    const { session, gets } = await newEngineSession(true);
    await session.query('CREATE DATABASE d; USE d; CREATE TABLE t (id INT PRIMARY KEY, v INT); INSERT INTO t VALUES (1, 10), (2, 20)');
    const id = (await session.prepare('SELECT v FROM t WHERE id = ?')).statementId;
    for (const sqlOrParam of ['SELECT v FROM t WHERE id = 1', 'SELECT v FROM t WHERE id = 2', 1n, 2.0]) {
      await (typeof sqlOrParam === 'string' ? session.query(sqlOrParam) : session.executePrepared(id, [sqlOrParam]));
    }
    gets.count = 0;
    gets.scans = 0;
    gets.scanned = 0;
    const r = await session.query('SELECT v FROM t WHERE id = 2');
    expect(r[0]).toMatchObject({ rows: [[20n]] });
    expect(await session.executePrepared(id, [1])).toMatchObject({ rows: [[10n]] });
    expect(gets).toEqual({ count: 2, scans: 0, scanned: 0 });
  });

  it('is shared by the sessions of one engine and bounded', async () => {
    const { engine, session } = await newEngineSession(true);
    const other = await engine.openSession({ user: 'root', database: null, connectionId: 9 });
    await session.query('SELECT 1 + 2');
    await other.query('SELECT 3 + 4');
    await session.query('SELECT 5 + 6');
    expect(engine.planCache.stats.hits).toBe(1);
    expect(engine).toBeInstanceOf(SqlEngine);
    for (let i = 0; i < limits.planCacheEntriesMax + 10; i++) await session.query(`SELECT ${i} AS c${i}`);
    expect(engine.planCache.size).toBe(limits.planCacheEntriesMax);
    expect(engine.planCache.stats.evictions).toBeGreaterThanOrEqual(11);
  }, 30_000);

  it('keys each statement of a multi-statement text on its own', async () => {
    const cached = await newEngineSession(true);
    const plain = await newEngineSession(false);
    for (const n of [1, 2, 3, 4]) {
      const sql = `SELECT ${n}; /* c */ SELECT 'x${n}' AS v ;\n SELECT ${n} + ${n}, 'y'`;
      expect(comparable(await cached.session.query(sql))).toEqual(comparable(await plain.session.query(sql)));
    }
    expect(cached.engine.planCache.stats.hits).toBe(6);
  });
});
