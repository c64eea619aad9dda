/**
 * Proves the partition-pruning hook: an engine given a pruner asks it once for every table
 * access with the key ranges the access path computed, and EXPLAIN prints the partitions it
 * returns. The test pruner range-partitions a table's primary key space at split keys (local
 * secondary indexes, so an index scan touches every partition): a point select touches one
 * partition, a range the overlapping ones, a full scan all of them; results do not change, and
 * the default pruner leaves `partitions` NULL.
 */
import { describe, expect, it } from 'vitest';
import { compareBytes } from '../../storage/key-codec.js';
import { rowKey, type TableDef } from '../catalog.js';
import type { SqlSession, SqlValue } from '../session-api.js';
import { newSession, rows, run } from '../test-support/engine-fixture.js';
import type { PartitionPruner, PartitionRef, PartitionScan } from './partition-pruning.js';

/** Range partitions p0…pn of tables' primary keys, split before the given integer keys. */
class SplitKeyPruner implements PartitionPruner {
  readonly calls: { table: string; scan: PartitionScan }[] = [];
  constructor(private readonly splits: ReadonlyMap<string, readonly bigint[]>) {}

  partitionsFor(def: TableDef, scan: PartitionScan): readonly PartitionRef[] | null {
    this.calls.push({ table: def.name, scan });
    const splits = this.splits.get(def.name);
    if (splits === undefined) return null;
    const bounds = splits.map((v) => rowKey(def.id, [{ kind: 'int', value: v }]));
    const all = Array.from({ length: bounds.length + 1 }, (_, i) => ({ id: i, name: `p${i}` }));
    if (scan.index !== 'PRIMARY' || scan.full) return all;
    // Partition i holds [bounds[i-1], bounds[i]); a range [start, end) overlaps it when
    // start < bounds[i] and end > bounds[i-1].
    return all.filter((p) => scan.ranges.some((r) => {
      const low = p.id === 0 ? null : bounds[p.id - 1]!;
      const high = p.id === bounds.length ? null : bounds[p.id]!;
      const startsBefore = high === null || compareBytes(r.start, high) < 0;
      const endsAfter = low === null || r.end === undefined || compareBytes(r.end, low) > 0;
      return startsBefore && endsAfter;
    }));
  }
}

async function partitioned(): Promise<{ session: SqlSession; pruner: SplitKeyPruner }> {
  const pruner = new SplitKeyPruner(new Map([['t', [100n, 200n]]]));
  const { session } = await newSession(null, { partitionPruner: pruner });
  await run(session, 'CREATE DATABASE d');
  await session.useDatabase('d');
  await run(session, 'CREATE TABLE t (id INT PRIMARY KEY, k INT, KEY k_k (k))');
  await run(session, 'CREATE TABLE u (id INT PRIMARY KEY, t_id INT)');
  await run(session, `INSERT INTO t VALUES ${Array.from({ length: 300 }, (_, i) => `(${i}, ${i % 7})`).join(',')}`);
  await run(session, `INSERT INTO u VALUES ${Array.from({ length: 20 }, (_, i) => `(${i}, ${i * 15})`).join(',')}`);
  return { session, pruner };
}

/** EXPLAIN's table and partitions columns. */
async function partitionsOf(session: SqlSession, sql: string): Promise<SqlValue[][]> {
  return (await rows(session, `EXPLAIN ${sql}`)).map((r) => [r[2], r[3]] as SqlValue[]);
}

describe('partition pruning hook', () => {
  it('prunes to the partitions a scan touches', async () => {
    const { session } = await partitioned();
    expect(await partitionsOf(session, 'SELECT * FROM t WHERE id = 150')).toEqual([['t', 'p1']]);
    expect(await partitionsOf(session, 'SELECT * FROM t WHERE id = 100')).toEqual([['t', 'p1']]);
    expect(await partitionsOf(session, 'SELECT * FROM t WHERE id = 99')).toEqual([['t', 'p0']]);
    expect(await partitionsOf(session, 'SELECT * FROM t WHERE id IN (5, 250)')).toEqual([['t', 'p0,p2']]);
    expect(await partitionsOf(session, 'SELECT * FROM t WHERE id BETWEEN 50 AND 120')).toEqual([['t', 'p0,p1']]);
    expect(await partitionsOf(session, 'SELECT * FROM t WHERE id >= 250')).toEqual([['t', 'p2']]);
    expect(await partitionsOf(session, 'SELECT * FROM t WHERE id <= 199')).toEqual([['t', 'p0,p1']]);
    // The planner's ranges are supersets (bounds inclusive): `id < 200` reads key 200 too.
    expect(await partitionsOf(session, 'SELECT * FROM t WHERE id < 200')).toEqual([['t', 'p0,p1,p2']]);
    expect(await partitionsOf(session, 'SELECT * FROM t')).toEqual([['t', 'p0,p1,p2']]);
    expect(await partitionsOf(session, 'SELECT * FROM t WHERE k = 3')).toEqual([['t', 'p0,p1,p2']]);
    expect(await partitionsOf(session, 'DELETE FROM t WHERE id = 250')).toEqual([['t', 'p2']]);
    // A table the pruner does not partition prints NULL, as does every table by default.
    const join = await partitionsOf(session, 'SELECT * FROM u, t WHERE u.t_id = t.id AND t.id < 10');
    expect(join.sort((a, b) => String(a[0]).localeCompare(String(b[0])))).toEqual([['t', 'p0'], ['u', null]]);
    const plain = await newSession();
    await run(plain.session, 'CREATE DATABASE d');
    await plain.session.useDatabase('d');
    await run(plain.session, 'CREATE TABLE t (id INT PRIMARY KEY)');
    expect(await partitionsOf(plain.session, 'SELECT * FROM t WHERE id = 1')).toEqual([['t', null]]);
  });

  it('is asked once per table access with the access path key ranges, and changes no result', async () => {
    const { session, pruner } = await partitioned();
    pruner.calls.length = 0;
    const sql = 'SELECT COUNT(*) FROM u WHERE u.t_id IN (SELECT id FROM t WHERE id BETWEEN 100 AND 180)';
    expect(await rows(session, sql)).toEqual([[6n]]);
    expect(pruner.calls.map((c) => [c.table, c.scan.index, c.scan.full, c.scan.ranges.length])).toEqual([['t', 'PRIMARY', false, 1], ['u', 'PRIMARY', true, 1]]);
    pruner.calls.length = 0;
    expect(await rows(session, 'SELECT COUNT(*) FROM t WHERE id IN (1, 2, 150) OR k = 1')).toEqual([[45n]]);
    expect(await rows(session, 'SELECT id FROM t WHERE k = 2 AND id + 0 > 280')).toEqual([[282n], [289n], [296n]]);
    expect(pruner.calls.map((c) => c.scan.index)).toEqual(['PRIMARY', 'k_k']);
  });
});
