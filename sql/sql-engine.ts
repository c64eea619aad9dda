/**
 * The SQL layer's entry point: the composition root constructs one SqlEngine over a TxnKv and
 * opens a session per client connection.
 */
import { SqlError } from '../src/base/errors.js';
import type { Clock } from '../src/base/clock.js';
import { createLogger, type Logger } from '../src/base/logger.js';
import type { TxnKv } from '../src/txn/txn-kv.js';
import { catalogInitialized, getDatabase, nextCounter } from './catalog.js';
import type { SqlSession, SqlSessionFactory } from './session-api.js';
import { PlanCache } from './plan-cache.js';
import { Session } from './session.js';
import { GlobalVariables } from './variables.js';

/** What an engine is built from. */
export interface SqlEngineOptions {
  readonly kv: TxnKv;
  readonly clock: Clock;
  readonly logger?: Logger;
  /** False turns the plan cache off (every statement is parsed; differential tests). */
  readonly planCache?: boolean;
}

/** Opens SQL sessions over one transactional KV store. */
export class SqlEngine implements SqlSessionFactory {
  private readonly kv: TxnKv;
  private readonly clock: Clock;
  private readonly logger: Logger;
  private readonly globals = new GlobalVariables();
  /** Statement templates and table definitions, shared by every session of this engine. */
  readonly planCache: PlanCache;

  constructor(options: SqlEngineOptions) {
    this.kv = options.kv;
    this.clock = options.clock;
    this.logger = options.logger ?? createLogger('sql');
    this.planCache = new PlanCache(options.planCache ?? true);
  }

  /** Creates the system catalog when missing (idempotent). */
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
    return new Session({ kv: this.kv, clock: this.clock, logger: this.logger, globals: this.globals, planCache: this.planCache }, options.user, options.database, options.connectionId);
  }
}
