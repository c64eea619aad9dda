/**
 * Writing one row of an INSERT when it may collide with existing rows on the primary key or a
 * unique index: plain INSERT (1062), INSERT IGNORE (a 1062 warning, row skipped), REPLACE
 * (conflicting rows deleted first) and INSERT … ON DUPLICATE KEY UPDATE (the first
 * conflicting row updated; VALUES(col) names the row that was to be inserted).
 *
 * Conflicts are found before anything is written, with every key locked first, so a skipped
 * or replaced row leaves no stray index entries behind.
 */
import { SqlError } from '../../src/base/errors.js';
import type { Txn } from '../../src/txn/txn-kv.js';
import type { Expr } from '../ast/expr.js';
import type { Statement } from '../ast/statement.js';
import type { TableDef } from '../catalog.js';
import { decodeRow, encodeRow } from '../row-codec.js';
import type { Value } from '../values.js';
import { compileExpr } from './compile-expr.js';
import type { Compiled, SessionView } from './plan-types.js';
import type { PlannerEnv } from './query-planner.js';
import { enforceChecks } from './check-constraints.js';
import type { ForeignKeyEnforcer } from './foreign-keys.js';
import { Scope, type ScopeColumn } from './scope.js';
import { storeValue } from './store-value.js';
import { deleteRow, duplicateText, hasHiddenRowId, indexEntryKey, insertRow, lockAndReadCurrent, padRow, updateRow } from './table-access.js';

/** The table alias under which ON DUPLICATE KEY UPDATE sees the row that was to be inserted. */
const insertedAlias = '\u0000inserted';

/** How an INSERT treats a row that collides with an existing one. */
export type ConflictPolicy =
  | { readonly kind: 'error' }
  | { readonly kind: 'ignore' }
  | { readonly kind: 'replace' }
  | { readonly kind: 'update'; readonly assignments: readonly { readonly column: number; readonly value: Compiled }[] };

/** Compiles the conflict policy of an INSERT/REPLACE statement. */
export function compileConflictPolicy(stmt: Extract<Statement, { kind: 'insert' }>, def: TableDef, env: PlannerEnv): ConflictPolicy {
  if (stmt.replace === true) return { kind: 'replace' };
  if (stmt.onDuplicate !== undefined && stmt.onDuplicate.length > 0) {
    const cols = (table: string): ScopeColumn[] => def.columns.map((c) => ({
      table, name: c.name, type: c.type, nullable: !c.notNull, db: def.db, orgTable: def.name, orgName: c.name, flags: 0, leaf: 0,
    }));
    // The existing row is the scope; the row that was to be inserted sits one level up, so a
    // bare column name means the existing row and VALUES(col) reaches the new one.
    const scope = new Scope(cols(def.name), new Scope(cols(insertedAlias), null));
    const assignments = stmt.onDuplicate.map((a) => {
      const column = def.columns.findIndex((c) => c.name.toLowerCase() === a.column.toLowerCase());
      if (column < 0) throw new SqlError('BAD_FIELD', `Unknown column '${a.column}' in 'field list'`);
      return { column, value: compileExpr(valuesToColumns(a.value), scope, env, { clause: 'field list', aggregates: null }) };
    });
    return { kind: 'update', assignments };
  }
  return stmt.ignore ? { kind: 'ignore' } : { kind: 'error' };
}

/** Rewrites VALUES(col) into a reference to the inserted row's column. */
function valuesToColumns(e: Expr): Expr {
  switch (e.kind) {
    case 'call':
      if (e.name === 'VALUES' && e.args.length === 1 && e.args[0]!.kind === 'column') return { kind: 'column', table: insertedAlias, name: e.args[0]!.name };
      return { ...e, args: e.args.map(valuesToColumns) };
    case 'unary':
      return { ...e, operand: valuesToColumns(e.operand) };
    case 'binary':
      return { ...e, left: valuesToColumns(e.left), right: valuesToColumns(e.right) };
    case 'isNull':
      return { ...e, operand: valuesToColumns(e.operand) };
    case 'between':
      return { ...e, operand: valuesToColumns(e.operand), low: valuesToColumns(e.low), high: valuesToColumns(e.high) };
    case 'inList':
      return { ...e, operand: valuesToColumns(e.operand), list: e.list.map(valuesToColumns) };
    case 'like':
      return { ...e, operand: valuesToColumns(e.operand), pattern: valuesToColumns(e.pattern) };
    case 'case':
      return {
        ...e,
        operand: e.operand === null ? null : valuesToColumns(e.operand),
        whens: e.whens.map((w) => ({ when: valuesToColumns(w.when), then: valuesToColumns(w.then) })),
        otherwise: e.otherwise === null ? null : valuesToColumns(e.otherwise),
      };
    case 'cast':
      return { ...e, operand: valuesToColumns(e.operand) };
    default:
      return e;
  }
}

/** One existing row a new row collides with, and the key it collides on. */
interface Conflict {
  readonly row: Value[];
  readonly keyName: string;
  readonly keyText: string;
}

/** Existing rows that share the primary key or a unique index value with `row` (keys locked). */
async function findConflicts(txn: Txn, def: TableDef, row: readonly Value[]): Promise<Conflict[]> {
  const out: Conflict[] = [];
  const seen = new Set<string>();
  const note = (existing: Value[], keyName: string, columns: readonly number[]): void => {
    const id = Buffer.from(encodeRow(existing.slice(0, def.columns.length))).toString('base64');
    if (seen.has(id)) return;
    seen.add(id);
    out.push({ row: existing, keyName: `${def.name}.${keyName}`, keyText: duplicateText(def, columns, row) });
  };
  if (!hasHiddenRowId(def)) {
    const existing = await lockAndReadCurrent(txn, def, row);
    if (existing !== null) note(existing, 'PRIMARY', def.primaryKey);
  }
  for (const index of def.indexes) {
    // A non-unique index cannot conflict (and its key needs a hidden row id the row lacks yet).
    if (!index.unique) continue;
    const entry = indexEntryKey(def, index, row);
    if (entry.uniqueParts === null) continue;
    await txn.lock(entry.key);
    const rowKeyBytes = await txn.get(entry.key);
    if (rowKeyBytes === undefined) continue;
    const bytes = await txn.get(rowKeyBytes);
    if (bytes !== undefined) note(padRow(def, decodeRow(bytes)), index.name, index.columns);
  }
  return out;
}

/**
 * Writes `row` under `policy`; returns the affected-row count MySQL reports for it. Foreign keys
 * (`foreignKeys`, null when none apply) are checked after each write, as InnoDB does.
 */
export async function writeRow(txn: Txn, def: TableDef, row: Value[], policy: ConflictPolicy, rowNumber: number, session: SessionView, foreignKeys: ForeignKeyEnforcer | null = null): Promise<bigint> {
  enforceChecks(def, row, session);
  if (policy.kind === 'error') {
    await insertRow(txn, def, row);
    await foreignKeys?.afterInsert(txn, def, row);
    return 1n;
  }
  const conflicts = await findConflicts(txn, def, row);
  if (conflicts.length === 0) return insertChecked(txn, def, row, policy.kind === 'ignore', session, foreignKeys);
  switch (policy.kind) {
    case 'ignore': {
      const c = conflicts[0]!;
      session.warn?.('Warning', 1062, `Duplicate entry '${c.keyText}' for key '${c.keyName}'`);
      return 0n;
    }
    case 'replace':
      // REPLACE deletes the conflicting rows (their children see a DELETE) and inserts.
      for (const c of conflicts) {
        deleteRow(txn, def, c.row);
        await foreignKeys?.afterDelete(txn, def, c.row);
      }
      await insertRow(txn, def, row);
      await foreignKeys?.afterInsert(txn, def, row);
      return BigInt(conflicts.length) + 1n;
    case 'update':
      return updateOnDuplicate(txn, def, conflicts[0]!.row, row, { assignments: policy.assignments, rowNumber, session, foreignKeys });
  }
}

/** Inserts a row without conflicts; under IGNORE a missing parent (1452) is a warning and the row is taken back. */
async function insertChecked(txn: Txn, def: TableDef, row: Value[], ignore: boolean, session: SessionView, foreignKeys: ForeignKeyEnforcer | null): Promise<bigint> {
  await insertRow(txn, def, row);
  try {
    await foreignKeys?.afterInsert(txn, def, row);
  } catch (e) {
    if (!ignore || !(e instanceof SqlError) || e.errno !== 1452) throw e;
    deleteRow(txn, def, row);
    session.warn?.('Warning', e.errno, e.message);
    return 0n;
  }
  return 1n;
}

/** How an ON DUPLICATE KEY UPDATE row is updated. */
interface DuplicateUpdate {
  readonly assignments: Extract<ConflictPolicy, { kind: 'update' }>['assignments'];
  readonly rowNumber: number;
  readonly session: SessionView;
  readonly foreignKeys: ForeignKeyEnforcer | null;
}

async function updateOnDuplicate(txn: Txn, def: TableDef, before: Value[], inserted: readonly Value[], how: DuplicateUpdate): Promise<bigint> {
  const { assignments, rowNumber, session } = how;
  const width = def.columns.length;
  const after = before.slice();
  // Assignments run left to right; each sees the values the earlier ones set.
  const parent = { row: inserted, parent: null };
  for (const a of assignments) {
    after[a.column] = storeValue(a.value.eval({ row: after, parent }), def.columns[a.column]!, rowNumber);
  }
  if (Buffer.compare(encodeRow(before.slice(0, width)), encodeRow(after.slice(0, width))) === 0) return 0n;
  enforceChecks(def, after, session);
  await updateRow(txn, def, before, after);
  await how.foreignKeys?.afterUpdate(txn, def, before, after);
  return 2n;
}
