/**
 * CREATE/DROP DATABASE, TABLE and INDEX. DDL runs in its own transaction (MySQL commits
 * implicitly around DDL); the session arranges that.
 */
import { SqlError } from '../../src/base/errors.js';
import { limits } from '../../src/base/limits.js';
import type { Txn } from '../../src/txn/txn-kv.js';
import type { TableName } from '../ast/query.js';
import type { ColumnSpec, IndexSpec, Statement } from '../ast/statement.js';
import {
  firstTableId, getDatabase, getView, listTriggers, listViews, triggerKey, viewKey, indexRange, getTable, listTables, nextCounter, putDatabase, putTable, tableKey, tableRange, databaseKey, tableStatsKey,
  type ColumnDef, type IndexDef, type StoredDefault, type TableDef,
} from '../catalog.js';
import { keyColumnMissingError, tableMustHaveColumnsError, unknownKeyError } from '../errors.js';
import { typeFromSpec } from '../types.js';
import { compileExpr } from './compile-expr.js';
import type { CompileEnv } from './plan-types.js';
import { Scope } from './scope.js';
import { storeValue, toStoredDefault } from './store-value.js';
import { buildIndex, deleteTableData } from './table-access.js';
import { storedChecks } from './check-constraints.js';
import { addForeignKeys, adoptChildren, foreignKeyDdl } from './foreign-key-ddl.js';
import { beforeDropTables, checkIndexDrop } from './foreign-key-guards.js';
import type { StatementResult } from '../session-api.js';

const ok = (affectedRows = 0n): StatementResult => ({ kind: 'ok', affectedRows, lastInsertId: 0n, info: '', warningCount: 0 });

function checkIdentifier(name: string, what: string): void {
  if (name.length === 0 || [...name].length > limits.identifierCharsMax || name.endsWith(' ')) {
    throw new SqlError('UNKNOWN_ERROR', `Incorrect ${what} name '${name}'`);
  }
}

/** The database a table name refers to: its own, or the session's (1046 when none). */
export function databaseOf(name: TableName, current: string | null): string {
  const db = name.db ?? current;
  if (db === null) throw new SqlError('NO_DB', 'No database selected');
  return db;
}

async function requireDatabase(txn: Txn, db: string): Promise<void> {
  if ((await getDatabase(txn, db)) === undefined) throw new SqlError('BAD_DB', `Unknown database '${db}'`);
}

/** CREATE DATABASE. */
export async function createDatabase(txn: Txn, stmt: Extract<Statement, { kind: 'createDatabase' }>): Promise<StatementResult> {
  checkIdentifier(stmt.name, 'database');
  if ((await getDatabase(txn, stmt.name)) !== undefined) {
    if (stmt.ifNotExists) return ok();
    throw new SqlError('DB_CREATE_EXISTS', `Can't create database '${stmt.name}'; database exists`);
  }
  if (stmt.name.toLowerCase() === 'information_schema') throw new SqlError('DB_CREATE_EXISTS', `Can't create database '${stmt.name}'; database exists`);
  putDatabase(txn, { name: stmt.name });
  return ok(1n);
}

/** DROP DATABASE: the database and every table in it. */
export async function dropDatabase(txn: Txn, stmt: Extract<Statement, { kind: 'dropDatabase' }>, env: CompileEnv): Promise<StatementResult> {
  if ((await getDatabase(txn, stmt.name)) === undefined) {
    if (stmt.ifExists) return ok();
    throw new SqlError('DB_DROP_EXISTS', `Can't drop database '${stmt.name}'; database doesn't exist`);
  }
  const tables = await listTables(txn, stmt.name);
  await beforeDropTables(foreignKeyDdl(txn, env), tables);
  for (const t of tables) await dropTableData(txn, t);
  for (const v of await listViews(txn, stmt.name)) txn.delete(viewKey(v.db, v.name));
  txn.delete(databaseKey(stmt.name));
  return ok(BigInt(tables.length));
}

async function dropTableData(txn: Txn, def: TableDef): Promise<void> {
  await deleteTableData(txn, tableRange(def.id));
  txn.delete(tableKey(def.db, def.name));
  txn.delete(tableStatsKey(def.id));
  // A table's triggers go with it.
  for (const t of await listTriggers(txn, def.db)) if (t.table === def.name) txn.delete(triggerKey(t.db, t.name));
}

/** CREATE TABLE. */
export async function createTable(txn: Txn, stmt: Extract<Statement, { kind: 'createTable' }>, current: string | null, env: CompileEnv): Promise<StatementResult> {
  const db = databaseOf(stmt.table, current);
  await requireDatabase(txn, db);
  checkIdentifier(stmt.table.name, 'table');
  if ((await getTable(txn, db, stmt.table.name)) !== undefined || (await getView(txn, db, stmt.table.name)) !== undefined) {
    if (stmt.ifNotExists) return ok();
    throw new SqlError('TABLE_EXISTS', `Table '${stmt.table.name}' already exists`);
  }
  const def = buildTableDef(stmt.columns, stmt.indexes, { db, name: stmt.table.name, id: 0 }, env);
  const id = await nextCounter(txn, 'table_id', firstTableId);
  const fk = foreignKeyDdl(txn, env);
  const withKeys = await addForeignKeys(fk, { ...def, id, ...storedChecks(stmt, def, env) }, stmt.foreignKeys ?? [], false);
  putTable(txn, await adoptChildren(fk, withKeys));
  return ok();
}

function buildTableDef(specs: readonly ColumnSpec[], indexSpecs: readonly IndexSpec[], base: { db: string; name: string; id: number }, env: CompileEnv): TableDef {
  if (specs.length === 0) throw tableMustHaveColumnsError();
  const seen = new Set<string>();
  for (const c of specs) {
    checkIdentifier(c.name, 'column');
    if (seen.has(c.name.toLowerCase())) throw new SqlError('DUP_FIELDNAME', `Duplicate column name '${c.name}'`);
    seen.add(c.name.toLowerCase());
  }
  const position = (name: string): number => {
    const i = specs.findIndex((c) => c.name.toLowerCase() === name.toLowerCase());
    if (i < 0) throw keyColumnMissingError(name);
    return i;
  };
  const all: IndexSpec[] = [
    ...specs.filter((c) => c.primaryKey).map((c) => ({ name: 'PRIMARY', columns: [c.name], unique: true, primary: true })),
    ...indexSpecs,
    ...specs.filter((c) => c.unique && !c.primaryKey).map((c) => ({ name: c.name, columns: [c.name], unique: true, primary: false })),
  ];
  const primaries = all.filter((i) => i.primary);
  if (primaries.length > 1) throw new SqlError('MULTIPLE_PRI_KEY', 'Multiple primary key defined');
  const primaryKey = primaries.length === 0 ? [] : primaries[0]!.columns.map(position);
  const pkSet = new Set(primaryKey);
  const columns: ColumnDef[] = specs.map((c, i) => columnDef(c, pkSet.has(i), env));
  const indexes: IndexDef[] = [];
  let nextIndexId = 2;
  for (const spec of all.filter((i) => !i.primary)) {
    const cols = spec.columns.map(position);
    const name = spec.name ?? uniqueIndexName(specs[cols[0]!]!.name, indexes);
    if (indexes.some((i) => i.name.toLowerCase() === name.toLowerCase())) throw new SqlError('DUP_KEYNAME', `Duplicate key name '${name}'`);
    indexes.push({ id: nextIndexId++, name, columns: cols, unique: spec.unique });
  }
  const autos = columns.map((c, i) => (c.autoIncrement ? i : -1)).filter((i) => i >= 0);
  if (autos.length > 1 || (autos.length === 1 && primaryKey[0] !== autos[0] && !indexes.some((ix) => ix.columns[0] === autos[0]))) {
    throw new SqlError('WRONG_AUTO_KEY', 'Incorrect table definition; there can be only one auto column and it must be defined as a key');
  }
  return { ...base, columns, primaryKey, indexes, nextIndexId };
}

function uniqueIndexName(base: string, existing: readonly IndexDef[]): string {
  let name = base;
  for (let n = 2; existing.some((i) => i.name.toLowerCase() === name.toLowerCase()); n++) name = `${base}_${n}`;
  return name;
}

/** The stored definition of a column spec (type, NOT NULL, default checked against the type). */
export function columnDef(spec: ColumnSpec, inPrimaryKey: boolean, env: CompileEnv): ColumnDef {
  const type = typeFromSpec(spec.type);
  const notNull = spec.notNull || inPrimaryKey;
  if (spec.autoIncrement && type.kind !== 'int' && type.kind !== 'float' && type.kind !== 'double') {
    throw new SqlError('UNKNOWN_ERROR', `Incorrect column specifier for column '${spec.name}'`);
  }
  let defaultValue: StoredDefault | null = null;
  if (spec.defaultValue !== null) {
    const d = spec.defaultValue;
    const invalid = new SqlError('INVALID_DEFAULT', `Invalid default value for '${spec.name}'`);
    if (d.kind === 'call' && ['NOW', 'CURRENT_TIMESTAMP', 'LOCALTIMESTAMP', 'LOCALTIME'].includes(d.name)) {
      if (type.kind !== 'datetime' && type.kind !== 'timestamp') throw invalid;
      defaultValue = { kind: 'now' };
    } else {
      const compiled = compileExpr(d, new Scope([], null), env, { clause: 'field list', aggregates: null });
      if (!compiled.constant) throw invalid;
      const raw = compiled.eval({ row: [], parent: null });
      if (raw === null && notNull) throw invalid;
      try {
        defaultValue = toStoredDefault(storeValue(raw, { name: spec.name, type, notNull: false, defaultValue: null, autoIncrement: false }, 1));
      } catch {
        throw invalid;
      }
    }
  }
  return { name: spec.name, type, notNull, defaultValue, autoIncrement: spec.autoIncrement };
}

/** DROP TABLE. */
export async function dropTable(txn: Txn, stmt: Extract<Statement, { kind: 'dropTable' }>, current: string | null, env: CompileEnv): Promise<StatementResult> {
  const defs: TableDef[] = [];
  const missing: string[] = [];
  for (const t of stmt.tables) {
    const db = databaseOf(t, current);
    const def = await getTable(txn, db, t.name);
    if (def === undefined) missing.push(`${db}.${t.name}`);
    else defs.push(def);
  }
  if (missing.length > 0 && !stmt.ifExists) throw new SqlError('BAD_TABLE', `Unknown table '${missing.join(',')}'`);
  await beforeDropTables(foreignKeyDdl(txn, env), defs);
  for (const def of defs) await dropTableData(txn, def);
  return ok();
}

/** CREATE [UNIQUE] INDEX. */
export async function createIndex(txn: Txn, stmt: Extract<Statement, { kind: 'createIndex' }>, current: string | null): Promise<StatementResult> {
  const db = databaseOf(stmt.table, current);
  const def = await getTable(txn, db, stmt.table.name);
  if (def === undefined) throw new SqlError('NO_SUCH_TABLE', `Table '${db}.${stmt.table.name}' doesn't exist`);
  const name = stmt.index.name ?? uniqueIndexName(stmt.index.columns[0]!, def.indexes);
  if (name.toUpperCase() === 'PRIMARY' || def.indexes.some((i) => i.name.toLowerCase() === name.toLowerCase())) {
    throw new SqlError('DUP_KEYNAME', `Duplicate key name '${name}'`);
  }
  const columns = stmt.index.columns.map((c) => {
    const i = def.columns.findIndex((col) => col.name.toLowerCase() === c.toLowerCase());
    if (i < 0) throw keyColumnMissingError(c);
    return i;
  });
  const index: IndexDef = { id: def.nextIndexId, name, columns, unique: stmt.index.unique };
  await buildIndex(txn, def, index);
  putTable(txn, { ...def, indexes: [...def.indexes, index], nextIndexId: def.nextIndexId + 1 });
  return ok();
}

/** DROP INDEX. */
export async function dropIndex(txn: Txn, stmt: Extract<Statement, { kind: 'dropIndex' }>, current: string | null): Promise<StatementResult> {
  const db = databaseOf(stmt.table, current);
  const def = await getTable(txn, db, stmt.table.name);
  if (def === undefined) throw new SqlError('NO_SUCH_TABLE', `Table '${db}.${stmt.table.name}' doesn't exist`);
  const index = def.indexes.find((i) => i.name.toLowerCase() === stmt.name.toLowerCase());
  if (index === undefined) throw unknownKeyError(stmt.name, def.name);
  await checkIndexDrop(txn, def, { indexId: index.id, name: index.name, columns: index.columns, unique: index.unique });
  await deleteTableData(txn, indexRange(def.id, index.id));
  putTable(txn, { ...def, indexes: def.indexes.filter((i) => i !== index) });
  return ok();
}
