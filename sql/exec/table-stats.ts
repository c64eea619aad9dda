/**
 * Table statistics as the planner reads them, cached per engine.
 *
 * A table analyzed by ANALYZE TABLE has durable statistics in the catalog ([0,'stat',tableId]):
 * rows, per column distinct values, NULLs and numeric bounds, per index the cardinality of every
 * key prefix. A table never analyzed is estimated by counting its primary keys, at most
 * `limits.statsUnanalyzedCountRowsMax` of them. Either figure is read once per engine and kept
 * here with a row-count delta that committed INSERTs and DELETEs add to (REPLACE, ON DUPLICATE
 * KEY UPDATE, UPDATE and foreign-key cascades are not counted): an approximation, refreshed by
 * the next ANALYZE TABLE. Any DDL statement drops every entry (and its delta); entries are read
 * or counted again on next use. Estimates only order joins and choose access paths, so a stale
 * figure can make a plan slower, never a result different.
 */
import { assert } from '../../src/base/assert.js';
import { limits } from '../../src/base/limits.js';
import type { Txn } from '../../src/txn/txn-kv.js';
import { getTableStats, type TableDef, type TableStats } from '../catalog.js';
import { fullRange } from './table-access.js';

/** What the planner knows about one column. */
export interface ColumnEstimate {
  /** Distinct non-NULL values, at least 1 when the table has rows. */
  readonly distinct: number;
  readonly nullFraction: number;
  readonly min?: number;
  readonly max?: number;
}

/** What the planner knows about one table (positions are the definition's it was asked with). */
export interface TableEstimates {
  /** Estimated rows now. */
  readonly rows: number;
  /** True when ANALYZE TABLE statistics exist: column and index figures may be known. */
  readonly analyzed: boolean;
  /** Figures of the column at `position`, when analyzed. */
  column(position: number): ColumnEstimate | undefined;
  /** Distinct values of the first `prefixColumns` key columns of index `name` ('PRIMARY' or a secondary index). */
  indexCardinality(name: string, prefixColumns: number): number | undefined;
}

/** Thrown by a planner environment that can load statistics: the session loads `def`'s and compiles again. */
export class StatsNotLoaded {
  constructor(readonly def: TableDef) {}
}

interface Entry {
  readonly stats: TableStats | null;
  /** Rows analyzed, or counted (capped) for a table never analyzed. */
  readonly baseRows: number;
  delta: number;
}

/** Statistics of the tables one engine has planned over. */
export class TableStatsCache {
  private readonly entries = new Map<number, Entry>();

  /** The estimates of `def`, or undefined when not loaded yet. */
  estimates(def: TableDef): TableEstimates | undefined {
    const entry = this.entries.get(def.id);
    return entry === undefined ? undefined : estimatesOf(def, entry);
  }

  /** Reads `def`'s statistics through `txn` (counting keys when it was never analyzed). */
  async load(txn: Txn, def: TableDef): Promise<void> {
    const stored = await getTableStats(txn, def.id);
    const stats = stored !== undefined && stored.tableId === def.id ? stored : null;
    let baseRows = stats?.rows ?? 0;
    if (stats === null) {
      for await (const _ of txn.scan(fullRange(def), { limit: limits.statsUnanalyzedCountRowsMax })) baseRows++;
    }
    this.put(def.id, { stats, baseRows, delta: 0 });
  }

  /** Keeps statistics ANALYZE TABLE just committed (the delta starts again at zero). */
  store(stats: TableStats): void {
    this.put(stats.tableId, { stats, baseRows: stats.rows, delta: 0 });
  }

  /** Adds committed row-count changes of tables. */
  addRows(deltas: ReadonlyMap<number, number>): void {
    for (const [tableId, n] of deltas) {
      const entry = this.entries.get(tableId);
      if (entry !== undefined) entry.delta += n;
    }
  }

  /** Forgets every entry (DDL): they are read or counted again on next use. */
  invalidate(): void {
    this.entries.clear();
  }

  private put(tableId: number, entry: Entry): void {
    this.entries.delete(tableId);
    this.entries.set(tableId, entry);
    while (this.entries.size > limits.statsCacheTablesMax) this.entries.delete(this.entries.keys().next().value as number);
  }
}

/** Row-count changes of one session's open transaction, applied to the cache when it commits. */
export class PendingRowCounts {
  private readonly deltas = new Map<number, number>();

  add(tableId: number, rows: number): void {
    if (rows !== 0) this.deltas.set(tableId, (this.deltas.get(tableId) ?? 0) + rows);
  }

  /** Hands the changes to `cache` (commit) and starts empty. */
  commitTo(cache: TableStatsCache): void {
    cache.addRows(this.deltas);
    this.deltas.clear();
  }

  /** Drops the changes (rollback). */
  discard(): void {
    this.deltas.clear();
  }
}

function estimatesOf(def: TableDef, entry: Entry): TableEstimates {
  const rows = Math.max(0, entry.baseRows + entry.delta);
  const stats = entry.stats;
  if (stats === null) return { rows, analyzed: false, column: () => undefined, indexCardinality: () => undefined };
  // Distinct counts stay as analyzed (new rows may repeat old values) but never exceed the rows.
  const cap = (n: number): number => Math.max(rows > 0 ? 1 : 0, Math.min(n, rows));
  const columns = new Map(stats.columns.map((c) => [c.name.toLowerCase(), c]));
  const indexes = new Map(stats.indexes.map((i) => [i.name.toLowerCase(), i]));
  return {
    rows,
    analyzed: true,
    column: (position) => {
      const column = def.columns[position];
      const c = column === undefined ? undefined : columns.get(column.name.toLowerCase());
      if (c === undefined) return undefined;
      const nullFraction = stats.rows === 0 ? 0 : Math.min(1, c.nulls / stats.rows);
      return { distinct: cap(c.distinct), nullFraction, ...(c.min === undefined ? {} : { min: c.min }), ...(c.max === undefined ? {} : { max: c.max }) };
    },
    indexCardinality: (name, prefixColumns) => {
      assert(prefixColumns >= 1, 'an index prefix has a column');
      const figures = indexes.get(name.toLowerCase())?.cardinality[prefixColumns - 1];
      return figures === undefined ? undefined : cap(figures);
    },
  };
}
