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
import type { AccessPath } from './access-path.js';
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

/** One table read by a statement. */
export class TableSource {
  private rowsLoaded: Value[][] | null = null;
  /** Set by the planner when LIMIT can stop a primary-key scan early (fast-path/scan-cutoff.ts). */
  cutoff: ScanCutoff | null = null;
  /** The partitions this access touches (partition-pruning.ts); null: the table is not partitioned. */
  partitions: readonly PartitionRef[] | null = null;
  /** Set by the planner once the join order is chosen (join-plan.ts). */
  estimate: SourceEstimate | null = null;
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
    const path = this.path;
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
    for (const s of this.sources) await s.load(txn);
  }

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
