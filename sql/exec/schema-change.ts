/**
 * Views, triggers and TRUNCATE. They run as DDL (in a transaction of their own, after the
 * session's open one commits). A view is stored as its query text; creating one compiles it
 * first, so a view over a missing table or column fails as in MySQL (1146, 1054).
 */
import { SqlError } from '../../src/base/errors.js';
import type { Txn } from '../../src/txn/txn-kv.js';
import type { Query, TableName } from '../ast/query.js';
import type { SchemaStatement } from '../ast/statement.js';
import {
  autoIncrementKey, firstTableId, getDatabase, getTable, getTrigger, getView, nextCounter, putTable, putTrigger, putView, tableRange, tableStatsKey, triggerKey, viewKey,
  type ColumnDef, type TableDef,
} from '../catalog.js';
import type { SqlType } from '../types.js';
import type { Value } from '../values.js';
import { storeValue } from './store-value.js';
import type { StatementResult } from '../session-api.js';
import { databaseOf } from './ddl.js';
import { alterTable } from './alter-table.js';
import type { CompileEnv, OutputColumn, QueryPlan } from './plan-types.js';
import { deleteTableData, insertRow } from './table-access.js';
import { adoptChildren, foreignKeyDdl } from './foreign-key-ddl.js';
import { checkTruncate } from './foreign-key-guards.js';

const ok = (): StatementResult => ({ kind: 'ok', affectedRows: 0n, lastInsertId: 0n, info: '', warningCount: 0 });

/** What running a schema statement needs from the session. */
export interface SchemaContext {
  readonly txn: Txn;
  readonly database: string | null;
  /** Compiles `query` with its tables loaded (a view's query is checked when it is created). */
  compile(query: Query): Promise<QueryPlan>;
  /** Compiles column defaults (ALTER TABLE … ADD COLUMN). */
  readonly env: CompileEnv;
  /** Compiles and runs `query` (CREATE TABLE … AS SELECT). */
  run(query: Query): Promise<{ readonly columns: readonly OutputColumn[]; readonly rows: readonly Value[][] }>;
}

/** Runs one view, trigger or TRUNCATE statement. */
export async function runSchemaStatement(stmt: SchemaStatement, ctx: SchemaContext): Promise<StatementResult> {
  switch (stmt.kind) {
    case 'createView':
      return createView(stmt, ctx);
    case 'dropView':
      return dropView(stmt, ctx);
    case 'createTrigger':
      return createTrigger(stmt, ctx);
    case 'dropTrigger':
      return dropTrigger(stmt, ctx);
    case 'truncate':
      return truncate(stmt.table, ctx);
    case 'createTableLike':
      return createTableLike(stmt, ctx);
    case 'createTableAs':
      return createTableAs(stmt, ctx);
    case 'alterTable':
      return alterTable(stmt, ctx.txn, ctx.database, ctx.env);
  }
}

async function createView(stmt: Extract<SchemaStatement, { kind: 'createView' }>, ctx: SchemaContext): Promise<StatementResult> {
  const db = databaseOf(stmt.view, ctx.database);
  const name = stmt.view.name;
  if ((await getTable(ctx.txn, db, name)) !== undefined) throw new SqlError('TABLE_EXISTS', `Table '${name}' already exists`);
  if ((await getView(ctx.txn, db, name)) !== undefined && !stmt.orReplace) throw new SqlError('TABLE_EXISTS', `Table '${name}' already exists`);
  const plan = await ctx.compile(stmt.query);
  const names = stmt.columns ?? plan.columns.map((c) => c.info.name);
  if (names.length !== plan.columns.length) throw new SqlError('VIEW_WRONG_LIST', "In definition of view, derived table or common table expression, SELECT list and column list have different column counts");
  const seen = new Set<string>();
  for (const n of names) {
    if (seen.has(n.toLowerCase())) throw new SqlError('DUP_FIELDNAME', `Duplicate column name '${n}'`);
    seen.add(n.toLowerCase());
  }
  putView(ctx.txn, { db, name, columns: stmt.columns, selectText: stmt.selectText });
  return ok();
}

async function dropView(stmt: Extract<SchemaStatement, { kind: 'dropView' }>, ctx: SchemaContext): Promise<StatementResult> {
  const found: TableName[] = [];
  const missing: string[] = [];
  for (const v of stmt.views) {
    const db = databaseOf(v, ctx.database);
    if ((await getView(ctx.txn, db, v.name)) === undefined) missing.push(`${db}.${v.name}`);
    else found.push({ db, name: v.name });
  }
  if (missing.length > 0 && !stmt.ifExists) throw new SqlError('BAD_TABLE', `Unknown table '${missing.join(',')}'`);
  for (const v of found) ctx.txn.delete(viewKey(v.db!, v.name));
  return ok();
}

async function createTrigger(stmt: Extract<SchemaStatement, { kind: 'createTrigger' }>, ctx: SchemaContext): Promise<StatementResult> {
  const db = databaseOf(stmt.table, ctx.database);
  const triggerDb = stmt.name.db ?? db;
  if ((await getTable(ctx.txn, db, stmt.table.name)) === undefined) throw new SqlError('NO_SUCH_TABLE', `Table '${db}.${stmt.table.name}' doesn't exist`);
  if ((await getTrigger(ctx.txn, triggerDb, stmt.name.name)) !== undefined) throw new SqlError('TRG_ALREADY_EXISTS', 'Trigger already exists');
  putTrigger(ctx.txn, { db: triggerDb, name: stmt.name.name, table: stmt.table.name, timing: stmt.timing, event: stmt.event });
  return ok();
}

async function dropTrigger(stmt: Extract<SchemaStatement, { kind: 'dropTrigger' }>, ctx: SchemaContext): Promise<StatementResult> {
  const db = databaseOf(stmt.name, ctx.database);
  if ((await getTrigger(ctx.txn, db, stmt.name.name)) === undefined) {
    if (stmt.ifExists) return ok();
    throw new SqlError('TRG_DOES_NOT_EXIST', 'Trigger does not exist');
  }
  ctx.txn.delete(triggerKey(db, stmt.name.name));
  return ok();
}

/** The database of a new table, or null when IF NOT EXISTS finds it there; 1050 when it exists. */
async function newTableName(table: TableName, ifNotExists: boolean, ctx: SchemaContext): Promise<string | null> {
  const db = databaseOf(table, ctx.database);
  if ((await getDatabase(ctx.txn, db)) === undefined) throw new SqlError('BAD_DB', `Unknown database '${db}'`);
  if ((await getTable(ctx.txn, db, table.name)) !== undefined || (await getView(ctx.txn, db, table.name)) !== undefined) {
    if (ifNotExists) return null;
    throw new SqlError('TABLE_EXISTS', `Table '${table.name}' already exists`);
  }
  return db;
}

/** CREATE TABLE t LIKE s: the same columns, keys and indexes, no rows. */
async function createTableLike(stmt: Extract<SchemaStatement, { kind: 'createTableLike' }>, ctx: SchemaContext): Promise<StatementResult> {
  const sourceDb = databaseOf(stmt.source, ctx.database);
  const source = await getTable(ctx.txn, sourceDb, stmt.source.name);
  if (source === undefined) throw new SqlError('NO_SUCH_TABLE', `Table '${sourceDb}.${stmt.source.name}' doesn't exist`);
  const db = await newTableName(stmt.table, stmt.ifNotExists, ctx);
  if (db === null) return ok();
  const id = await nextCounter(ctx.txn, 'table_id', firstTableId);
  // LIKE copies columns and indexes, not foreign keys (MySQL); children waiting for the name adopt it.
  // Nor the part of an online ALTER still pending on the source (exec/online-ddl.ts).
  const { foreignKeys: _keys, referencedBy: _refs, pending: _pending, ...copy } = source;
  putTable(ctx.txn, await adoptChildren(foreignKeyDdl(ctx.txn, ctx.env), { ...copy, id, db, name: stmt.table.name }));
  return ok();
}

/** CREATE TABLE t AS SELECT …: columns typed after the query's result, then its rows. */
async function createTableAs(stmt: Extract<SchemaStatement, { kind: 'createTableAs' }>, ctx: SchemaContext): Promise<StatementResult> {
  const db = await newTableName(stmt.table, stmt.ifNotExists, ctx);
  if (db === null) return ok();
  const { columns, rows } = await ctx.run(stmt.query);
  const seen = new Set<string>();
  const defs: ColumnDef[] = columns.map((c) => {
    const name = c.info.name;
    if (seen.has(name.toLowerCase())) throw new SqlError('DUP_FIELDNAME', `Duplicate column name '${name}'`);
    seen.add(name.toLowerCase());
    const type: SqlType = c.type.kind === 'null' ? { kind: 'binary', maxBytes: 0, variant: 'binary' } : c.type;
    return { name, type, notNull: !c.nullable, defaultValue: null, autoIncrement: false };
  });
  const id = await nextCounter(ctx.txn, 'table_id', firstTableId);
  const def: TableDef = { id, db, name: stmt.table.name, columns: defs, primaryKey: [], indexes: [], nextIndexId: 2 };
  putTable(ctx.txn, await adoptChildren(foreignKeyDdl(ctx.txn, ctx.env), def));
  let n = 0;
  for (const row of rows) {
    n++;
    await insertRow(ctx.txn, def, defs.map((col, i) => storeValue(row[i] ?? null, col, n)));
  }
  return { kind: 'ok', affectedRows: BigInt(n), lastInsertId: 0n, info: `Records: ${n}  Duplicates: 0  Warnings: 0`, warningCount: 0 };
}

/** TRUNCATE TABLE: every row and index entry goes, and AUTO_INCREMENT starts again at 1. */
async function truncate(table: TableName, ctx: SchemaContext): Promise<StatementResult> {
  const db = databaseOf(table, ctx.database);
  const def = await getTable(ctx.txn, db, table.name);
  if (def === undefined) throw new SqlError('NO_SUCH_TABLE', `Table '${db}.${table.name}' doesn't exist`);
  checkTruncate(foreignKeyDdl(ctx.txn, ctx.env), def);
  await deleteTableData(ctx.txn, tableRange(def.id));
  ctx.txn.delete(autoIncrementKey(def.id));
  ctx.txn.delete(tableStatsKey(def.id)); // its statistics describe rows that are gone
  return ok();
}
