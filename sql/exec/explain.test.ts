/**
 * Proves EXPLAIN prints MySQL's twelve columns with the access the planner really takes for
 * every sysbench statement shape (const/range on PRIMARY, ref/range on k_1, ALL), with key
 * lengths and row counts from the data, and that EXPLAIN ANALYZE runs the query and reports
 * actual rows per operator in MySQL 8's tree text.
 */
import { describe, expect, it } from 'vitest';
import type { SqlValue } from '../session-api.js';
import { newSession, run } from '../test-support/engine-fixture.js';

async function sbtest(): Promise<Awaited<ReturnType<typeof newSession>>['session']> {
  const { session } = await newSession();
  await run(session, 'CREATE DATABASE sbtest');
  await session.useDatabase('sbtest');
  await run(session, "CREATE TABLE sbtest1(id INTEGER NOT NULL AUTO_INCREMENT, k INTEGER DEFAULT '0' NOT NULL, c CHAR(120) DEFAULT '' NOT NULL, pad CHAR(60) DEFAULT '' NOT NULL, PRIMARY KEY (id)) /*! ENGINE = innodb */");
  const values = Array.from({ length: 100 }, (_, i) => `(${i + 1}, ${(i % 10) + 1}, 'c${i}', 'p')`);
  await run(session, `INSERT INTO sbtest1 (id, k, c, pad) VALUES ${values.join(',')}`);
  await run(session, 'CREATE INDEX k_1 ON sbtest1(k)');
  return session;
}

/** A row from `a|b|…`: id and rows are integers, key_len is text (as in MySQL). */
const row = (cells: string): SqlValue[] => cells.split('|').map((c, i) => (c === 'NULL' ? null : i === 0 || i === 9 ? BigInt(c) : c));

describe('EXPLAIN', () => {
  it('shows the access path of every sysbench statement', async () => {
    const session = await sbtest();
    const cases: [string, string][] = [
      ['SELECT c FROM sbtest1 WHERE id=5', '1|SIMPLE|sbtest1|NULL|const|PRIMARY|PRIMARY|4|const|1|100.00|NULL'],
      ['SELECT c FROM sbtest1 WHERE id BETWEEN 5 AND 14', '1|SIMPLE|sbtest1|NULL|range|PRIMARY|PRIMARY|4|NULL|10|100.00|Using where'],
      ['SELECT SUM(k) FROM sbtest1 WHERE id BETWEEN 5 AND 14', '1|SIMPLE|sbtest1|NULL|range|PRIMARY|PRIMARY|4|NULL|10|100.00|Using where'],
      ['SELECT c FROM sbtest1 WHERE id BETWEEN 5 AND 14 ORDER BY c', '1|SIMPLE|sbtest1|NULL|range|PRIMARY|PRIMARY|4|NULL|10|100.00|Using where; Using filesort'],
      ['SELECT DISTINCT c FROM sbtest1 WHERE id BETWEEN 5 AND 14 ORDER BY c', '1|SIMPLE|sbtest1|NULL|range|PRIMARY|PRIMARY|4|NULL|10|100.00|Using where; Using temporary; Using filesort'],
      ['UPDATE sbtest1 SET k=k+1 WHERE id=5', '1|UPDATE|sbtest1|NULL|const|PRIMARY|PRIMARY|4|const|1|100.00|NULL'],
      ["UPDATE sbtest1 SET c='x' WHERE id=5", '1|UPDATE|sbtest1|NULL|const|PRIMARY|PRIMARY|4|const|1|100.00|NULL'],
      ['DELETE FROM sbtest1 WHERE id=5', '1|DELETE|sbtest1|NULL|const|PRIMARY|PRIMARY|4|const|1|100.00|NULL'],
      ["INSERT INTO sbtest1 (id, k, c, pad) VALUES (500, 1, 'c', 'p')", '1|INSERT|sbtest1|NULL|ALL|NULL|NULL|NULL|NULL|NULL|NULL|NULL'],
      ['SELECT id, k, c, pad FROM sbtest1 WHERE k = 3', '1|SIMPLE|sbtest1|NULL|ref|k_1|k_1|4|const|10|100.00|Using where'],
      ['SELECT id, k, c, pad FROM sbtest1 WHERE k IN (3, 4, 5)', '1|SIMPLE|sbtest1|NULL|range|k_1|k_1|4|NULL|30|100.00|Using where'],
      ['SELECT COUNT(k) FROM sbtest1 WHERE k BETWEEN 2 AND 3', '1|SIMPLE|sbtest1|NULL|range|k_1|k_1|4|NULL|20|100.00|Using where'],
      ['SELECT c FROM sbtest1 WHERE pad = \'p\'', '1|SIMPLE|sbtest1|NULL|ALL|NULL|NULL|NULL|NULL|100|100.00|Using where'],
      // The planner reads a superset range (the bound inclusive); ORDER BY the key needs no sort.
      ['SELECT id FROM sbtest1 WHERE id < 50 ORDER BY id', '1|SIMPLE|sbtest1|NULL|range|PRIMARY|PRIMARY|4|NULL|50|100.00|Using where'],
    ];
    for (const [sql, expected] of cases) {
      const r = await run(session, `EXPLAIN ${sql}`);
      expect(r.kind === 'rows' && r.columns.map((c) => c.name)).toEqual(['id', 'select_type', 'table', 'partitions', 'type', 'possible_keys', 'key', 'key_len', 'ref', 'rows', 'filtered', 'Extra']);
      expect(r.kind === 'rows' && r.rows, sql).toEqual([row(expected)]);
    }
    // DESCRIBE and EXPLAIN FORMAT=TRADITIONAL before a statement are EXPLAIN too.
    expect(await run(session, 'DESCRIBE SELECT c FROM sbtest1 WHERE id=5')).toEqual(await run(session, 'EXPLAIN FORMAT=TRADITIONAL SELECT c FROM sbtest1 WHERE id=5'));
  });

  it('EXPLAIN ANALYZE runs the query and reports actual rows per operator', async () => {
    const session = await sbtest();
    const r = await run(session, 'EXPLAIN ANALYZE SELECT DISTINCT c FROM sbtest1 WHERE id BETWEEN 5 AND 14 ORDER BY c LIMIT 3');
    expect(r.kind === 'rows' && r.columns.map((c) => c.name)).toEqual(['EXPLAIN']);
    const text = r.kind === 'rows' ? String(r.rows[0]![0]) : '';
    const lines = text.split('\n');
    expect(lines[0]).toMatch(/^-> Limit: 3 row\(s\)  \(actual time=0\.000\.\.\d+\.\d{3} rows=3 loops=1\)$/);
    expect(lines.slice(1, 4).map((l) => l.trim().replace(/ {2}\(.*$/, ''))).toEqual(['-> Sort: c', '-> Deduplicate', '-> Filter: (id BETWEEN 5 AND 14)']);
    expect(lines[4]).toMatch(/^ {16}-> Index range scan on sbtest1 using PRIMARY  \(actual time=0\.000\.\.\d+\.\d{3} rows=10 loops=1\)$/);
    const point = await run(session, 'EXPLAIN ANALYZE SELECT c FROM sbtest1 WHERE id = 7');
    expect(point.kind === 'rows' && String(point.rows[0]![0])).toMatch(/Single-row index lookup on sbtest1 using PRIMARY {2}\(actual time=\S+ rows=1 loops=1\)/);
  });

  it('EXPLAIN ANALYZE of a join prints every level and stage with the rows it produced', async () => {
    const session = await sbtest();
    await run(session, 'CREATE TABLE kinds (k INT PRIMARY KEY, name VARCHAR(10))');
    await run(session, "INSERT INTO kinds VALUES (1, 'one'), (2, 'two'), (3, 'three'), (4, 'four')");
    const r = await run(session, "EXPLAIN ANALYZE SELECT s.k, COUNT(*) FROM kinds n JOIN sbtest1 s ON s.k = n.k WHERE n.name <> 'two' AND s.id < 50 GROUP BY s.k HAVING COUNT(*) > 4 ORDER BY s.k");
    const lines = (r.kind === 'rows' ? String(r.rows[0]![0]) : '').split('\n');
    // Indentation is the tree; rows are what each operator produced over the whole statement.
    const shape = lines.map((l) => [l.indexOf('->') / 4, l.trim().replace(/^-> /, '').replace(/ {2}\(actual time=[\d.]+\.\.[\d.]+ (rows=\d+) loops=1\)$/, ' $1')]);
    expect(shape).toEqual([
      [0, 'Sort: k rows=3'],
      [1, 'Filter: (COUNT(*) > 4) rows=3'],
      [2, 'Group aggregate: k rows=3'],
      [3, 'Inner hash join (s.k = n.k) rows=15'],
      [4, 'Filter: (n.name <> two) rows=3'],
      [5, 'Table scan on kinds rows=4'],
      [4, 'Filter: (s.id < 50) rows=15'],
      [5, 'Index range scan on sbtest1 using PRIMARY rows=50'],
    ]);
  });
});
