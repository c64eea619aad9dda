/**
 * Proves equi-join.ts through real sessions: a hash join and a batched index nested-loop join
 * (inner and LEFT) return exactly what trying every row pair returns — for random tables whose join columns mix
 * INT, DECIMAL and case- and space-varied VARCHAR values and NULLs, with random indexes
 * (fast-check, against an engine with equi-joins off) — and the lookup really reads only the
 * rows the outer side finds (EXPLAIN ANALYZE's actual rows), as EXPLAIN shows (eq_ref/ref with
 * the outer column as ref).
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { SqlSession } from '../session-api.js';
import { multisetOutcome, newSession, rows, run } from '../test-support/engine-fixture.js';

type Column = 'id' | 'n' | 'd' | 's';
interface TableSpec {
  readonly rows: readonly { readonly n: number | null; readonly d: string | null; readonly s: string | null }[];
  readonly keys: readonly Column[];
}

const tableArb: fc.Arbitrary<TableSpec> = fc.record({
  rows: fc.array(
    fc.record({
      n: fc.option(fc.integer({ min: 0, max: 5 }), { nil: null, freq: 6 }),
      d: fc.option(fc.constantFrom('0', '1', '1.5', '2.00', '3.25', '-1'), { nil: null, freq: 6 }),
      s: fc.option(fc.constantFrom('a', 'A', 'a ', 'b', 'B ', 'é', 'e', '1', '2', ''), { nil: null, freq: 6 }),
    }),
    { maxLength: 14 },
  ),
  keys: fc.subarray<Column>(['n', 'd', 's']),
});
const columnArb = fc.constantFrom<Column>('id', 'n', 'd', 's');
const joinArb = fc.record({ lc: columnArb, rc: columnArb });
const queryArb = fc.record({
  tables: fc.shuffledSubarray([0, 1, 2], { minLength: 2, maxLength: 3 }),
  joins: fc.array(joinArb, { minLength: 1, maxLength: 2 }),
  filter: fc.option(fc.integer({ min: 0, max: 5 }), { nil: null }),
  leftJoin: fc.option(fc.record({ table: fc.nat({ max: 2 }), lc: columnArb, rc: columnArb, extra: fc.boolean(), where: fc.constantFrom('', 'lj.n IS NULL', 'lj.n >= 2', 'x0.n IN (1, 3)', "x0.s = 'a'") }), { nil: null }),
});

function ddl(tables: readonly TableSpec[]): string[] {
  return tables.flatMap((t, i) => {
    const keys = t.keys.map((c) => `, KEY k_${c} (${c})`).join('');
    const out = [`CREATE TABLE t${i} (id INT PRIMARY KEY, n INT, d DECIMAL(6,2), s VARCHAR(4)${keys})`];
    const lit = (v: string | number | null, quote: boolean): string => (v === null ? 'NULL' : quote ? `'${v}'` : String(v));
    if (t.rows.length > 0) out.push(`INSERT INTO t${i} VALUES ${t.rows.map((r, k) => `(${k + 1}, ${lit(r.n, false)}, ${lit(r.d, false)}, ${lit(r.s, true)})`).join(', ')}`);
    return out;
  });
}

function queryText(q: { tables: number[]; joins: { lc: Column; rc: Column }[]; filter: number | null; leftJoin: { table: number; lc: Column; rc: Column; extra: boolean; where: string } | null }): string {
  let from = q.tables.map((t, i) => `t${t} AS x${i}`).join(', ');
  if (q.leftJoin !== null) {
    // Sometimes with a second ON condition, so a key match alone does not make a row matched.
    const extra = q.leftJoin.extra ? ' AND lj.id > 1' : '';
    from = `${q.tables.map((t, i) => `t${t} AS x${i}`).join(' JOIN ')} LEFT JOIN t${q.leftJoin.table} AS lj ON lj.${q.leftJoin.lc} = x0.${q.leftJoin.rc}${extra}`;
  }
  // Join each table to the one before it, so every level has an equality to an outer table.
  const where = q.tables.slice(1).map((_, i) => {
    const j = q.joins[i % q.joins.length]!;
    return `x${i + 1}.${j.lc} = x${i}.${j.rc}`;
  });
  if (q.filter !== null) where.push(`x0.id <= ${q.filter}`);
  // WHERE on the NULL-extended side must not be applied before the join; on the other, may.
  if (q.leftJoin !== null && q.leftJoin.where !== '') where.push(q.leftJoin.where);
  const items = [...q.tables.map((_, i) => `x${i}.id`), ...(q.leftJoin === null ? [] : ['lj.id'])];
  return `SELECT ${items.join(', ')} FROM ${from} WHERE ${where.join(' AND ')}`;
}

async function engineWith(equiJoins: boolean, statements: readonly string[]): Promise<SqlSession> {
  const { session } = await newSession(null, { equiJoins, joinReorder: equiJoins });
  for (const sql of ['CREATE DATABASE p', 'USE p', ...statements]) await run(session, sql);
  return session;
}

describe('equi-joins', () => {
  it('return what trying every row pair returns, across INT, DECIMAL and VARCHAR keys', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(tableArb, { minLength: 3, maxLength: 3 }), fc.array(queryArb, { minLength: 1, maxLength: 6 }), async (tables, queries) => {
        const statements = ddl(tables);
        const fast = await engineWith(true, statements);
        const reference = await engineWith(false, statements);
        for (const q of queries) {
          const sql = queryText(q);
          expect(await multisetOutcome(fast, sql), sql).toEqual(await multisetOutcome(reference, sql));
        }
      }),
      { numRuns: 80 },
    );
  }, 300_000);

  it('looks up only the rows the outer side finds, through the primary key or an index', async () => {
    const { session } = await newSession();
    await run(session, 'CREATE DATABASE bank');
    await session.useDatabase('bank');
    await run(session, 'CREATE TABLE acct (id INT PRIMARY KEY, owner VARCHAR(20), KEY k_owner (owner))');
    await run(session, 'CREATE TABLE xfer (id INT PRIMARY KEY, src INT, amt INT, KEY k_src (src))');
    await run(session, `INSERT INTO acct VALUES ${Array.from({ length: 1000 }, (_, i) => `(${i + 1}, 'o${i % 100}')`).join(', ')}`);
    await run(session, `INSERT INTO xfer VALUES ${Array.from({ length: 1000 }, (_, i) => `(${i + 1}, ${(i % 1000) + 1}, ${i})`).join(', ')}`);

    // Outer: the 3 transfers with id <= 3; inner: acct by primary key (eq_ref).
    const byPk = 'SELECT x.id, a.owner FROM xfer x JOIN acct a ON a.id = x.src WHERE x.id <= 3';
    const explained = (await rows(session, `EXPLAIN ${byPk}`)).map((r) => [r[2], r[4], r[5], r[6], r[8], r[9]]);
    expect(explained).toEqual([
      ['xfer', 'range', 'PRIMARY', 'PRIMARY', null, 3n],
      ['acct', 'eq_ref', 'PRIMARY', 'PRIMARY', 'bank.x.src', 1n],
    ]);
    const [[analyzed]] = (await rows(session, `EXPLAIN ANALYZE ${byPk}`)) as [[string]];
    expect(analyzed).toMatch(/Single-row index lookup on acct using PRIMARY \(id=bank\.x\.src\) {2}\(actual time=[\d.]+\.\.[\d.]+ rows=3 loops=1\)/);
    expect(await rows(session, `${byPk} ORDER BY x.id`)).toEqual([[1n, 'o0'], [2n, 'o1'], [3n, 'o2']]);

    // Outer: the 10 accounts of owner o7 (by k_owner); inner: their transfers through k_src (ref).
    const byIndex = "SELECT a.id, x.id FROM acct a JOIN xfer x ON x.src = a.id WHERE a.owner = 'o7'";
    const plan = (await rows(session, `EXPLAIN ${byIndex}`)).map((r) => [r[2], r[4], r[6], r[8]]);
    expect(plan).toEqual([['acct', 'ref', 'k_owner', 'const'], ['xfer', 'ref', 'k_src', 'bank.a.id']]);
    const [[tree]] = (await rows(session, `EXPLAIN ANALYZE ${byIndex}`)) as [[string]];
    expect(tree).toMatch(/Index lookup on xfer using k_src \(src=bank\.a\.id\) {2}\(actual time=[\d.]+\.\.[\d.]+ rows=10 loops=1\)/);
    expect((await rows(session, byIndex)).length).toBe(10);

    // The right side of a LEFT JOIN is looked up too; a transfer whose account is missing
    // still comes out, NULL-extended.
    await run(session, 'INSERT INTO xfer VALUES (1001, 5000, 0)');
    const left = 'SELECT x.id, a.owner FROM xfer x LEFT JOIN acct a ON a.id = x.src WHERE x.id IN (2, 1001)';
    expect((await rows(session, `EXPLAIN ${left}`)).map((r) => [r[2], r[4], r[6], r[8]])).toEqual([['xfer', 'range', 'PRIMARY', null], ['acct', 'eq_ref', 'PRIMARY', 'bank.x.src']]);
    const [[leftTree]] = (await rows(session, `EXPLAIN ANALYZE ${left}`)) as [[string]];
    expect(leftTree).toMatch(/Single-row index lookup on acct using PRIMARY \(id=bank\.x\.src\) {2}\(actual time=[\d.]+\.\.[\d.]+ rows=1 loops=1\)/);
    expect(await rows(session, `${left} ORDER BY x.id`)).toEqual([[2n, 'o1'], [1001n, null]]);

    // A join key of another type than the index's column is not looked up: the hash join
    // still pairs the rows by MySQL's comparison ('7' = 7 compares as numbers).
    await run(session, 'CREATE TABLE tags (id INT PRIMARY KEY, acct_ref VARCHAR(10))');
    await run(session, "INSERT INTO tags VALUES (1, '7'), (2, '07'), (3, 'x')");
    const mixed = 'SELECT t.id, a.id FROM tags t JOIN acct a ON a.id = t.acct_ref ORDER BY t.id';
    expect((await rows(session, `EXPLAIN ${mixed}`)).map((r) => [r[2], r[4], r[11]])).toEqual([
      ['tags', 'ALL', null],
      ['acct', 'ALL', 'Using join buffer (hash join)'],
    ]);
    expect(await rows(session, mixed)).toEqual([[1n, 7n], [2n, 7n]]);
  });

  it('merges two tables read in primary key order on their primary keys', async () => {
    const { session } = await newSession();
    await run(session, 'CREATE DATABASE d');
    await session.useDatabase('d');
    await run(session, 'CREATE TABLE acct (id INT PRIMARY KEY, owner VARCHAR(10))');
    await run(session, 'CREATE TABLE bal (id INT PRIMARY KEY, amount INT)');
    await run(session, `INSERT INTO acct VALUES ${Array.from({ length: 300 }, (_, i) => `(${2 * i + 1}, 'o${i}')`).join(', ')}`);
    await run(session, `INSERT INTO bal VALUES ${Array.from({ length: 300 }, (_, i) => `(${3 * i + 1}, ${i})`).join(', ')}`);
    // Every row of both tables takes part: looking 300 keys up in 300 rows costs more than a
    // scan, which the statistics tell the planner (without them it decides when it has the keys).
    await run(session, 'ANALYZE TABLE acct, bal');
    const sql = 'SELECT COUNT(*), SUM(b.amount) FROM acct a JOIN bal b ON b.id = a.id';
    const plan = (await rows(session, `EXPLAIN ${sql}`)).map((r) => [r[2], r[4], r[11]]);
    expect(plan).toEqual([['acct', 'ALL', null], ['bal', 'ALL', 'Using merge join (primary key order)']]);
    const [[tree]] = (await rows(session, `EXPLAIN ANALYZE ${sql}`)) as [[string]];
    // Odd ids that are 1 mod 3 (1, 7, …, 595: 100 of them), amounts (id - 1) / 3.
    expect(tree).toMatch(/-> Inner merge join \(b\.id = a\.id\) {2}\(actual time=[\d.]+\.\.[\d.]+ rows=100 loops=1\)/);
    const ids = Array.from({ length: 100 }, (_, i) => 6 * i + 1);
    expect(await rows(session, sql)).toEqual([[100n, String(ids.reduce((s, id) => s + (id - 1) / 3, 0))]]);
  });

  it('names the indexes a scan could have used in possible_keys', async () => {
    const { session } = await newSession();
    await run(session, 'CREATE DATABASE d');
    await session.useDatabase('d');
    await run(session, 'CREATE TABLE t (id INT PRIMARY KEY, s VARCHAR(10), KEY ks (s))');
    await run(session, "INSERT INTO t VALUES (1, 'a'), (2, 'b')");
    await run(session, 'ANALYZE TABLE t');
    // Two rows: reading the table beats the index, as in MySQL, which still lists it.
    expect((await rows(session, "EXPLAIN SELECT * FROM t WHERE s = 'b'")).map((r) => [r[4], r[5], r[6]])).toEqual([['ALL', 'ks', null]]);
  });
});
