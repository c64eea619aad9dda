/**
 * The SQL layer's entry point: the composition root constructs one SqlEngine over a TxnKv and
 * opens a session per client connection.
 */
import { TableLockRegistry } from './table-locks.js';
import { SqlError } from '../src/base/errors.js';
import type { Clock } from '../src/base/clock.js';
import { createLogger, type Logger } from '../src/base/logger.js';
import type { TxnKv } from '../src/txn/txn-kv.js';
import { catalogInitialized, getDatabase, nextCounter } from './catalog.js';
import type { SqlSession, SqlSessionFactory } from './session-api.js';
import { PlanCache } from './plan-cache.js';
import { Session } from './session.js';
import { GlobalVariables } from './variables.js';
import type { PlannerOptions } from './exec/plan-types.js';
import { unpartitioned, type PartitionPruner } from './exec/partition-pruning.js';
import { TableStatsCache } from './exec/table-stats.js';
import { SchemaSync, type OnlineDdlOptions } from './schema-sync.js';
import { resumeSchemaChanges } from './exec/online-ddl.js';

/** What an engine is built from. */
export interface SqlEngineOptions {
  readonly kv: TxnKv;
  readonly clock: Clock;
  readonly logger?: Logger;
  /** False turns the plan cache off (every statement is parsed; differential tests). */
  readonly planCache?: boolean;
  /** False keeps FROM leaves in the rule-based order (differential tests of the cost-based order). */
  readonly joinReorder?: boolean;
  /** False joins by trying every row pair: no hash join, lookups or outer-join pushdown (differential tests). */
  readonly equiJoins?: boolean;
  /**
   * Which partitions each table access touches (sql/exec/partition-pruning.ts), from the
   * distribution layer; absent: every table is unpartitioned.
   */
  readonly partitionPruner?: PartitionPruner;
  /** Online ALTER TABLE knobs (batch size, waits, test hooks): sql/schema-sync.ts. */
  readonly onlineDdl?: OnlineDdlOptions;
}

/** Opens SQL sessions over one transactional KV store. */
export class SqlEngine implements SqlSessionFactory {
  private readonly kv: TxnKv;
  private readonly clock: Clock;
  private readonly logger: Logger;
  private readonly globals = new GlobalVariables();
  /** Statement templates and table definitions, shared by every session of this engine. */
  readonly planCache: PlanCache;
  /** Table statistics the planner reads (ANALYZE TABLE, row-count deltas). */
  readonly tableStats = new TableStatsCache();
  private readonly planner: PlannerOptions;
  /** Open transactions and running online schema changes (sql/schema-sync.ts). */
  readonly schemaSync: SchemaSync;
  /** LOCK TABLES of the engine's sessions (table-locks.ts). */
  private readonly tableLocks = new TableLockRegistry();

  constructor(options: SqlEngineOptions) {
    this.schemaSync = new SchemaSync(options.onlineDdl);
    // Every transaction of this engine is counted, so a schema change step can wait for the old ones.
    this.kv = this.schemaSync.track(options.kv);
    this.clock = options.clock;
    this.logger = options.logger ?? createLogger('sql');
    this.planCache = new PlanCache(options.planCache ?? true);
    this.planner = { joinReorder: options.joinReorder ?? true, equiJoins: options.equiJoins ?? true, partitionPruner: options.partitionPruner ?? unpartitioned };
  }

  /**
   * Creates the system catalog when missing (idempotent), then finishes or rolls back what
   * online ALTER TABLE jobs left when the process stopped (exec/online-ddl.ts).
   */
  async init(): Promise<void> {
    const txn = this.kv.begin();
    try {
      // The catalog's version marker is written once; later inits find it and change nothing.
      if (!(await catalogInitialized(txn))) {
        await nextCounter(txn, 'catalog_version', 1);
        await txn.commit();
      } else txn.rollback();
    } catch (e) {
      if (!txn.finished) txn.rollback();
      throw e;
    }
    const resumed = await resumeSchemaChanges({ kv: this.kv, sync: this.schemaSync, invalidateSchema: (ts) => this.planCache.invalidateSchema(ts) });
    if (resumed.retired.length > 0) this.logger.info('finished schema changes left by a stopped process', { tables: resumed.retired });
    for (const f of resumed.failed) this.logger.warn('a schema change left by a stopped process is still pending', { table: f.table, error: String(f.error) });
  }

  async openSession(options: { readonly user: string; readonly database: string | null; readonly connectionId: number }): Promise<SqlSession> {
    if (options.database !== null) {
      const txn = this.kv.begin({ readOnly: true });
      try {
        if ((await getDatabase(txn, options.database)) === undefined) throw new SqlError('BAD_DB', `Unknown database '${options.database}'`);
      } finally {
        txn.rollback();
      }
    }
    return new Session({ kv: this.kv, clock: this.clock, logger: this.logger, globals: this.globals, planCache: this.planCache, stats: this.tableStats, planner: this.planner, schemaSync: this.schemaSync, tableLocks: this.tableLocks }, options.user, options.database, options.connectionId);
  }
}
