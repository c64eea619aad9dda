/**
 * Table sources of one statement. Compiling registers every table a statement reads (with
 * its access path); `load` fetches them all through the transaction before the synchronous
 * executor runs. A subquery's tables are fetched once per statement, whatever the number of
 * outer rows it runs for.
 */
import { assert } from '../../src/base/assert.js';
import type { Txn } from '../../src/txn/txn-kv.js';
import type { TableDef } from '../catalog.js';
import type { Value } from '../values.js';
import { limits } from '../../src/base/limits.js';
import { accessPathCandidates, type AccessPath } from './access-path.js';
import { lookupsPay } from './cost-model.js';
import { fullRange, getRows, scanRows, scanRowsByIndex } from './table-access.js';
import { scanWithCutoff, type ScanCutoff } from '../fast-path/scan-cutoff.js';
import type { PartitionRef } from './partition-pruning.js';

/** What the planner estimated for one table access (EXPLAIN's rows and filtered columns). */
export interface SourceEstimate {
  /** Rows the access path reads. */
  readonly rows: number;
  /** Percent of those rows the conjuncts checked at its join level keep. */
  readonly filteredPercent: number;
  /** True when the estimate comes from ANALYZE TABLE statistics. */
  readonly analyzed: boolean;
  /** Position in its join's nested loop (0: outermost). */
  readonly joinLevel: number;
}

/**
 * A batched index nested-loop join into this table (MySQL's batched key access): instead of
 * its whole table, the source fetches the rows whose `column` equals a value the outer side of
 * the join holds, through the index that `column` leads. Set by the join planner (equi-join.ts).
 */
export interface JoinLookup {
  /** Position of the looked-up column in the table. */
  readonly column: number;
  /** 'PRIMARY' or the secondary index `column` leads. */
  readonly index: string;
  /** True when one key finds at most one row (EXPLAIN's eq_ref). */
  readonly unique: boolean;
  /** The outer column, as EXPLAIN's ref prints it (`db.table.column`). */
  readonly ref: string;
  /** Rows one key is expected to find. */
  readonly rowsPerKey: number;
  /** The distinct non-NULL outer values; called while loading, after the outer source loaded. */
  keys(): Value[];
}

/** One table read by a statement. */
export class TableSource {
  private rowsLoaded: Value[][] | null = null;
  /** Set by the planner when LIMIT can stop a primary-key scan early (fast-path/scan-cutoff.ts). */
  cutoff: ScanCutoff | null = null;
  /** The partitions this access touches (partition-pruning.ts); null: the table is not partitioned. */
  partitions: readonly PartitionRef[] | null = null;
  /** Set by the planner once the join order is chosen (join-plan.ts). */
  estimate: SourceEstimate | null = null;
  /** Indexes the statement's predicates could use on this table (EXPLAIN's possible_keys). */
  possibleKeys: readonly string[] = [];
  /** Set when a join looks rows up by the outer side's values instead of reading the table. */
  lookup: JoinLookup | null = null;
  /** How its join level finds candidate rows (EXPLAIN's Extra): every row, a hash of the key, or a merge. */
  joinMethod: 'loop' | 'hash' | 'merge' = 'loop';
  /** Whether the last load used `lookup` (it falls back to the path when keys are too many). */
  lookedUp = false;
  constructor(
    readonly def: TableDef,
    readonly path: AccessPath,
  ) {}

  /** The fetched rows. Invariant: only called after SourceRegistry.load. */
  get rows(): Value[][] {
    assert(this.rowsLoaded !== null, `table ${this.def.name} read before it was fetched`);
    return this.rowsLoaded;
  }

  /** Fetches the rows through `txn`. */
  async load(txn: Txn): Promise<void> {
    // A table never analyzed is counted only up to a cap: its size is a lower bound, no
    // reason to prefer a scan, so only the key limit applies to it.
    const tableRows = this.estimate?.analyzed === true ? this.estimate.rows : undefined;
    const lookupPath = this.lookup === null || this.cutoff !== null ? undefined : lookupAccessPath(this.def, this.lookup, tableRows);
    this.lookedUp = lookupPath !== undefined;
    const path = lookupPath ?? this.path;
    switch (path.kind) {
      case 'full':
        this.rowsLoaded = this.cutoff === null ? await scanRows(txn, this.def, [fullRange(this.def)]) : await scanWithCutoff(txn, this.def, [fullRange(this.def)], this.cutoff);
        break;
      case 'points':
        this.rowsLoaded = await getRows(txn, this.def, path.keys.map((k) => [...k]));
        break;
      case 'primaryRanges':
        this.rowsLoaded = this.cutoff === null ? await scanRows(txn, this.def, path.ranges) : await scanWithCutoff(txn, this.def, path.ranges, this.cutoff);
        break;
      case 'indexRanges':
        this.rowsLoaded = await scanRowsByIndex(txn, this.def, path.ranges);
        break;
    }
  }
}

/**
 * The path that fetches the rows `lookup` asks for, or undefined when a lookup would not pay:
 * more keys than `limits.joinLookupKeysMax`, or lookups costing more than a scan of the table
 * (cost-model.ts), now that the number of keys is known.
 */
function lookupAccessPath(def: TableDef, lookup: JoinLookup, tableRows: number | undefined): AccessPath | undefined {
  const keys = lookup.keys();
  if (keys.length > limits.joinLookupKeysMax || (tableRows !== undefined && !lookupsPay(keys.length, lookup.rowsPerKey, tableRows))) return undefined;
  const paths = accessPathCandidates(def, [{ column: lookup.column, op: 'in', values: keys }]);
  // The candidates of one IN predicate: points or ranges over its index, then the full scan;
  // a key value the index cannot hold exactly (a string for an integer column) leaves only the scan.
  return paths.find((p) => (p.kind === 'indexRanges' ? p.indexName === lookup.index : p.kind !== 'full' && lookup.index === 'PRIMARY'));
}

/** Every table source of one statement. */
export class SourceRegistry {
  private readonly sources: TableSource[] = [];

  /** Registers a read of `def` along `path`. */
  add(def: TableDef, path: AccessPath): TableSource {
    const source = new TableSource(def, path);
    this.sources.push(source);
    return source;
  }

  /** Fetches every registered source. */
  async load(txn: Txn): Promise<void> {
    await this.beforeLoad?.();
    for (const s of this.sources) await s.load(txn);
  }

  /** Called once the statement is compiled, before anything is fetched (the session's LOCK TABLES checks). */
  beforeLoad: (() => Promise<void>) | null = null;

  /**
   * Puts `inOrder` (sources of one join, in the order its nested loop binds them) into the
   * positions they hold, so EXPLAIN lists a join's tables in join order.
   */
  reorder(inOrder: readonly TableSource[]): void {
    const positions = inOrder.map((s) => this.sources.indexOf(s)).sort((a, b) => a - b);
    assert(positions.every((p) => p >= 0), 'reordering a source that was not registered');
    positions.forEach((p, i) => (this.sources[p] = inOrder[i]!));
  }

  /** Every registered source, in registration order (EXPLAIN, row locks). */
  all(): readonly TableSource[] {
    return this.sources;
  }

  /** Paths chosen, for tests and EXPLAIN-like checks. */
  paths(): { table: string; path: AccessPath['kind'] }[] {
    return this.sources.map((s) => ({ table: s.def.name, path: s.path.kind }));
  }
}
