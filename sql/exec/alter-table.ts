/**
 * ALTER TABLE in one transaction: ADD/DROP/MODIFY/CHANGE COLUMN, ADD/DROP INDEX (and UNIQUE),
 * RENAME TO, FOREIGN KEYs. Actions run in order inside the DDL's one transaction. Index actions
 * only touch index entries; a column action rewrites every row through the new definition (a
 * value that does not fit a modified type fails as a strict INSERT would: 1264, 1406, 1366)
 * and rebuilds the indexes; columns keep their slots (row-layout.ts). The old
 * rows are read once (at most limits.statementRowsMax) and the rewrite commits with the DDL
 * transaction, so it is atomic but bounded by one commit's size, and concurrent writers of the
 * table conflict with it.
 *
 * An ALTER made only of ADD/DROP COLUMN, MODIFY/CHANGE COLUMN and ADD/DROP INDEX runs online
 * instead, in batches committed one by one while other sessions keep writing (online-ddl.ts;
 * a MODIFY converts through a shadow column with the same storeValue, or changes only the
 * definition when no stored value can change: alter-plan.ts). This path is what is left:
 * RENAME TO, FOREIGN KEY actions, an ALTER that touches a foreign key (drops or changes a
 * column a key uses, or drops an index that leads with a key's columns: alter-plan.ts
 * `touchesForeignKeys`, `rebuildsKeyIndex`; the guards below check it), and the MODIFYs the
 * online path does not take (a primary key or AUTO_INCREMENT column that needs a conversion,
 * AUTO_INCREMENT, PRIMARY KEY or UNIQUE written on the column, a column modified twice or
 * added by the same ALTER).
 */
import { SqlError } from '../../src/base/errors.js';
import type { Txn } from '../../src/txn/txn-kv.js';
import type { AlterAction, SchemaStatement } from '../ast/statement.js';
import { getTable, getView, putTable, tableKey, tableRange, type ColumnDef, type IndexDef, type TableDef } from '../catalog.js';
import { unsupported } from '../errors.js';
import type { StatementResult } from '../session-api.js';
import type { Value } from '../values.js';
import { columnDef, createIndex, databaseOf, dropIndex } from './ddl.js';
import type { CompileEnv } from './plan-types.js';
import { defaultValueOf, storeValue } from './store-value.js';
import { deleteTableData, fullRange, insertRow, scanRows } from './table-access.js';
import { alterAddForeignKey, alterDropForeignKey, foreignKeyDdl } from './foreign-key-ddl.js';
import { checkAlterAction, followAlterAction } from './foreign-key-guards.js';

const ok = (): StatementResult => ({ kind: 'ok', affectedRows: 0n, lastInsertId: 0n, info: 'Records: 0  Duplicates: 0  Warnings: 0', warningCount: 0 });

/** Runs ALTER TABLE. */
export async function alterTable(stmt: Extract<SchemaStatement, { kind: 'alterTable' }>, txn: Txn, database: string | null, env: CompileEnv): Promise<StatementResult> {
  const db = databaseOf(stmt.table, database);
  let name = stmt.table.name;
  for (const action of stmt.actions) {
    const def = await getTable(txn, db, name);
    if (def === undefined) throw new SqlError('NO_SUCH_TABLE', `Table '${db}.${name}' doesn't exist`);
    // Foreign keys (foreign-key-guards.ts): refuse what would break one; carry renames along.
    await checkAlterAction(foreignKeyDdl(txn, env), action, def);
    name = await applyAction(action, def, txn, env);
    await followAlterAction(foreignKeyDdl(txn, env), action, def);
  }
  return ok();
}

/** Applies one action; returns the table's name after it. */
async function applyAction(action: AlterAction, def: TableDef, txn: Txn, env: CompileEnv): Promise<string> {
  const table = { db: def.db, name: def.name };
  switch (action.kind) {
    case 'addIndex':
      await createIndex(txn, { kind: 'createIndex', table, index: action.index }, def.db);
      return def.name;
    case 'dropIndex':
      await dropIndex(txn, { kind: 'dropIndex', table, name: action.name }, def.db);
      return def.name;
    case 'rename':
      if ((await getTable(txn, def.db, action.name)) !== undefined || (await getView(txn, def.db, action.name)) !== undefined) {
        throw new SqlError('TABLE_EXISTS', `Table '${action.name}' already exists`);
      }
      txn.delete(tableKey(def.db, def.name));
      putTable(txn, { ...def, name: action.name });
      return action.name;
    case 'addColumn':
      await addColumn(def, action.column, txn, env);
      return def.name;
    case 'dropColumn':
      await dropColumn(def, action.name, txn);
      return def.name;
    case 'modifyColumn':
      await modifyColumn(def, action.oldName, action.column, txn, env);
      return def.name;
    case 'addForeignKey':
      await alterAddForeignKey(foreignKeyDdl(txn, env), def, action.foreignKey);
      return def.name;
    case 'dropForeignKey':
      await alterDropForeignKey(foreignKeyDdl(txn, env), def, action.name);
      return def.name;
  }
}

function position(def: TableDef, name: string): number {
  const i = def.columns.findIndex((c) => c.name.toLowerCase() === name.toLowerCase());
  if (i < 0) throw new SqlError('CANT_DROP_FIELD_OR_KEY', `Can't DROP '${name}'; check that column/key exists`);
  return i;
}

async function addColumn(def: TableDef, spec: Parameters<typeof columnDef>[0], txn: Txn, env: CompileEnv): Promise<void> {
  if (spec.primaryKey || spec.autoIncrement) throw unsupported('ALTER TABLE ADD a key or AUTO_INCREMENT column');
  if (def.columns.some((c) => c.name.toLowerCase() === spec.name.toLowerCase())) throw new SqlError('DUP_FIELDNAME', `Duplicate column name '${spec.name}'`);
  const plain = columnDef(spec, false, env);
  const fill = plain.defaultValue !== null ? defaultValueOf(plain.defaultValue, env.session.nowMs) : plain.notNull ? implicitZero(plain) : null;
  // A table with slots (row-layout.ts) keeps them: the new column takes a fresh one.
  const col: ColumnDef = def.slotCount === undefined ? plain : { ...plain, slot: def.slotCount };
  const next: TableDef = { ...def, columns: [...def.columns, col], ...(def.slotCount === undefined ? {} : { slotCount: def.slotCount + 1 }) };
  await rewrite(def, next, txn, (row, n) => [...row, storeValue(fill, col, n)]);
  if (spec.unique) await createIndex(txn, { kind: 'createIndex', table: { db: def.db, name: def.name }, index: { name: spec.name, columns: [spec.name], unique: true, primary: false } }, def.db);
}

/** The value MySQL gives existing rows for a new NOT NULL column without a default. */
function implicitZero(col: ColumnDef): Value {
  switch (col.type.kind) {
    case 'int': return 0n;
    case 'decimal': case 'float': case 'double': return 0;
    case 'string': return '';
    case 'binary': return new Uint8Array(0);
    default: throw unsupported(`a NOT NULL ${col.type.kind} column without a default`);
  }
}

async function dropColumn(def: TableDef, name: string, txn: Txn): Promise<void> {
  const i = position(def, name);
  if (def.columns.length === 1) throw new SqlError('CANT_DROP_COLUMN_ALL', 'You can\'t delete all columns with ALTER TABLE; use DROP TABLE instead');
  if (def.primaryKey.includes(i)) throw unsupported('dropping a primary key column');
  const shift = (c: number): number => (c > i ? c - 1 : c);
  const indexes: IndexDef[] = def.indexes
    .map((ix) => ({ ...ix, columns: ix.columns.filter((c) => c !== i).map(shift) }))
    .filter((ix) => ix.columns.length > 0);
  const next: TableDef = { ...def, columns: def.columns.filter((_, k) => k !== i), primaryKey: def.primaryKey.map(shift), indexes };
  await rewrite(def, next, txn, (row) => row.filter((_, k) => k !== i));
}

async function modifyColumn(def: TableDef, oldName: string, spec: Parameters<typeof columnDef>[0], txn: Txn, env: CompileEnv): Promise<void> {
  const i = position(def, oldName);
  if (spec.name.toLowerCase() !== oldName.toLowerCase() && def.columns.some((c) => c.name.toLowerCase() === spec.name.toLowerCase())) {
    throw new SqlError('DUP_FIELDNAME', `Duplicate column name '${spec.name}'`);
  }
  // The column keeps its slot (row-layout.ts); every row is rewritten, so it needs no fill.
  const slot = def.columns[i]!.slot;
  const col = { ...columnDef(spec, def.primaryKey.includes(i), env), autoIncrement: spec.autoIncrement || def.columns[i]!.autoIncrement, ...(slot === undefined ? {} : { slot }) };
  const next: TableDef = { ...def, columns: def.columns.map((c, k) => (k === i ? col : c)) };
  await rewrite(def, next, txn, (row, n) => row.map((v, k) => (k === i ? storeValue(v, col, n) : v)));
}

/**
 * Re-writes every row of `before` as a row of `after` (same table id), rebuilding every index.
 * Columns keep their slots (row-layout.ts), so a row a writer with the old definition stores
 * meanwhile still puts each value where the new definition looks for it.
 */
async function rewrite(before: TableDef, after: TableDef, txn: Txn, mapRow: (row: Value[], rowNumber: number) => Value[]): Promise<void> {
  const rows = await scanRows(txn, before, [fullRange(before)]);
  await deleteTableData(txn, tableRange(before.id));
  putTable(txn, after);
  for (let k = 0; k < rows.length; k++) await insertRow(txn, after, mapRow(rows[k]!.slice(0, before.columns.length), k + 1));
}
