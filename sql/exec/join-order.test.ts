/**
 * Proves the cost-based planner through real sessions: after ANALYZE TABLE a 3-table join
 * written big table first is run small table first (EXPLAIN lists the tables in the order the
 * nested loop binds them, with rows and filtered from the statistics), the chosen order examines
 * fewer rows — the rule-based order of an engine with reordering off exceeds a max_join_size the
 * cost-based one stays under — with the same result; statistics (not defaults) decide an order
 * and an index; and the dynamic programming finds the cheapest order of the cost formula.
 */
import { describe, expect, it } from 'vitest';
import { limits } from '../../src/base/limits.js';
import type { SqlSession, SqlValue } from '../session-api.js';
import { errnoOf, newSession, rows, run } from '../test-support/engine-fixture.js';
import { bestJoinOrder, costOf, type JoinEstimates } from './join-order.js';

/** small(10 rows) ← mid(100 rows) ← big(2000 rows), each child naming its parent's id. */
async function warehouse(options: { joinReorder?: boolean; equiJoins?: boolean } = {}): Promise<SqlSession> {
  const { session } = await newSession(null, options);
  await run(session, 'CREATE DATABASE w');
  await session.useDatabase('w');
  await run(session, 'CREATE TABLE small (id INT PRIMARY KEY, code VARCHAR(8))');
  await run(session, 'CREATE TABLE mid (id INT PRIMARY KEY, small_id INT, grp INT)');
  await run(session, 'CREATE TABLE big (id INT PRIMARY KEY, mid_id INT, status INT, tag INT, lot INT, KEY k_status (status), KEY k_tag (tag))');
  await run(session, `INSERT INTO small VALUES ${Array.from({ length: 10 }, (_, i) => `(${i + 1}, 'c${i + 1}')`).join(',')}`);
  await run(session, `INSERT INTO mid VALUES ${Array.from({ length: 100 }, (_, i) => `(${i + 1}, ${(i % 10) + 1}, ${i % 2})`).join(',')}`);
  for (let start = 0; start < 2000; start += 500) {
    const values = Array.from({ length: 500 }, (_, j) => {
      const id = start + j + 1;
      return `(${id}, ${(id % 100) + 1}, ${id % 2}, ${id % 1000}, ${id % 1000})`;
    });
    await run(session, `INSERT INTO big VALUES ${values.join(',')}`);
  }
  return session;
}

/** EXPLAIN's table, type, key, rows, filtered and Extra columns. */
async function plan(session: SqlSession, sql: string): Promise<SqlValue[][]> {
  return (await rows(session, `EXPLAIN ${sql}`)).map((r) => [r[2], r[4], r[6], r[9], r[10], r[11]] as SqlValue[]);
}

const threeTables = "SELECT big.id, mid.id, small.code FROM big, mid, small WHERE big.mid_id = mid.id AND mid.small_id = small.id AND small.code = 'c3' AND big.status = 0";

describe('cost-based join order', () => {
  it('runs a big-table-first join small table first after ANALYZE, with EXPLAIN rows from the statistics', async () => {
    const session = await warehouse();
    await run(session, 'ANALYZE TABLE big, mid, small');
    // small: 1 row of 10 has code c3; mid: 1/10 of its rows per small id; big: status=0 keeps
    // half, and 1/100 of its rows per mid id (distinct values from ANALYZE).
    expect(await plan(session, threeTables)).toEqual([
      ['small', 'ALL', null, 10n, '10.00', 'Using where'],
      ['mid', 'ALL', null, 100n, '10.00', 'Using where; Using join buffer (hash join)'],
      ['big', 'ALL', null, 2000n, '0.50', 'Using where; Using join buffer (hash join)'],
    ]);
    // Joined by trying every row pair (no hash join: equi-join.ts would hide the difference),
    // the cost-based order examines 10 + 1·100 + 10·2000 = 20,110 row combinations; the
    // rule-based order (big, small, mid: constants first, FROM order on ties) ~112,000.
    await run(session, 'SET max_join_size = 50000');
    const costBased = await warehouse({ equiJoins: false });
    await run(costBased, 'ANALYZE TABLE big, mid, small');
    const ruleBased = await warehouse({ joinReorder: false, equiJoins: false });
    await run(ruleBased, 'ANALYZE TABLE big, mid, small');
    expect((await plan(ruleBased, threeTables)).map((r) => r[0])).toEqual(['big', 'small', 'mid']);
    const expected = await rows(ruleBased, `${threeTables} ORDER BY 1, 2`);
    expect(expected.length).toBe(200);
    await run(costBased, 'SET max_join_size = 50000');
    await run(ruleBased, 'SET max_join_size = 50000');
    expect(await rows(costBased, `${threeTables} ORDER BY 1, 2`)).toEqual(expected);
    expect(await errnoOf(ruleBased, `${threeTables} ORDER BY 1, 2`)).toBe(1104);
    // With hash joins the default engine's run stays far under the limit too.
    expect(await rows(session, `${threeTables} ORDER BY 1, 2`)).toEqual(expected);
  });

  it('lets statistics, not defaults, decide the order and the index', async () => {
    const session = await warehouse();
    const query = 'SELECT COUNT(*) FROM mid, big WHERE big.mid_id = mid.id AND big.lot = 7 AND mid.grp = 1';
    // Without statistics both constants look equally selective (MySQL's 0.1): the smaller
    // table goes first, and the first index with a predicate is used (big: 1000 rows counted).
    expect((await plan(session, query)).map((r) => r[0])).toEqual(['mid', 'big']);
    expect(await plan(session, 'SELECT id FROM big WHERE status = 1 AND tag = 7')).toEqual([['big', 'ref', 'k_status', 1000n, '100.00', 'Using where']]);
    const before = await rows(session, query);
    await run(session, 'ANALYZE TABLE mid, big');
    // lot has 1000 distinct values (2 rows each), grp only 2: big goes first, and mid's rows
    // are looked up by big.mid_id through its primary key (half of them have grp = 1).
    expect(await plan(session, query)).toEqual([
      ['big', 'ALL', null, 2000n, '0.10', 'Using where'],
      ['mid', 'eq_ref', 'PRIMARY', 1n, '50.00', 'Using where'],
    ]);
    expect(await rows(session, query)).toEqual(before);
    expect(await plan(session, 'SELECT id FROM big WHERE status = 1 AND tag = 7')).toEqual([['big', 'ref', 'k_tag', 2n, '50.00', 'Using where']]);
    // An index that keeps half the rows costs more than reading them all in key order.
    expect(await plan(session, 'SELECT id FROM big WHERE status = 1')).toEqual([['big', 'ALL', null, 2000n, '50.00', 'Using where']]);
    expect(await rows(session, 'SELECT COUNT(*) FROM big WHERE status = 1')).toEqual([[1000n]]);
  });

  it('keeps LEFT JOIN operands in place and still orders the inner joins around them', async () => {
    const session = await warehouse();
    await run(session, 'ANALYZE TABLE big, mid, small');
    const query = "SELECT COUNT(*), COUNT(mid.id) FROM big JOIN small ON small.code = 'c3' LEFT JOIN mid ON mid.small_id = small.id AND mid.id = big.mid_id WHERE big.status = 1";
    const tables = (await plan(session, query)).map((r) => r[0]);
    // The LEFT JOIN's right operand is read after its left operand, whatever the order inside.
    expect(tables.indexOf('mid')).toBe(2);
    expect(tables.slice(0, 2)).toEqual(['small', 'big']);
    const ruleBased = await warehouse({ joinReorder: false });
    expect(await rows(session, query)).toEqual(await rows(ruleBased, query));
  });
});

describe('estimating a plan', () => {
  it('folds constants without adding warnings or reads', async () => {
    const { session } = await newSession();
    await run(session, 'CREATE DATABASE e');
    await session.useDatabase('e');
    await run(session, 'CREATE TABLE t1 (a INT)');
    await run(session, 'CREATE TABLE t2 (b INT)');
    await run(session, 'INSERT INTO t1 VALUES (1), (2)');
    await run(session, 'INSERT INTO t2 VALUES (1)');
    const warnings = async (sql: string): Promise<number> => {
      const r = await run(session, sql);
      return r.kind === 'rows' ? r.warningCount : -1;
    };
    // One table is planned without estimates; the join estimates `t1.a < 1/0` (t2 has one row,
    // so the executor evaluates it as often either way).
    const alone = await warnings('SELECT * FROM t1 WHERE t1.a < 1/0');
    expect(alone).toBeGreaterThan(0);
    expect(await warnings('SELECT * FROM t1, t2 WHERE t1.a < 1/0')).toBe(alone);
    expect((await rows(session, 'EXPLAIN SELECT * FROM t1, t2 WHERE t1.a < 1/0 AND t2.b = t1.a')).length).toBe(2);
  });
});

describe('join order search', () => {
  const chain: JoinEstimates = {
    fetched: [2000, 100, 10],
    local: [0.5, 1, 0.1],
    joins: [{ leaves: [0, 1], selectivity: 0.01 }, { leaves: [1, 2], selectivity: 0.1 }],
  };

  it('finds the order of least cost that exhaustive enumeration finds', () => {
    const orders = permutations([0, 1, 2, 3, 4]);
    const est: JoinEstimates = {
      fetched: [500, 20, 3000, 7, 90],
      local: [0.2, 1, 0.01, 1, 0.5],
      joins: [{ leaves: [0, 2], selectivity: 0.002 }, { leaves: [1, 3], selectivity: 0.1 }, { leaves: [0, 1, 4], selectivity: 0.05 }],
    };
    const cheapest = Math.min(...orders.map((o) => costOf(est, o).cost));
    expect(bestJoinOrder(est, [0, 1, 2, 3, 4]).cost).toBeCloseTo(cheapest, 6);
    expect(bestJoinOrder(chain, [0, 1, 2]).order).toEqual([2, 1, 0]);
    expect(costOf(chain, [2, 1, 0]).cost).toBeCloseTo(10 + 100 + 10 * 2000, 6);
  });

  it('costs a level joined by key as a hash build plus the rows of each key', () => {
    const hashed: JoinEstimates = { ...chain, joins: chain.joins.map((j) => ({ ...j, equi: true })) };
    // small (10), then mid hashed on its key (100 built, 10·0.1·100 probed), then big (2000 + 1·0.01·2000).
    expect(costOf(hashed, [2, 1, 0]).cost).toBeCloseTo(10 + (100 + 1 * 100 * 0.1) + (2000 + 10 * 2000 * 0.01), 6);
    expect(costOf(hashed, [2, 1, 0]).rows).toEqual(costOf(chain, [2, 1, 0]).rows);
    // Exhaustive search agrees with enumeration under the hash cost too.
    const cheapest = Math.min(...permutations([0, 1, 2]).map((o) => costOf(hashed, o).cost));
    expect(bestJoinOrder(hashed, [0, 1, 2]).cost).toBeCloseTo(cheapest, 6);
    // Of two equalities completed at once, the more selective is the key.
    const two: JoinEstimates = { fetched: [10, 10, 1000], local: [1, 1, 1], joins: [{ leaves: [0, 2], selectivity: 0.5, equi: true }, { leaves: [1, 2], selectivity: 0.001, equi: true }] };
    expect(costOf(two, [0, 1, 2]).cost).toBeCloseTo(10 + 100 + (1000 + 100 * 1000 * 0.001), 6);
  });

  it('keeps the baseline on a tie and orders greedily past the exhaustive limit', () => {
    const flat: JoinEstimates = { fetched: [10, 10, 10], local: [1, 1, 1], joins: [] };
    expect(bestJoinOrder(flat, [2, 0, 1]).order).toEqual([2, 0, 1]);
    const n = limits.joinReorderTablesMax + 2;
    const star: JoinEstimates = {
      fetched: Array.from({ length: n }, (_, i) => (i === 0 ? 100_000 : 10 + i)),
      local: Array.from({ length: n }, (_, i) => (i === n - 1 ? 0.01 : 1)),
      joins: Array.from({ length: n - 1 }, (_, i) => ({ leaves: [0, i + 1], selectivity: 1 / 100_000 })),
    };
    const baseline = Array.from({ length: n }, (_, i) => i);
    const found = bestJoinOrder(star, baseline);
    expect(found.order[0]).toBe(n - 1);
    expect(found.cost).toBeLessThan(costOf(star, baseline).cost);
    expect([...found.order].sort((a, b) => a - b)).toEqual(baseline);
  });
});

function permutations(items: readonly number[]): number[][] {
  if (items.length <= 1) return [[...items]];
  return items.flatMap((x, i) => permutations([...items.slice(0, i), ...items.slice(i + 1)]).map((rest) => [x, ...rest]));
}
