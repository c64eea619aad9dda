/**
 * INSERT, UPDATE, DELETE and SELECT over one transaction. Each compiles synchronously against
 * the statement's PlannerEnv, fetches the registered table sources, then runs.
 */
import { SqlError } from '../../src/base/errors.js';
import type { Txn } from '../../src/txn/txn-kv.js';
import type { Expr } from '../ast/expr.js';
import type { Query } from '../ast/query.js';
import type { Statement } from '../ast/statement.js';
import { autoIncrementKey, peekAutoIncrement, setAutoIncrement, type TableDef } from '../catalog.js';
import type { StatementResult } from '../session-api.js';
import type { Value } from '../values.js';
import { toSqlValue } from './coerce.js';
import { compileExpr } from './compile-expr.js';
import type { Compiled } from './plan-types.js';
import { compileQuery, compileTableFilter, limitCount, sortRows, type PlannerEnv } from './query-planner.js';
import { Scope } from './scope.js';
import { implicitValue, storeValue } from './store-value.js';
import { deleteRow, lockAndReadCurrent, updateRow } from './table-access.js';
import { compileConflictPolicy, writeRow } from './upsert.js';
import { enforceChecks } from './check-constraints.js';
import { ForeignKeyEnforcer } from './foreign-keys.js';
import { truth } from '../values.js';

/** What a DML statement reports besides rows. */
export interface DmlOutcome {
  readonly result: StatementResult;
  /** LAST_INSERT_ID() after the statement, when it generated one. */
  readonly lastInsertId: bigint | null;
}

/** Runs a SELECT. */
export async function runQuery(query: Query, env: PlannerEnv, txn: Txn): Promise<StatementResult> {
  const plan = compileQuery(query, null, env);
  await env.sources.load(txn);
  const rows = plan.run(null);
  const types = plan.columns.map((c) => c.type);
  return {
    kind: 'rows',
    columns: plan.columns.map((c) => c.info),
    rows: rows.map((r) => r.map((v, i) => toSqlValue(v, types[i]!))),
    warningCount: 0,
  };
}

function columnIndex(def: TableDef, name: string): number {
  const i = def.columns.findIndex((c) => c.name.toLowerCase() === name.toLowerCase());
  if (i < 0) throw new SqlError('BAD_FIELD', `Unknown column '${name}' in 'field list'`);
  return i;
}

/** Runs an INSERT. */
export async function runInsert(stmt: Extract<Statement, { kind: 'insert' }>, env: PlannerEnv, txn: Txn): Promise<DmlOutcome> {
  const def = env.table(stmt.table);
  const targets = stmt.columns === null ? def.columns.map((_, i) => i) : stmt.columns.map((c) => columnIndex(def, c));
  if (new Set(targets).size !== targets.length) throw new SqlError('UNKNOWN_ERROR', 'Column specified twice');
  const empty = new Scope([], null);
  let rowSource: () => (Value | 'default')[][];
  if (stmt.rows !== null) {
    const compiled: (Compiled | 'default')[][] = stmt.rows.map((row, r) => {
      if (row.length !== targets.length && !(row.length === 0 && stmt.columns === null)) {
        throw new SqlError('WRONG_VALUE_COUNT_ON_ROW', `Column count doesn't match value count at row ${r + 1}`);
      }
      return row.map((e: Expr) => (e.kind === 'default' ? 'default' : compileExpr(e, empty, env, { clause: 'field list', aggregates: null })));
    });
    rowSource = () => compiled.map((row) => row.map((c) => (c === 'default' ? 'default' : c.eval({ row: [], parent: null }))));
  } else {
    const plan = compileQuery(stmt.source!, null, env);
    if (plan.columns.length !== targets.length) throw new SqlError('WRONG_VALUE_COUNT_ON_ROW', "Column count doesn't match value count at row 1");
    rowSource = () => plan.run(null);
  }
  const policy = compileConflictPolicy(stmt, def, env);
  const foreignKeys = ForeignKeyEnforcer.forStatement(def, { inserts: true, updates: policy.kind === 'update', deletes: policy.kind === 'replace' }, env);
  await env.sources.load(txn);
  const valueRows = rowSource();
  const autoCol = def.columns.findIndex((c) => c.autoIncrement);
  let nextAuto = autoCol >= 0 ? await peekAutoIncrement(txn, def.id) : 0n;
  const snapshotAuto = nextAuto;
  // The counter is locked (and re-read current) only when this statement generates or bumps
  // a value, so inserts with explicit ids below it neither wait nor conflict.
  let autoLocked = false;
  const lockAutoIncrement = async (): Promise<void> => {
    if (autoLocked) return;
    autoLocked = true;
    await txn.lock(autoIncrementKey(def.id));
    const current = await peekAutoIncrement(txn, def.id);
    if (current > nextAuto) nextAuto = current;
  };
  let firstGenerated: bigint | null = null;
  let inserted = 0n;
  let duplicates = 0;
  for (let r = 0; r < valueRows.length; r++) {
    const given = new Map<number, Value | 'default'>();
    // VALUES (): every column takes its default.
    if (valueRows[r]!.length > 0) targets.forEach((col, i) => given.set(col, valueRows[r]![i] ?? null));
    const row: Value[] = [];
    for (let c = 0; c < def.columns.length; c++) {
      const col = def.columns[c]!;
      const g = given.get(c);
      let v: Value = g === undefined || g === 'default' ? implicitValue(col, env.session.nowMs) : g;
      if (c === autoCol && (v === null || v === 0n)) {
        await lockAutoIncrement();
        v = nextAuto;
        firstGenerated ??= nextAuto;
        nextAuto++;
      }
      row.push(storeValue(v, col, r + 1));
      if (c === autoCol && typeof row[c] === 'bigint' && (row[c] as bigint) >= nextAuto) nextAuto = (row[c] as bigint) + 1n;
    }
    const affected = await writeRow(txn, def, row, policy, r + 1, env.session, foreignKeys);
    inserted += affected;
    if (affected !== 1n) duplicates++;
  }
  if (autoCol >= 0 && nextAuto > snapshotAuto) {
    const wanted = nextAuto;
    await lockAutoIncrement();
    if (wanted > nextAuto) nextAuto = wanted;
    setAutoIncrement(txn, def.id, nextAuto);
  }
  const info = valueRows.length > 1 || stmt.source !== null ? `Records: ${valueRows.length}  Duplicates: ${duplicates}  Warnings: 0` : '';
  return {
    result: { kind: 'ok', affectedRows: inserted, lastInsertId: firstGenerated ?? 0n, info, warningCount: 0 },
    lastInsertId: firstGenerated,
  };
}

/** Runs an UPDATE. */
export async function runUpdate(stmt: Extract<Statement, { kind: 'update' }>, env: PlannerEnv, txn: Txn): Promise<DmlOutcome> {
  const def = env.table(stmt.table);
  const target = compileTableFilter(stmt.table, stmt.alias, stmt.where, env);
  const sets = stmt.assignments.map((a) => ({ index: columnIndex(def, a.column), value: compileExpr(a.value, target.scope, env, { clause: 'field list', aggregates: null }) }));
  const limit = limitCount(stmt.limit?.count ?? null, env);
  const foreignKeys = ForeignKeyEnforcer.forStatement(def, { inserts: false, updates: true, deletes: false }, env);
  await env.sources.load(txn);
  let rows = target.source().filter((row) => target.filter === null || truth(target.filter.eval({ row, parent: null })) === true);
  rows = sortRows(rows, stmt.orderBy, target.scope, env);
  if (limit !== null) rows = rows.slice(0, limit);
  let changed = 0n;
  let matched = 0;
  for (let r = 0; r < rows.length; r++) {
    const before = await currentVersion(txn, def, rows[r]!, target.filter);
    if (before === null) continue;
    matched++;
    const after = before.slice();
    for (const s of sets) after[s.index] = storeValue(s.value.eval({ row: after, parent: null }), def.columns[s.index]!, r + 1);
    if (sameRow(before, after, def.columns.length)) continue;
    enforceChecks(def, after, env.session);
    await updateRow(txn, def, before, after);
    await foreignKeys?.afterUpdate(txn, def, before, after);
    changed++;
  }
  return { result: { kind: 'ok', affectedRows: changed, lastInsertId: 0n, info: `Rows matched: ${matched}  Changed: ${changed}  Warnings: 0`, warningCount: 0 }, lastInsertId: null };
}

function sameRow(a: readonly Value[], b: readonly Value[], n: number): boolean {
  for (let i = 0; i < n; i++) {
    const x = a[i] ?? null;
    const y = b[i] ?? null;
    if (x === y) continue;
    if (x === null || y === null) return false;
    if (typeof x === 'object' && typeof y === 'object' && !(x instanceof Uint8Array) && !(y instanceof Uint8Array)) {
      if (x.compare(y) !== 0 || x.scale !== y.scale) return false;
      continue;
    }
    if (x instanceof Uint8Array && y instanceof Uint8Array) {
      if (Buffer.compare(x, y) !== 0) return false;
      continue;
    }
    return false;
  }
  return true;
}

/** Runs a DELETE. */
export async function runDelete(stmt: Extract<Statement, { kind: 'delete' }>, env: PlannerEnv, txn: Txn): Promise<DmlOutcome> {
  const def = env.table(stmt.table);
  const target = compileTableFilter(stmt.table, null, stmt.where, env);
  const limit = limitCount(stmt.limit?.count ?? null, env);
  const foreignKeys = ForeignKeyEnforcer.forStatement(def, { inserts: false, updates: false, deletes: true }, env);
  await env.sources.load(txn);
  let rows = target.source().filter((row) => target.filter === null || truth(target.filter.eval({ row, parent: null })) === true);
  rows = sortRows(rows, stmt.orderBy, target.scope, env);
  if (limit !== null) rows = rows.slice(0, limit);
  let deleted = 0n;
  for (const row of rows) {
    const current = await currentVersion(txn, def, row, target.filter);
    if (current === null) continue;
    deleteRow(txn, def, current);
    await foreignKeys?.afterDelete(txn, def, current);
    deleted++;
  }
  return { result: { kind: 'ok', affectedRows: deleted, lastInsertId: 0n, info: '', warningCount: 0 }, lastInsertId: null };
}

/**
 * Locks a row chosen from the snapshot and returns its newest committed version, or null when
 * that version is gone or no longer matches the WHERE clause (InnoDB's semi-consistent update:
 * a concurrent UPDATE waits for the first one and applies on top of it — no lost update).
 */
async function currentVersion(txn: Txn, def: TableDef, row: readonly Value[], filter: Compiled | null): Promise<Value[] | null> {
  const current = await lockAndReadCurrent(txn, def, row);
  if (current === null) return null;
  if (sameRow(current, row, current.length)) return current;
  return filter === null || truth(filter.eval({ row: current, parent: null })) === true ? current : null;
}
