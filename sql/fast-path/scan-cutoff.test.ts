/**
 * Proves LIMIT pushed into a scan changes nothing but the rows read: for random WHERE
 * thresholds, limits and offsets (fast-check), `… LIMIT o, n` returns exactly rows o…o+n of the
 * same query without LIMIT, while a small LIMIT over a big range reads only a few rows; and
 * queries whose rows are not their first passing rows (ORDER BY, DISTINCT, aggregates) are
 * left alone.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { SqlSession, StatementResult } from '../session-api.js';
import { newEngineSession } from '../test-support/plan-cache-fixture.js';

const rowsOf = (r: StatementResult[]): unknown => {
  const last = r[r.length - 1]!;
  if (last.kind !== 'rows') throw new Error(JSON.stringify(last));
  return last.rows;
};

async function table(): Promise<{ session: SqlSession; gets: { count: number; scans: number; scanned?: number } }> {
  const { session, gets } = await newEngineSession(true);
  await session.query('CREATE DATABASE d; USE d; CREATE TABLE t (id INT PRIMARY KEY, b INT, c VARCHAR(5)); CREATE TABLE h (b INT, c VARCHAR(5))');
  const values = Array.from({ length: 300 }, (_, i) => `(${i + 1}, ${(i * 37) % 101}, 'c${i % 7}')`);
  await session.query(`INSERT INTO t VALUES ${values.join(',')}`);
  await session.query(`INSERT INTO h SELECT b, c FROM t`);
  return { session, gets };
}

describe('LIMIT pushed into the scan', () => {
  it('returns the same rows as slicing the unlimited result', async () => {
    const { session } = await table();
    await fc.assert(
      fc.asyncProperty(fc.constantFrom('t', 'h'), fc.integer({ min: 0, max: 110 }), fc.integer({ min: 0, max: 20 }), fc.integer({ min: 0, max: 30 }), fc.boolean(), async (tbl, x, offset, count, range) => {
        const where = `WHERE b >= ${x}${range && tbl === 't' ? ` AND id BETWEEN ${x} AND ${x + 150}` : ''}`;
        const all = rowsOf(await session.query(`SELECT b, c FROM ${tbl} ${where}`)) as unknown[];
        const limited = rowsOf(await session.query(`SELECT b, c FROM ${tbl} ${where} LIMIT ${offset}, ${count}`));
        expect(limited).toEqual(all.slice(offset, offset + count));
      }),
      { numRuns: 60, seed: 3 },
    );
  });

  it('reads only as many rows as the limit needs', async () => {
    const { session, gets } = await table();
    gets.scanned = 0;
    expect(rowsOf(await session.query('SELECT id FROM t WHERE id > 10 LIMIT 3'))).toEqual([[11n], [12n], [13n]]);
    // The range starts at id 10 (the planner's bounds are inclusive supersets); WHERE drops it.
    expect(gets.scanned).toBe(4);
    gets.scanned = 0;
    await session.query('SELECT id FROM t WHERE c = \'c1\' LIMIT 2');
    expect(gets.scanned).toBeLessThan(20);
    for (const sql of ['SELECT id FROM t WHERE id > 10 ORDER BY b LIMIT 3', 'SELECT DISTINCT c FROM t WHERE id > 10 LIMIT 3', 'SELECT COUNT(*) FROM t WHERE id > 10 LIMIT 3']) {
      gets.scanned = 0;
      await session.query(sql);
      expect(gets.scanned, sql).toBe(291);
    }
  });
});
