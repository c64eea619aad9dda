/**
 * The partition-pruning hook between the planner and the distribution layer.
 *
 * sql/ knows tables and key ranges, never where partitions (tablets) live (DESIGN.md, "Layers").
 * For every table access the planner hands the distribution layer the key ranges its access path
 * computed — over the primary index (rows) or over the secondary index it reads — and gets back
 * the partitions the scan must touch; EXPLAIN prints them in its `partitions` column. The engine
 * takes the implementation through its options (sql-engine.ts), so the composition root
 * (src/main.ts) can pass the one the distribution layer builds; the default says "not
 * partitioned" (EXPLAIN prints NULL, as MySQL does for a table without partitions).
 */
import { assert } from '../../src/base/assert.js';
import type { KeyRange } from '../../src/txn/txn-kv.js';
import { indexRange, primaryIndexId, rowKey, type TableDef } from '../catalog.js';
import type { AccessPath } from './access-path.js';

/** One partition (tablet) of a table. */
export interface PartitionRef {
  readonly id: number;
  /** As EXPLAIN prints it (MySQL: p0, p1, …). */
  readonly name: string;
}

/** The key ranges one table access reads, as its access path computed them. */
export interface PartitionScan {
  /** 'PRIMARY' when the rows are read by primary key, else the secondary index read first. */
  readonly index: string;
  readonly indexId: number;
  /** Byte ranges over that index's keys (`[tableId, indexId, …]`); a point get is a one-key range. */
  readonly ranges: readonly KeyRange[];
  /** True when the ranges are the whole index (a full scan). */
  readonly full: boolean;
}

/** Implemented by the distribution layer. */
export interface PartitionPruner {
  /**
   * The partitions a scan of `def` must touch (in partition order; empty when it reads nothing),
   * or null when the table is not partitioned.
   */
  partitionsFor(def: TableDef, scan: PartitionScan): readonly PartitionRef[] | null;
}

/** The default: every table is one unpartitioned range (the single node of today). */
export const unpartitioned: PartitionPruner = { partitionsFor: () => null };

/** The key ranges an access path of `def` reads. */
export function partitionScanOf(def: TableDef, path: AccessPath): PartitionScan {
  switch (path.kind) {
    case 'full':
      return { index: 'PRIMARY', indexId: primaryIndexId, ranges: [indexRange(def.id, primaryIndexId)], full: true };
    case 'points':
      return { index: 'PRIMARY', indexId: primaryIndexId, ranges: path.keys.map((k) => pointRange(rowKey(def.id, k))), full: false };
    case 'primaryRanges':
      return { index: 'PRIMARY', indexId: primaryIndexId, ranges: path.ranges, full: false };
    case 'indexRanges': {
      const index = def.indexes.find((i) => i.name === path.indexName);
      assert(index !== undefined, `access path over a missing index ${path.indexName}`);
      return { index: path.indexName, indexId: index.id, ranges: path.ranges, full: false };
    }
  }
}

/** The range holding exactly `key` (the next key in byte order is `key` followed by 0x00). */
function pointRange(key: Uint8Array): KeyRange {
  const end = new Uint8Array(key.length + 1);
  end.set(key);
  return { start: key, end };
}
