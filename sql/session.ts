/**
 * One client session: current database, variables, the open transaction, prepared statements.
 * Runs statements: parse → plan (compile against the catalog) → fetch → execute.
 *
 * Transactions: with autocommit each statement runs in its own transaction; BEGIN (or
 * autocommit=0) keeps one open until COMMIT/ROLLBACK. Inside it every statement writes through
 * a StatementTxn, so a failed statement leaves no partial writes. DDL commits the open
 * transaction first and runs in its own (as MySQL's implicit commit).
 */
import { tableLockKey, type TableLockMode, type TableLockRegistry } from './table-locks.js';
import { assertNever } from '../src/base/assert.js';
import { RetryableTxnError, SqlError } from '../src/base/errors.js';
import { limits } from '../src/base/limits.js';
import type { Clock } from '../src/base/clock.js';
import type { Logger } from '../src/base/logger.js';
import type { Txn, TxnKv } from '../src/txn/txn-kv.js';
import type { TableName } from './ast/query.js';
import type { SetAssignment, Statement } from './ast/statement.js';
import { getDatabase, getTable, getView, type TableDef, type ViewDef } from './catalog.js';
import { isLockingRead, runLockingRead } from './fast-path/locking-read.js';
import { explainAnalyze, explainStatement, type ExplainHost } from './exec/explain.js';
import { createDatabase, createIndex, createTable, databaseOf, dropDatabase, dropIndex, dropTable } from './exec/ddl.js';
import { runDelete, runInsert, runQuery, runUpdate, type DmlOutcome } from './exec/dml.js';
import { compileExpr } from './exec/compile-expr.js';
import type { SessionView } from './exec/plan-types.js';
import { compileQuery, type PlannerEnv } from './exec/query-planner.js';
import { Scope } from './exec/scope.js';
import { viewRelation } from './exec/relations.js';
import { runSchemaStatement } from './exec/schema-change.js';
import { WarningList } from './exec/warnings.js';
import { informationSchemaRelation, isInformationSchema, loadCatalogSnapshot, type CatalogSnapshot } from './exec/information-schema.js';
import { StatementBudget } from './exec/statement-budget.js';
import { describe, runShow } from './exec/show.js';
import { SourceRegistry } from './exec/sources.js';
import { splitStatementTexts, syntaxError, type StatementText } from './parser/lexer.js';
import type { ParsedStatement } from './parser/parse.js';
import type { PlanCache } from './plan-cache.js';
import { PreparedPlans, pointSelectPlan, type FastPlanSlot } from './fast-path/fast-plans.js';
import { keyValueOf, pointKeyValue, runPointSelect } from './fast-path/point-select.js';
import type { ColumnInfo, PreparedStatementInfo, QueryOptions, SessionStatus, SqlSession, SqlValue, StatementResult } from './session-api.js';
import { StatementTxn } from './statement-txn.js';
import type { SchemaSync } from './schema-sync.js';
import { runTableDdl, type OnlineDdlHost } from './exec/online-ddl.js';
import { analyzeTables } from './exec/analyze-table.js';
import { PendingRowCounts, StatsNotLoaded, type TableStatsCache } from './exec/table-stats.js';
import type { PlannerOptions } from './exec/plan-types.js';
import { type GlobalVariables, SessionVariables, isSystemVariable } from './variables.js';
import { Decimal } from './decimal.js';
import type { Value } from './values.js';
import { likeRegExp } from './exec/compile-expr.js';

/** Thrown by the planner's table lookup when a definition is not loaded yet. */
class TableNotLoaded {
  /** `optional`: asked by `tableIfExists`, so a missing table is remembered as absent, not 1146. */
  constructor(readonly db: string, readonly name: string, readonly optional = false) {}
}

/** What a session shares with the engine. */
export interface SessionDeps {
  readonly kv: TxnKv;
  readonly clock: Clock;
  readonly logger: Logger;
  readonly globals: GlobalVariables;
  /** The engine's plan cache (statement templates, table definitions), shared by its sessions. */
  readonly planCache: PlanCache;
  /** The engine's table statistics (exec/table-stats.ts), shared by its sessions. */
  readonly stats: TableStatsCache;
  /** Join reordering and the partition-pruning hook (SqlEngineOptions). */
  readonly planner: PlannerOptions;
  /** Open transactions and online schema change jobs of the engine (schema-sync.ts). */
  readonly schemaSync: SchemaSync;
  /** LOCK TABLES of the engine's sessions (table-locks.ts). */
  readonly tableLocks: TableLockRegistry;
}

interface Prepared {
  readonly parsed: ParsedStatement;
  /** Fast-path plans kept with the statement (fast-path/fast-plans.ts). */
  readonly plans: PreparedPlans;
}

const ddlKinds = new Set<Statement['kind']>([
  'createDatabase', 'dropDatabase', 'createTable', 'dropTable', 'createIndex', 'dropIndex',
  'createView', 'dropView', 'createTrigger', 'dropTrigger', 'truncate', 'createTableLike', 'createTableAs', 'alterTable',
]);

/** A SqlSession over TxnKv. */
export class Session implements SqlSession {
  database: string | null;
  private readonly vars: SessionVariables;
  private readonly userVars = new Map<string, Value>();
  private txn: Txn | null = null;
  /** Tables this session holds with LOCK TABLES (`db.table` in lower case). */
  private lockedTables = new Map<string, TableLockMode>();
  /** The table the running statement writes, for the LOCK TABLES checks. */
  private writeTarget: TableName | null = null;
  /** Savepoints of the open transaction, oldest first (runSavepoint). */
  private savepoints: { readonly name: string; readonly overlay: StatementTxn }[] = [];
  private lastInsertId = 0n;
  private lastCommitTs: bigint | null = null;
  private readonly prepared = new Map<number, Prepared>();
  /** Notes, warnings and errors of the last statement (SHOW WARNINGS). */
  private readonly warnings = new WarningList();
  /** True while an INSERT, UPDATE or DELETE runs (strict sql_mode turns some warnings into errors). */
  private statementWrites = false;
  /** Rows and time the running statement may still spend (statement-budget.ts). */
  private budget: StatementBudget | undefined;
  private nextStatementId = 1;
  /** Row-count changes of the open transaction, for the statistics cache once it commits. */
  private readonly pendingRows = new PendingRowCounts();

  constructor(
    private readonly deps: SessionDeps,
    private readonly user: string,
    database: string | null,
    private readonly connectionId: number,
  ) {
    this.database = database;
    this.vars = new SessionVariables(deps.globals);
  }

  get status(): SessionStatus {
    return { inTransaction: this.txn !== null, autocommit: this.autocommit };
  }

  private get autocommit(): boolean {
    return this.vars.get('autocommit') === 1n;
  }

  async query(sqlText: string, options: QueryOptions = {}): Promise<StatementResult[]> {
    if (sqlText.length > limits.queryBytesMax) return [errorResult(new SqlError('NET_PACKET_TOO_LARGE', 'Got a packet bigger than max_allowed_packet bytes'))];
    let texts: StatementText[];
    try {
      texts = splitStatementTexts(sqlText);
    } catch (e) {
      return [this.toErrorResult(e)];
    }
    if (texts.length === 0) return [errorResult(new SqlError('EMPTY_QUERY', 'Query was empty'))];
    if (options.multiStatements === false && texts.length > 1) return [errorResult(syntaxError(sqlText, texts[1]!.offset))];
    const results: StatementResult[] = [];
    for (const text of texts) {
      let result: StatementResult;
      try {
        const explain = explainRequest(text);
        if (explain !== null) result = await this.runExplain(explain);
        else {
          const cached = this.deps.planCache.lookup(text.text, text.tokens);
          result = this.withWarningCount(await this.execute(cached.parsed, [], { key: cached.key }));
        }
      } catch (e) {
        result = this.toErrorResult(e);
      }
      results.push(result);
      if (result.kind === 'error') break;
    }
    return results;
  }

  async useDatabase(name: string): Promise<void> {
    const txn = this.deps.kv.begin({ readOnly: true });
    try {
      if ((await getDatabase(txn, name)) === undefined) throw new SqlError('BAD_DB', `Unknown database '${name}'`);
    } finally {
      txn.rollback();
    }
    this.database = name;
  }

  async prepare(sqlText: string): Promise<PreparedStatementInfo> {
    const texts = splitStatementTexts(sqlText);
    if (texts.length !== 1) throw new SqlError('PARSE', 'You have an error in your SQL syntax; a prepared statement holds one statement');
    const parsed = this.deps.planCache.lookup(texts[0]!.text, texts[0]!.tokens).parsed;
    if (parsed.paramCount > limits.statementParamsMax) throw new SqlError('WRONG_ARGUMENTS', 'Too many placeholders');
    if (this.prepared.size >= limits.preparedStatementsPerConnectionMax) {
      throw new SqlError('MAX_PREPARED_STMT_COUNT_REACHED', "Can't create more than max_prepared_stmt_count statements");
    }
    const statementId = this.nextStatementId++;
    this.prepared.set(statementId, { parsed, plans: new PreparedPlans() });
    return { statementId, paramCount: parsed.paramCount, columns: await this.describeColumns(parsed) };
  }

  /** Result columns of a prepared query, compiled with NULL parameters; empty when unknown. */
  private async describeColumns(parsed: ParsedStatement): Promise<ColumnInfo[]> {
    if (parsed.statement.kind !== 'query') return [];
    const query = parsed.statement.query;
    // NULL parameters first (they type like MySQL's unknown parameters); `LIMIT ?` rejects
    // NULL, so then zeros. A client must see the columns now (libmariadb trusts this count).
    for (const fill of [null, 0n]) {
      try {
        return await this.withReadTxn(async (txn) => {
          const plan = await this.withTables(txn, new Array<Value>(parsed.paramCount).fill(fill), async (env) => compileQuery(query, null, env));
          return plan.columns.map((c) => c.info);
        });
      } catch {
        // try the next filling
      }
    }
    return [];
  }

  async executePrepared(statementId: number, params: readonly SqlValue[]): Promise<StatementResult> {
    const p = this.prepared.get(statementId);
    if (p === undefined) return errorResult(new SqlError('UNKNOWN_STMT_HANDLER', `Unknown prepared statement handler (${statementId}) given to mysqld_stmt_execute`));
    if (params.length !== p.parsed.paramCount) return errorResult(new SqlError('WRONG_ARGUMENTS', 'Incorrect arguments to mysqld_stmt_execute'));
    try {
      return this.withWarningCount(await this.execute(p.parsed, params.map(fromSqlValue), p.plans));
    } catch (e) {
      return this.toErrorResult(e);
    }
  }

  closePrepared(statementId: number): void {
    this.prepared.delete(statementId);
  }

  async fieldList(table: string, wildcard: string): Promise<ColumnInfo[]> {
    const db = databaseOf({ db: null, name: table }, this.database);
    const def = await this.withReadTxn((txn) => getTable(txn, db, table));
    if (def === undefined) throw new SqlError('NO_SUCH_TABLE', `Table '${db}.${table}' doesn't exist`);
    const re = wildcard === '' ? null : likeRegExp(wildcard);
    const env = this.plannerEnv(new Map([[`${db}.${table}`, def]]), []);
    const plan = compileQuery({ kind: 'select', distinct: false, items: [{ kind: 'star', table: null }], from: { kind: 'table', table: { db, name: table }, alias: null }, where: null, groupBy: [], having: null, orderBy: [], limit: null, forUpdate: false }, null, env);
    return plan.columns.map((c) => c.info).filter((c) => re === null || re.test(c.name.toUpperCase()));
  }

  async reset(): Promise<void> {
    this.rollbackOpen();
    this.prepared.clear();
    this.userVars.clear();
  }

  async close(): Promise<void> {
    this.rollbackOpen();
    this.unlockTables();
  }

  private rollbackOpen(): void {
    this.savepoints = [];
    if (this.txn !== null && !this.txn.finished) this.txn.rollback();
    this.txn = null;
    this.pendingRows.discard();
  }

  /**
   * A view as DESCRIBE and SHOW COLUMNS see it: its query's result columns (name, type,
   * nullability), no keys or defaults. Undefined when `name` is a base table or nothing.
   */
  private async viewAsTable(name: TableName): Promise<TableDef | undefined> {
    const db = databaseOf(name, this.database);
    const isView = await this.withReadTxn(async (txn) => (await getTable(txn, db, name.name)) === undefined && (await getView(txn, db, name.name)) !== undefined);
    if (!isView) return undefined;
    const quote = (s: string): string => '`' + s.replace(/`/g, '``') + '`';
    const [text] = splitStatementTexts(`SELECT * FROM ${quote(db)}.${quote(name.name)}`);
    const { statement } = this.deps.planCache.lookup(text!.text, text!.tokens).parsed;
    if (statement.kind !== 'query') return undefined;
    const plan = await this.withReadTxn((txn) => this.withTables(txn, [], async (env) => compileQuery(statement.query, null, env)));
    return {
      id: 0, db, name: name.name, nextIndexId: 0, primaryKey: [], indexes: [],
      columns: plan.columns.map((c) => ({ name: c.info.name, type: c.type, notNull: !c.nullable, defaultValue: null, autoIncrement: false })),
    };
  }

  /**
   * LOCK TABLES: commits the open transaction and drops the session's table locks, as MySQL
   * does, checks every table exists (1146), then takes the new locks (table-locks.ts).
   */
  private async lockTables(wanted: readonly { readonly table: TableName; readonly mode: 'READ' | 'WRITE' }[]): Promise<void> {
    await this.commitOpen();
    this.unlockTables();
    const locks = new Map<string, TableLockMode>();
    for (const { table, mode } of wanted) {
      const db = databaseOf(table, this.database);
      const exists = await this.withReadTxn(async (txn) => (await getTable(txn, db, table.name)) !== undefined || (await getView(txn, db, table.name)) !== undefined);
      if (!exists) throw new SqlError('NO_SUCH_TABLE', `Table '${db}.${table.name}' doesn't exist`);
      const key = tableLockKey(db, table.name);
      if (locks.get(key) !== 'WRITE') locks.set(key, mode);
    }
    await this.deps.tableLocks.acquire(this.connectionId, locks, this.tableLockWaitMs());
    this.lockedTables = locks;
  }

  private unlockTables(): void {
    if (this.lockedTables.size === 0) return;
    this.lockedTables = new Map();
    this.deps.tableLocks.release(this.connectionId);
  }

  /**
   * Before a compiled statement fetches: with table locks of its own, every table it names
   * must be locked (1100) and the one it writes locked WRITE (1099); otherwise it waits while
   * another session's lock is in the way.
   */
  private async admitTables(touchedAll: ReadonlySet<string>, viaViews: ReadonlySet<string>, target: TableName | null): Promise<void> {
    const written = target === null ? null : tableLockKey(databaseOf(target, this.database), target.name);
    if (this.lockedTables.size > 0) {
      // A table read only through a view is covered by the view's lock (MySQL locks a view's
      // tables with it); Atoll does not lock them for other sessions (table-locks.ts).
      for (const key of touchedAll) {
        if (viaViews.has(key) && !this.lockedTables.has(key)) continue;
        const mode = this.lockedTables.get(key);
        const name = key.slice(key.indexOf('.') + 1);
        if (mode === undefined) throw new SqlError('TABLE_NOT_LOCKED', `Table '${name}' was not locked with LOCK TABLES`);
        if (key === written && mode !== 'WRITE') throw new SqlError('TABLE_NOT_LOCKED_FOR_WRITE', `Table '${name}' was locked with a READ lock and can't be updated`);
      }
      return;
    }
    const waited = await this.deps.tableLocks.admit(this.connectionId, [...touchedAll].filter((t) => t !== written), written === null ? [] : [written], this.tableLockWaitMs());
    // An autocommit statement's snapshot predates the wait: run it again on a fresh one, so it
    // sees what the lock holder committed (MySQL takes its read view after the table lock).
    if (waited && this.txn === null) throw new RetryableTxnError('the statement waited for a table lock');
  }

  /** How long a table lock is waited for: @@lock_wait_timeout seconds (timers hold at most ~24 days). */
  private tableLockWaitMs(): number {
    return Math.min(Number(this.vars.get('lock_wait_timeout')) * 1000, 2 ** 31 - 1);
  }

  /** What statements of the open transaction read and write through: the newest savepoint's overlay, or the transaction. */
  private openTxn(): Txn | null {
    return this.savepoints[this.savepoints.length - 1]?.overlay ?? this.txn;
  }

  /**
   * SAVEPOINT, ROLLBACK TO SAVEPOINT, RELEASE SAVEPOINT. The writes made after a savepoint
   * live in its overlay (statement-txn.ts) over the one below: rolling back to it drops the
   * overlays from it on (row locks stay, as in InnoDB) and sets it again; releasing it moves
   * their writes down; COMMIT moves them all into the transaction. Outside a transaction
   * (autocommit) a savepoint has nothing to keep and is not remembered, as in MySQL.
   */
  private runSavepoint(action: 'set' | 'rollbackTo' | 'release', name: string): StatementResult {
    const at = this.savepoints.findIndex((s) => s.name.toLowerCase() === name.toLowerCase());
    if (action === 'set') {
      if (this.txn === null) return okResult();
      if (at >= 0) this.releaseSavepointsFrom(at); // MySQL deletes the old savepoint of that name
      this.savepoints.push({ name, overlay: new StatementTxn(this.openTxn()!) });
      return okResult();
    }
    if (at < 0) throw new SqlError('SP_DOES_NOT_EXIST', `SAVEPOINT ${name} does not exist`);
    if (action === 'release') {
      this.releaseSavepointsFrom(at);
      return okResult();
    }
    this.savepoints.splice(at);
    this.savepoints.push({ name, overlay: new StatementTxn(this.openTxn()!) });
    return okResult();
  }

  /** Moves the writes of savepoints `from`… down into the one below (or the transaction) and forgets them. */
  private releaseSavepointsFrom(from: number): void {
    for (let i = this.savepoints.length - 1; i >= from; i--) this.savepoints[i]!.overlay.flush();
    this.savepoints.splice(from);
  }

  /** The budget of a statement: rows examined, and max_execution_time for a read-only SELECT. */
  private statementBudget(stmt: Statement): StatementBudget {
    const clock = this.deps.clock;
    const maxMs = Number(this.vars.get('max_execution_time') ?? 0n);
    const deadline = maxMs > 0 && isReadOnlyQuery(stmt) ? clock.monotonicMs() + maxMs : null;
    const joinSize = Number(this.vars.get('max_join_size') ?? 0n);
    return new StatementBudget(() => clock.monotonicMs(), deadline, Math.min(joinSize > 0 ? joinSize : Infinity, limits.statementRowsExaminedMax));
  }

  /** The result with the statement's warning count (warnings.ts). */
  private withWarningCount(result: StatementResult): StatementResult {
    const n = this.warnings.count;
    return n === 0 || result.kind === 'error' ? result : { ...result, warningCount: n };
  }

  private toErrorResult(e: unknown): StatementResult {
    // Stack exhaustion while compiling or running a deeply nested statement ends that statement only.
    if (e instanceof RangeError && /call stack/i.test(e.message)) e = new SqlError('TOO_HIGH_LEVEL_OF_NESTING', 'Expression nesting too deep');
    if (e instanceof SqlError) this.warnings.add({ level: 'Error', code: e.errno, message: e.message });
    if (e instanceof SqlError) return errorResult(e);
    this.deps.logger.error('statement failed with an internal error', { error: e instanceof Error ? e.stack ?? e.message : String(e) });
    return errorResult(new SqlError('UNKNOWN_ERROR', `Internal error: ${e instanceof Error ? e.message : String(e)}`, { cause: e }));
  }

  /** Runs one parsed statement with `params` bound; `slot` keeps its fast-path plans. */
  private async execute(parsed: ParsedStatement, params: readonly Value[], slot?: FastPlanSlot): Promise<StatementResult> {
    const stmt = parsed.statement;
    if (stmt.kind === 'show' && stmt.show.kind === 'showWarnings') return this.warnings.result(stmt.show.errorsOnly === true);
    // A statement other than SHOW WARNINGS and SELECT @@warning_count starts a new diagnostics area.
    if (!readsDiagnostics(stmt)) this.warnings.clear();
    this.statementWrites = stmt.kind === 'insert' || stmt.kind === 'update' || stmt.kind === 'delete';
    this.writeTarget = stmt.kind === 'insert' || stmt.kind === 'update' || stmt.kind === 'delete' ? stmt.table : null;
    this.budget = this.statementBudget(stmt);
    if (ddlKinds.has(stmt.kind)) return this.runDdl(stmt);
    switch (stmt.kind) {
      case 'begin':
        await this.commitOpen();
        this.unlockTables(); // START TRANSACTION releases table locks, as in MySQL
        this.txn = this.deps.kv.begin();
        return okResult();
      case 'lockTables':
        await this.lockTables(stmt.tables);
        return okResult();
      case 'commit':
        await this.commitOpen();
        return okResult();
      case 'rollback':
        this.rollbackOpen();
        return okResult();
      case 'savepoint':
        return this.runSavepoint(stmt.action, stmt.name);
      case 'alterTableKeys': {
        // An ALTER: it commits the open transaction. The table must exist; the keys stay on.
        await this.commitOpen();
        const db = databaseOf(stmt.table, this.database);
        if ((await this.withReadTxn((txn) => getTable(txn, db, stmt.table.name))) === undefined) throw new SqlError('NO_SUCH_TABLE', `Table '${db}.${stmt.table.name}' doesn't exist`);
        this.warnings.add({ level: 'Note', code: 1031, message: `Table storage engine for '${stmt.table.name}' doesn't have this option` });
        return okResult();
      }
      case 'unlockTables':
        // As in MySQL, UNLOCK commits only when the session held table locks (mysqldump
        // --single-transaction sends one after START TRANSACTION, which must stay open).
        if (this.lockedTables.size > 0) {
          await this.commitOpen();
          this.unlockTables();
        }
        return okResult();
      case 'use':
        await this.useDatabase(stmt.name);
        return okResult();
      case 'set':
        return this.runSet(stmt.assignments, params);
      case 'show': {
        if (stmt.show.kind === 'showColumns') {
          const view = await this.viewAsTable(stmt.show.table);
          if (view !== undefined) return describe(view, stmt.show.full, stmt.show.like);
        }
        const show = stmt.show;
        return this.withReadTxn((txn) => runShow(show, { txn, database: this.database, variables: (g) => this.variableRows(g) }));
      }
      case 'analyzeTable':
        // ANALYZE TABLE commits the open transaction first, as MySQL's does.
        await this.commitOpen();
        return analyzeTables(stmt.tables, { kv: this.deps.kv, database: this.database, cache: this.deps.stats });
      case 'describe': {
        const db = databaseOf(stmt.table, this.database);
        const def = (await this.withReadTxn((txn) => getTable(txn, db, stmt.table.name))) ?? (await this.viewAsTable(stmt.table));
        if (def === undefined) throw new SqlError('NO_SUCH_TABLE', `Table '${db}.${stmt.table.name}' doesn't exist`);
        return describe(def, false, null);
      }
      case 'query': {
        // Table locks anywhere in the engine send statements the way that checks them.
        const locks = this.lockedTables.size > 0 || this.deps.tableLocks.active;
        const fast = slot === undefined || locks ? undefined : await this.runFastPath(stmt, params, slot);
        if (fast !== undefined) return fast;
        const run = isLockingRead(stmt.query) ? runLockingRead : runQuery;
        return this.inTransaction(false, (txn) => this.withTables(txn, params, (env) => run(stmt.query, env, txn)));
      }
      case 'insert':
      case 'update':
      case 'delete':
        return this.runDml(stmt, params);
      case 'createDatabase': case 'dropDatabase': case 'createTable': case 'dropTable': case 'createIndex': case 'dropIndex':
      case 'createView': case 'dropView': case 'createTrigger': case 'dropTrigger': case 'truncate': case 'createTableLike': case 'createTableAs': case 'alterTable':
        return this.runDdl(stmt);
      default:
        return assertNever(stmt, 'statement');
    }
  }

  /** EXPLAIN [ANALYZE] of one statement (exec/explain.ts). */
  private async runExplain(request: { readonly analyze: boolean; readonly text: string }): Promise<StatementResult> {
    const [inner] = splitStatementTexts(request.text);
    if (inner === undefined) throw new SqlError('EMPTY_QUERY', 'Query was empty');
    const stmt = this.deps.planCache.lookup(inner.text, inner.tokens).parsed.statement;
    const host: ExplainHost = {
      withPlanner: (body) => this.withReadTxn((txn) => this.withTables(txn, [], (env) => body(env, txn))),
      nowMs: () => performance.now(),
    };
    return request.analyze ? explainAnalyze(stmt, host) : explainStatement(stmt, host);
  }

  /** A point select by primary key without the planner (fast-path/point-select.ts), or undefined. */
  private async runFastPath(stmt: Statement, params: readonly Value[], slot: FastPlanSlot): Promise<StatementResult | undefined> {
    const host = {
      database: this.database,
      cache: this.deps.planCache,
      compileColumns: (s: Statement, ps: readonly Value[]) => (s.kind === 'query' ? compileQuery(s.query, null, this.plannerEnv(new Map(), ps)).columns : []),
    };
    const plan = pointSelectPlan(host, slot, stmt, params);
    if (plan === null) return undefined;
    const key = keyValueOf(plan, stmt, params);
    if (key === undefined || pointKeyValue(key) === undefined) return undefined;
    return this.inTransaction(false, (txn) => runPointSelect(plan, key, txn));
  }

  private async runDml(stmt: Extract<Statement, { kind: 'insert' | 'update' | 'delete' }>, params: readonly Value[]): Promise<StatementResult> {
    const written = { tableId: -1 };
    const outcome = await this.inTransaction(true, (txn) => this.withTables(txn, params, (env): Promise<DmlOutcome> => {
      written.tableId = env.table(stmt.table).id;
      if (stmt.kind === 'insert') return runInsert(stmt, env, txn);
      if (stmt.kind === 'update') return runUpdate(stmt, env, txn);
      return runDelete(stmt, env, txn);
    }));
    if (outcome.lastInsertId !== null) this.lastInsertId = outcome.lastInsertId;
    this.countRows(written.tableId, rowCountChange(stmt, outcome.result));
    return outcome.result;
  }

  /** Row-count change of a statement that succeeded: at once with autocommit, else at COMMIT. */
  private countRows(tableId: number, rows: number): void {
    this.pendingRows.add(tableId, rows);
    if (this.txn === null) this.pendingRows.commitTo(this.deps.stats);
  }

  private async runDdl(stmt: Statement): Promise<StatementResult> {
    await this.commitOpen();
    // ALTER TABLE and CREATE/DROP INDEX run as online jobs of many commits (exec/online-ddl.ts).
    const online = await runTableDdl(stmt, this.onlineDdlHost(), this.database, this.plannerEnv(new Map(), []));
    if (online !== undefined) {
      if (online.commitTs !== null) this.lastCommitTs = online.commitTs;
      return online.result;
    }
    const txn = this.deps.kv.begin();
    // Cached table definitions and plans go before the commit and again after it (plan-cache.ts),
    // and with them cached statistics (exec/table-stats.ts).
    this.deps.planCache.invalidateSchema(null);
    this.deps.stats.invalidate();
    try {
      const env = this.plannerEnv(new Map(), []);
      let result: StatementResult;
      switch (stmt.kind) {
        case 'createDatabase': result = await createDatabase(txn, stmt); break;
        case 'dropDatabase': result = await dropDatabase(txn, stmt, env); break;
        case 'createTable': result = await createTable(txn, stmt, this.database, env); break;
        case 'dropTable': result = await dropTable(txn, stmt, this.database, env); break;
        case 'createIndex': result = await createIndex(txn, stmt, this.database); break;
        case 'dropIndex': result = await dropIndex(txn, stmt, this.database); break;
        case 'createView': case 'dropView': case 'createTrigger': case 'dropTrigger': case 'truncate': case 'createTableLike': case 'createTableAs': case 'alterTable':
          result = await runSchemaStatement(stmt, {
            txn,
            database: this.database,
            env,
            compile: (q) => this.withTables(txn, [], async (e) => compileQuery(q, null, e)),
            run: (q) => this.withTables(txn, [], async (e) => {
              const plan = compileQuery(q, null, e);
              await e.sources.load(txn);
              return { columns: plan.columns, rows: plan.run(null) };
            }),
          });
          break;
        default: throw new SqlError('INTERNAL', `not a DDL statement: ${stmt.kind}`);
      }
      const { commitTs } = await txn.commit();
      this.deps.planCache.invalidateSchema(commitTs);
      this.deps.stats.invalidate();
      this.lastCommitTs = commitTs;
      if (stmt.kind === 'dropDatabase' && this.database === stmt.name) this.database = null;
      return result;
    } catch (e) {
      if (!txn.finished) txn.rollback();
      throw e;
    }
  }

  /** What an online schema change job of this session needs (exec/online-ddl.ts). */
  private onlineDdlHost(): OnlineDdlHost {
    return {
      kv: this.deps.kv,
      sync: this.deps.schemaSync,
      invalidateSchema: (commitTs) => {
        this.deps.planCache.invalidateSchema(commitTs);
        if (commitTs === null) this.deps.stats.invalidate();
      },
    };
  }

  /**
   * Runs `body` in the session's transaction (through a statement overlay) or, with
   * autocommit and no open transaction, in a transaction of its own.
   */
  private async inTransaction<T>(writes: boolean, body: (txn: Txn) => Promise<T>): Promise<T> {
    if (this.txn === null && !this.autocommit) this.txn = this.deps.kv.begin();
    const open = this.openTxn();
    if (open !== null) {
      const overlay = new StatementTxn(open);
      const result = await body(overlay);
      overlay.flush();
      return result;
    }
    // The one place that retries: an autocommit statement that lost a write conflict runs
    // again in a fresh transaction (it has not been acknowledged, so nothing is repeated twice).
    for (let attempt = 0; ; attempt++) {
      const txn = this.deps.kv.begin({ readOnly: !writes });
      try {
        const result = await body(txn);
        if (writes) {
          const { commitTs } = await txn.commit();
          this.lastCommitTs = commitTs;
        } else txn.rollback();
        return result;
      } catch (e) {
        if (!txn.finished) txn.rollback();
        if (!(e instanceof RetryableTxnError) || attempt >= limits.autocommitConflictRetriesMax) throw e;
      }
    }
  }

  private async withReadTxn<T>(body: (txn: Txn) => Promise<T>): Promise<T> {
    const open = this.openTxn();
    if (open !== null) return body(open);
    const txn = this.deps.kv.begin({ readOnly: true });
    try {
      return await body(txn);
    } finally {
      if (!txn.finished) txn.rollback();
    }
  }

  private async commitOpen(): Promise<void> {
    this.releaseSavepointsFrom(0);
    const txn = this.txn;
    this.txn = null;
    if (txn === null || txn.finished) {
      this.pendingRows.discard();
      return;
    }
    try {
      const { commitTs } = await txn.commit();
      this.lastCommitTs = commitTs;
    } catch (e) {
      this.pendingRows.discard();
      throw e;
    }
    this.pendingRows.commitTo(this.deps.stats);
  }

  /**
   * Runs `body` with the tables it names loaded: a TableNotLoaded thrown while it compiles
   * (always before it fetches or writes anything) loads that definition and starts it again.
   */
  private async withTables<T>(txn: Txn, params: readonly Value[], body: (env: PlannerEnv) => Promise<T>): Promise<T> {
    const tables = new Map<string, TableDef>();
    const views = new Map<string, ViewDef>();
    const info: { snapshot: CatalogSnapshot | null } = { snapshot: null };
    const absent = new Set<string>();
    for (;;) {
      try {
        return await body(this.plannerEnv(tables, params, views, info, true, absent));
      } catch (e) {
        if (e instanceof StatsNotLoaded) {
          // Read committed state only: the cache is shared, and this transaction's own rows
          // reach it as a row-count delta when it commits.
          const snapshot = this.deps.kv.begin({ readOnly: true });
          try {
            await this.deps.stats.load(snapshot, e.def);
          } finally {
            snapshot.rollback();
          }
          continue;
        }
        if (!(e instanceof TableNotLoaded)) throw e;
        const cache = this.deps.planCache;
        const read = { version: cache.schemaVersion, startTs: txn.startTs };
        if (isInformationSchema(e.db)) {
          info.snapshot = await loadCatalogSnapshot(txn);
          continue;
        }
        const def = await getTable(txn, e.db, e.name);
        if (def === undefined && e.optional) {
          absent.add(`${e.db}.${e.name}`);
          continue;
        }
        if (def === undefined) {
          const view = await getView(txn, e.db, e.name);
          if (view !== undefined) {
            views.set(`${e.db}.${e.name}`, view);
            continue;
          }
          if ((await getDatabase(txn, e.db)) === undefined) throw new SqlError('BAD_DB', `Unknown database '${e.db}'`);
          throw new SqlError('NO_SUCH_TABLE', `Table '${e.db}.${e.name}' doesn't exist`);
        }
        tables.set(`${e.db}.${e.name}`, def);
        cache.rememberTable(e.db, e.name, def, read);
      }
    }
  }

  /** A planner environment; `loadStats` lets it throw StatsNotLoaded (only inside withTables). */
  private plannerEnv(tables: ReadonlyMap<string, TableDef>, params: readonly Value[], views: ReadonlyMap<string, ViewDef> = new Map(), info: { snapshot: CatalogSnapshot | null } = { snapshot: null }, loadStats = false, absent: ReadonlySet<string> = new Set()): PlannerEnv {
    const session = this.sessionView(params);
    const sources = new SourceRegistry();
    // The base tables the statement names, for LOCK TABLES: only while some session holds a
    // table lock (a lock granted after this compile does not hold the statement back, as a
    // statement already running is not: table-locks.ts).
    const tracking = this.lockedTables.size > 0 || this.deps.tableLocks.active;
    const touched = new Set<string>();
    const viaViews = new Set<string>();
    if (tracking) sources.beforeLoad = () => this.admitTables(touched, viaViews, this.writeTarget);
    const env: PlannerEnv = {
      session,
      sources,
      table: (name: TableName) => {
        const db = databaseOf(name, this.database);
        if (tracking) touched.add(tableLockKey(db, name.name));
        const def = tables.get(`${db}.${name.name}`) ?? this.deps.planCache.table(db, name.name);
        if (def === undefined) {
          if (views.has(`${db}.${name.name}`)) throw new SqlError('WRONG_OBJECT', `'${db}.${name.name}' is not BASE TABLE`);
          throw new TableNotLoaded(db, name.name);
        }
        return def;
      },
      relation: (name: TableName) => {
        const db = databaseOf(name, this.database);
        if (isInformationSchema(db)) {
          if (info.snapshot === null) throw new TableNotLoaded(db, name.name);
          return informationSchemaRelation(name, info.snapshot);
        }
        const view = views.get(`${db}.${name.name}`);
        if (view !== undefined) {
          if (!tracking) return viewRelation(view, env, compileQuery);
          touched.add(tableLockKey(db, name.name));
          // The view's own tables: a session that locked the view may read them through it.
          const viewEnv: PlannerEnv = { ...env, table: (t: TableName) => {
            const def = env.table(t);
            viaViews.add(tableLockKey(def.db, def.name));
            return def;
          } };
          return viewRelation(view, viewEnv, compileQuery);
        }
        if (tables.has(`${db}.${name.name}`) || this.deps.planCache.table(db, name.name) !== undefined) return undefined;
        throw new TableNotLoaded(db, name.name);
      },
      tableIfExists: (name: TableName) => {
        const db = databaseOf(name, this.database);
        const def = tables.get(`${db}.${name.name}`) ?? this.deps.planCache.table(db, name.name);
        if (def !== undefined || absent.has(`${db}.${name.name}`)) return def;
        throw new TableNotLoaded(db, name.name, true);
      },
      compileSubquery: (query, parent) => compileQuery(query, parent, env),
      stats: (def) => {
        const known = this.deps.stats.estimates(def);
        if (known === undefined && loadStats) throw new StatsNotLoaded(def);
        return known;
      },
      planner: this.deps.planner,
    };
    return env;
  }

  private sessionView(params: readonly Value[]): SessionView {
    return {
      database: this.database,
      user: `${this.user}@localhost`,
      connectionId: this.connectionId,
      lastInsertId: this.lastInsertId,
      nowMs: this.deps.clock.nowMs(),
      params,
      userVariable: (name) => this.userVars.get(name) ?? null,
      systemVariable: (name, scope) => this.systemVariable(name, scope),
      warn: (level, code, message) => this.warnings.add({ level, code, message }),
      strictWrite: this.statementWrites && /STRICT_(TRANS|ALL)_TABLES/i.test(String(this.vars.get('sql_mode'))),
      budget: this.budget,
    };
  }

  private systemVariable(name: string, scope: 'session' | 'global' | null): Value {
    switch (name) {
      case 'atoll_last_commit_ts':
        return this.lastCommitTs;
      case 'last_insert_id':
      case 'identity':
        return this.lastInsertId;
      case 'warning_count':
        return BigInt(this.warnings.count);
      case 'error_count':
        return BigInt(this.warnings.errorCount);
      case 'hostname':
        return 'localhost';
      default:
        return scope === 'global' ? this.deps.globals.get(name) : this.vars.get(name);
    }
  }

  private variableRows(global: boolean): [string, Value][] {
    return this.deps.globals.names().map((n) => [n, global ? this.deps.globals.get(n) : this.vars.get(n)]);
  }

  private async runSet(assignments: readonly SetAssignment[], params: readonly Value[]): Promise<StatementResult> {
    for (const a of assignments) {
      const t = a.target;
      if (t.kind === 'names') {
        for (const n of ['character_set_client', 'character_set_connection', 'character_set_results']) this.vars.set(n, t.charset);
        this.vars.set('collation_connection', t.collation ?? (t.charset.toLowerCase() === 'utf8mb4' ? 'utf8mb4_general_ci' : `${t.charset}_general_ci`));
        continue;
      }
      if (t.kind === 'sysVar' && !isSystemVariable(t.name)) throw new SqlError('UNKNOWN_SYSTEM_VARIABLE', `Unknown system variable '${t.name}'`);
      if (a.value?.kind === 'default' && t.kind === 'sysVar') {
        if (t.scope === 'session') this.vars.reset(t.name);
        continue;
      }
      const value = await this.evalSetValue(a, params);
      if (t.kind === 'userVar') this.userVars.set(t.name, value);
      else if (t.scope === 'global') this.deps.globals.set(t.name, value);
      else {
        const before = this.autocommit;
        this.vars.set(t.name, value);
        if (t.name === 'autocommit' && !before && this.autocommit) await this.commitOpen();
      }
    }
    return okResult();
  }

  private async evalSetValue(a: SetAssignment, params: readonly Value[]): Promise<Value> {
    const expr = a.value;
    if (expr === null) return null;
    return this.withReadTxn((txn) => this.withTables(txn, params, async (env) => {
      const compiled = compileExpr(expr, new Scope([], null), env, { clause: 'field list', aggregates: null });
      await env.sources.load(txn);
      const v = compiled.eval({ row: [], parent: null });
      // User variables keep exact values; booleans from comparisons stay integers.
      return v instanceof Decimal ? v.rescale(compiled.type.kind === 'decimal' ? compiled.type.scale : v.scale) : v;
    }));
  }
}

/**
 * Rows a successful INSERT or DELETE added to its table (for the statistics cache). REPLACE and
 * ON DUPLICATE KEY UPDATE count replaced rows in their affected rows, so they are not counted.
 */
function rowCountChange(stmt: Extract<Statement, { kind: 'insert' | 'update' | 'delete' }>, result: StatementResult): number {
  if (result.kind !== 'ok') return 0;
  if (stmt.kind === 'insert' && stmt.replace !== true && (stmt.onDuplicate?.length ?? 0) === 0) return Number(result.affectedRows);
  if (stmt.kind === 'delete') return -Number(result.affectedRows);
  return 0;
}

/** A SELECT that takes no locks: max_execution_time applies to it (as in MySQL). */
function isReadOnlyQuery(stmt: Statement): boolean {
  return stmt.kind === 'query' && !(stmt.query.kind === 'select' && stmt.query.forUpdate);
}

/** SELECT @@warning_count / @@error_count: reads the diagnostics area instead of clearing it. */
function readsDiagnostics(stmt: Statement): boolean {
  if (stmt.kind !== 'query' || stmt.query.kind !== 'select' || stmt.query.from !== null) return false;
  return stmt.query.items.every((i) => i.kind === 'expr' && i.expr.kind === 'sysVar' && (i.expr.name === 'warning_count' || i.expr.name === 'error_count'));
}

const explainable = new Set(['SELECT', 'INSERT', 'UPDATE', 'DELETE', 'REPLACE', 'WITH', '(']);

/**
 * `EXPLAIN [FORMAT=TRADITIONAL|TREE] stmt` or `EXPLAIN ANALYZE stmt` (also DESCRIBE/DESC before
 * a statement): what to explain, or null (EXPLAIN t / DESCRIBE t are a table's columns).
 */
function explainRequest(s: StatementText): { analyze: boolean; text: string } | null {
  const first = s.tokens[0];
  if (first === undefined || first.kind !== 'ident' || !/^(EXPLAIN|DESCRIBE|DESC)$/i.test(first.text)) return null;
  let i = 1;
  const analyze = s.tokens[i]?.kind === 'ident' && s.tokens[i]!.text.toUpperCase() === 'ANALYZE';
  if (analyze) i++;
  if (s.tokens[i]?.kind === 'ident' && s.tokens[i]!.text.toUpperCase() === 'FORMAT' && s.tokens[i + 1]?.text === '=') i += 3;
  const next = s.tokens[i];
  if (next === undefined || !explainable.has(next.text.toUpperCase())) return null;
  return { analyze, text: s.text.slice(next.start) };
}

function okResult(): StatementResult {
  return { kind: 'ok', affectedRows: 0n, lastInsertId: 0n, info: '', warningCount: 0 };
}

function errorResult(error: SqlError): StatementResult {
  return { kind: 'error', error };
}

/** A protocol parameter as a runtime value (strings stay strings: MySQL compares them by context). */
function fromSqlValue(v: SqlValue): Value {
  return v;
}

