/**
 * Proves window functions through a session against values worked out by hand from MySQL's
 * definitions: ranking (ROW_NUMBER, RANK, DENSE_RANK, NTILE, PERCENT_RANK, CUME_DIST), LAG
 * and LEAD with defaults, FIRST/LAST/NTH_VALUE, aggregates over the default frame (peers
 * included) and over ROWS frames, named windows, windows over grouped rows, and errno 3593
 * for a window function in WHERE.
 */
import { describe, expect, it } from 'vitest';
import type { SqlSession } from '../session-api.js';
import { errnoOf, newSession, rows, run } from '../test-support/engine-fixture.js';

async function fixture(): Promise<SqlSession> {
  const { session: s } = await newSession();
  await run(s, 'CREATE DATABASE d');
  await s.useDatabase('d');
  await run(s, 'CREATE TABLE t (id INT PRIMARY KEY, g INT, v INT)');
  await run(s, 'INSERT INTO t VALUES (1, 1, 10), (2, 1, 20), (3, 1, 20), (4, 2, 5), (5, 2, 7), (6, 3, NULL)');
  return s;
}

describe('window functions', () => {
  it('ranks within partitions and over the whole result', async () => {
    const s = await fixture();
    expect(await rows(s, 'SELECT id, ROW_NUMBER() OVER (PARTITION BY g ORDER BY v, id), RANK() OVER (ORDER BY v), DENSE_RANK() OVER (ORDER BY v) FROM t ORDER BY id')).toEqual([
      [1n, 1n, 4n, 4n], [2n, 2n, 5n, 5n], [3n, 3n, 5n, 5n], [4n, 1n, 2n, 2n], [5n, 2n, 3n, 3n], [6n, 1n, 1n, 1n],
    ]);
    expect(await rows(s, 'SELECT id, NTILE(4) OVER (ORDER BY id), PERCENT_RANK() OVER (ORDER BY id), CUME_DIST() OVER (ORDER BY g) FROM t ORDER BY id')).toEqual([
      [1n, 1n, 0, 0.5], [2n, 1n, 0.2, 0.5], [3n, 2n, 0.4, 0.5], [4n, 2n, 0.6, 5 / 6], [5n, 3n, 0.8, 5 / 6], [6n, 4n, 1, 1],
    ]);
  });

  it('reads neighbours with LAG, LEAD and the value functions', async () => {
    const s = await fixture();
    expect(await rows(s, 'SELECT id, LAG(v) OVER w, LEAD(v, 1, -1) OVER w, FIRST_VALUE(v) OVER w, LAST_VALUE(v) OVER w, NTH_VALUE(v, 2) OVER w FROM t WINDOW w AS (PARTITION BY g ORDER BY id) ORDER BY id')).toEqual([
      [1n, null, 20n, 10n, 10n, null], [2n, 10n, 20n, 10n, 20n, 20n], [3n, 20n, -1n, 10n, 20n, 20n],
      [4n, null, 7n, 5n, 5n, null], [5n, 5n, -1n, 5n, 7n, 7n], [6n, null, -1n, null, null, null],
    ]);
    expect(await rows(s, 'SELECT id, LAG(id, 2, 0) OVER (ORDER BY id) FROM t WHERE id <= 3 ORDER BY id')).toEqual([[1n, 0n], [2n, 0n], [3n, 1n]]);
  });

  it('aggregates over default and ROWS frames', async () => {
    const s = await fixture();
    // Default frame with ORDER BY: up to the current row's peers (the two 20s sum together).
    expect(await rows(s, 'SELECT id, SUM(v) OVER (PARTITION BY g), SUM(v) OVER (ORDER BY v), COUNT(*) OVER (), COUNT(v) OVER (ORDER BY id) FROM t ORDER BY id')).toEqual([
      [1n, '50', '22', 6n, 1n], [2n, '50', '62', 6n, 2n], [3n, '50', '62', 6n, 3n], [4n, '12', '5', 6n, 4n], [5n, '12', '12', 6n, 5n], [6n, null, null, 6n, 5n],
    ]);
    expect(await rows(s, 'SELECT id, SUM(v) OVER (ORDER BY id ROWS BETWEEN 1 PRECEDING AND 1 FOLLOWING), MAX(v) OVER (ORDER BY id ROWS UNBOUNDED PRECEDING), AVG(v) OVER (ORDER BY id ROWS BETWEEN CURRENT ROW AND UNBOUNDED FOLLOWING) FROM t ORDER BY id')).toEqual([
      [1n, '30', 10n, '12.4000'], [2n, '50', 20n, '13.0000'], [3n, '45', 20n, '10.6667'], [4n, '32', 20n, '6.0000'], [5n, '12', 20n, '7.0000'], [6n, '7', 20n, null],
    ]);
  });

  it('runs over grouped rows and sorts by a window value', async () => {
    const s = await fixture();
    expect(await rows(s, 'SELECT g, SUM(v), SUM(SUM(v)) OVER (ORDER BY g), RANK() OVER (ORDER BY SUM(v) DESC) FROM t GROUP BY g ORDER BY g')).toEqual([
      [1n, '50', '50', 1n], [2n, '12', '62', 2n], [3n, null, '62', 3n],
    ]);
    expect(await rows(s, 'SELECT id FROM t ORDER BY ROW_NUMBER() OVER (ORDER BY id DESC) LIMIT 2')).toEqual([[6n], [5n]]);
  });

  it('rejects window functions where MySQL does', async () => {
    const s = await fixture();
    expect(await errnoOf(s, 'SELECT id FROM t WHERE ROW_NUMBER() OVER () > 1')).toBe(3593);
    expect(await errnoOf(s, 'SELECT ROW_NUMBER() OVER w FROM t')).toBe(3579);
  });
});
