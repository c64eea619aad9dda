/**
 * What the rest of DDL must respect because of FOREIGN KEYs, and how it keeps both directions
 * of the catalog right (the key in the child, its ForeignKeyRef in the parent):
 *
 * - DROP TABLE / DROP DATABASE of a parent whose child stays: 3730 with foreign_key_checks on;
 *   a dropped child leaves its surviving parents' `referencedBy`.
 * - TRUNCATE of a parent of another table: 1701 with foreign_key_checks on.
 * - Dropping the index a key needs: 1553 (also with checks off, as MySQL 8: the key's lookups
 *   need it).
 * - Dropping a key column: 1828 (a child's), 1829 (a parent's, checks on). Changing one: 1830
 *   NOT NULL under SET NULL, 3780 an incompatible type (checks on).
 * - RENAME TO moves the references (children now name the new parent; generated names
 *   `<old>_ibfk_<n>` become `<new>_ibfk_<n>`) and adopts children waiting for the new name;
 *   CHANGE COLUMN renames the column in every key that names it.
 * - Online ALTER TABLE (online-ddl.ts) runs on a table with keys only what none of the above
 *   concerns; an ALTER that drops or changes a key column, or drops or rebuilds an index that
 *   leads with a key's columns, comes here in one transaction (`keyColumnsOf`).
 */
import { SqlError } from '../../src/base/errors.js';
import type { Txn } from '../../src/txn/txn-kv.js';
import type { AlterAction } from '../ast/statement.js';
import { getTable, putTable, type ForeignKeyDef, type ForeignKeyRef, type TableDef } from '../catalog.js';
import { typeFromSpec } from '../types.js';
import { adoptChildren, linkParent, noteOrphanedKeys, unlinkParent, type ForeignKeyDdl } from './foreign-key-ddl.js';
import { columnPosition, columnsCompatible, foreignKeyOf, positionsOf, quoteIdentifier, referencesTable, servingIndex, type KeyIndex } from './foreign-key-defs.js';

const sameName = (a: string, b: string): boolean => a.toLowerCase() === b.toLowerCase();
const sameRef = (a: ForeignKeyRef, b: ForeignKeyRef): boolean => a.db === b.db && a.table === b.table && a.name === b.name;

/** The keys that reference `def`, each with its child (`def` itself for a self-reference). */
async function childrenOf(txn: Txn, def: TableDef): Promise<{ ref: ForeignKeyRef; child: TableDef; fk: ForeignKeyDef }[]> {
  const out: { ref: ForeignKeyRef; child: TableDef; fk: ForeignKeyDef }[] = [];
  for (const ref of def.referencedBy ?? []) {
    const child = ref.db === def.db && ref.table === def.name ? def : await getTable(txn, ref.db, ref.table);
    const fk = child === undefined ? undefined : foreignKeyOf(child, ref);
    if (child !== undefined && fk !== undefined) out.push({ ref, child, fk });
  }
  return out;
}

/**
 * The column lists of `def` that foreign keys use, lower case: the columns of each key `def`
 * declares, and the referenced columns of each key that references `def` (its own included).
 * An online ALTER TABLE that drops or changes one of these columns, or drops an index that
 * leads with one of these lists, runs in one transaction instead, where the checks of this
 * module run (alter-plan.ts `touchesForeignKeys`, `rebuildsKeyIndex`).
 */
export async function keyColumnsOf(txn: Txn, def: TableDef): Promise<string[][]> {
  const lower = (columns: readonly string[]): string[] => columns.map((c) => c.toLowerCase());
  const out = (def.foreignKeys ?? []).map((fk) => lower(fk.columns));
  for (const { fk } of await childrenOf(txn, def)) out.push(lower(fk.parentColumns));
  return out;
}

/** Before DROP TABLE (or DROP DATABASE) of `defs`: 3730 for a parent whose child stays; unlinks dropped children. */
export async function beforeDropTables(ctx: ForeignKeyDdl, defs: readonly TableDef[]): Promise<void> {
  const dropped = (db: string, name: string): boolean => defs.some((d) => d.db === db && d.name === name);
  for (const def of defs) {
    const outside = (def.referencedBy ?? []).find((r) => !dropped(r.db, r.table));
    if (outside === undefined) continue;
    if (ctx.checks) {
      throw new SqlError('FK_CANNOT_DROP_PARENT', `Cannot drop table '${def.name}' referenced by a foreign key constraint '${outside.name}' on table '${outside.table}'.`);
    }
    await noteOrphanedKeys(ctx.txn);
  }
  for (const def of defs) {
    for (const fk of def.foreignKeys ?? []) {
      if (!dropped(fk.parentDb, fk.parentTable)) await unlinkParent(ctx.txn, { db: def.db, table: def.name, name: fk.name }, fk);
    }
  }
}

/** TRUNCATE of a table another table's key references: 1701 (foreign_key_checks on). */
export function checkTruncate(ctx: ForeignKeyDdl, def: TableDef): void {
  if (!ctx.checks) return;
  const other = (def.referencedBy ?? []).find((r) => !(r.db === def.db && r.table === def.name));
  if (other !== undefined) {
    throw new SqlError('TRUNCATE_ILLEGAL_FK', `Cannot truncate a table referenced in a foreign key constraint (${quoteIdentifier(other.db)}.${quoteIdentifier(other.table)}, CONSTRAINT ${quoteIdentifier(other.name)})`);
  }
}

/** 1553 when dropping `index` leaves a key of `def` (as child or as parent) without a serving index. */
export async function checkIndexDrop(txn: Txn, def: TableDef, index: KeyIndex): Promise<void> {
  const needs = (positions: readonly number[] | undefined): boolean =>
    positions !== undefined && servingIndex(def, positions)?.indexId === index.indexId && servingIndex(def, positions, index.indexId) === undefined;
  const asChild = (def.foreignKeys ?? []).some((fk) => needs(positionsOf(def, fk.columns)));
  const asParent = !asChild && (await childrenOf(txn, def)).some(({ fk }) => needs(positionsOf(def, fk.parentColumns)));
  if (asChild || asParent) throw new SqlError('DROP_INDEX_FK', `Cannot drop index '${index.name}': needed in a foreign key constraint`);
}

/** Checks an ALTER TABLE action against the keys of `def` before it runs. */
export async function checkAlterAction(ctx: ForeignKeyDdl, action: AlterAction, def: TableDef): Promise<void> {
  if (action.kind === 'dropColumn') await checkColumnDrop(ctx, def, action.name);
  if (action.kind === 'modifyColumn') await checkColumnChange(ctx, def, action);
}

async function checkColumnDrop(ctx: ForeignKeyDdl, def: TableDef, name: string): Promise<void> {
  const own = (def.foreignKeys ?? []).find((fk) => fk.columns.some((c) => sameName(c, name)));
  if (own !== undefined) throw new SqlError('FK_COLUMN_CANNOT_DROP', `Cannot drop column '${name}': needed in a foreign key constraint '${own.name}'`);
  if (!ctx.checks) return;
  const referenced = (await childrenOf(ctx.txn, def)).find(({ fk }) => fk.parentColumns.some((c) => sameName(c, name)));
  if (referenced !== undefined) {
    throw new SqlError('FK_COLUMN_CANNOT_DROP_CHILD', `Cannot drop column '${name}': needed in a foreign key constraint '${referenced.fk.name}' of table '${referenced.child.name}'`);
  }
}

async function checkColumnChange(ctx: ForeignKeyDdl, def: TableDef, action: Extract<AlterAction, { kind: 'modifyColumn' }>): Promise<void> {
  const at = columnPosition(def, action.oldName);
  if (at < 0) return;
  const spec = action.column;
  const type = typeFromSpec(spec.type);
  const notNull = spec.notNull || def.primaryKey.includes(at);
  const incompatible = (child: string, parent: string, fk: string): SqlError =>
    new SqlError('FK_INCOMPATIBLE_COLUMNS', `Referencing column '${child}' and referenced column '${parent}' in foreign key constraint '${fk}' are incompatible.`);
  for (const fk of def.foreignKeys ?? []) {
    const k = fk.columns.findIndex((c) => sameName(c, action.oldName));
    if (k < 0) continue;
    if (notNull && (fk.onDelete === 'SET NULL' || fk.onUpdate === 'SET NULL')) {
      throw new SqlError('FK_COLUMN_NOT_NULL', `Column '${spec.name}' cannot be NOT NULL: needed in a foreign key constraint '${fk.name}' SET NULL`);
    }
    const parent = referencesTable(fk, def.db, def.name) ? def : await getTable(ctx.txn, fk.parentDb, fk.parentTable);
    const p = parent === undefined ? -1 : columnPosition(parent, fk.parentColumns[k]!);
    if (ctx.checks && p >= 0) {
      const parentColumn = parent!.columns[p]!;
      const parentType = parent === def && p === at ? type : parentColumn.type;
      if (!columnsCompatible(type, parentType)) throw incompatible(spec.name, parent === def && p === at ? spec.name : parentColumn.name, fk.name);
    }
  }
  if (!ctx.checks) return;
  for (const { child, fk } of await childrenOf(ctx.txn, def)) {
    const k = fk.parentColumns.findIndex((c) => sameName(c, action.oldName));
    const c = k < 0 ? -1 : columnPosition(child, fk.columns[k]!);
    if (c < 0 || (child === def && c === at)) continue;
    if (!columnsCompatible(child.columns[c]!.type, type)) throw incompatible(child.columns[c]!.name, spec.name, fk.name);
  }
}

/** Carries the keys along after an ALTER TABLE action ran: RENAME TO and CHANGE COLUMN. */
export async function followAlterAction(ctx: ForeignKeyDdl, action: AlterAction, before: TableDef): Promise<void> {
  if (action.kind === 'rename') await followTableRename(ctx, before, action.name);
  if (action.kind === 'modifyColumn' && !sameName(action.oldName, action.column.name)) {
    await followColumnRename(ctx.txn, before, action.oldName, action.column.name);
  }
}

async function followTableRename(ctx: ForeignKeyDdl, before: TableDef, name: string): Promise<void> {
  const renamed = await getTable(ctx.txn, before.db, name);
  if (renamed === undefined) return;
  const generated = new RegExp(`^${before.name.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}_ibfk_([0-9]+)$`);
  const newName = (fk: string): string => fk.replace(generated, `${name}_ibfk_$1`);
  const isSelf = (db: string, table: string): boolean => db === before.db && table === before.name;
  // Unlink from the old name everywhere first, then link the renamed keys again.
  for (const fk of before.foreignKeys ?? []) if (!isSelf(fk.parentDb, fk.parentTable)) await unlinkParent(ctx.txn, { db: before.db, table: before.name, name: fk.name }, fk);
  const foreignKeys = (renamed.foreignKeys ?? []).map((fk) => ({ ...fk, name: newName(fk.name), ...(isSelf(fk.parentDb, fk.parentTable) ? { parentTable: name } : {}) }));
  const referencedBy = (renamed.referencedBy ?? []).map((r) => (isSelf(r.db, r.table) ? { ...r, table: name, name: newName(r.name) } : r));
  for (const ref of referencedBy) {
    if (ref.db === before.db && ref.table === name) continue;
    const child = await getTable(ctx.txn, ref.db, ref.table);
    if (child === undefined) continue;
    putTable(ctx.txn, { ...child, foreignKeys: (child.foreignKeys ?? []).map((fk) => (fk.name === ref.name && isSelf(fk.parentDb, fk.parentTable) ? { ...fk, parentTable: name } : fk)) });
  }
  for (const fk of foreignKeys) if (!referencesTable(fk, before.db, name)) await linkParent(ctx.txn, { db: before.db, table: name, name: fk.name }, fk);
  putTable(ctx.txn, await adoptChildren(ctx, { ...renamed, foreignKeys, referencedBy }));
}

async function followColumnRename(txn: Txn, before: TableDef, oldName: string, newName: string): Promise<void> {
  const rename = (cols: readonly string[]): string[] => cols.map((c) => (sameName(c, oldName) ? newName : c));
  const current = await getTable(txn, before.db, before.name);
  if (current === undefined) return;
  const self = (fk: ForeignKeyDef): boolean => referencesTable(fk, current.db, current.name);
  const foreignKeys = (current.foreignKeys ?? []).map((fk) => ({ ...fk, columns: rename(fk.columns), ...(self(fk) ? { parentColumns: rename(fk.parentColumns) } : {}) }));
  putTable(txn, { ...current, foreignKeys });
  for (const ref of current.referencedBy ?? []) {
    if (ref.db === current.db && ref.table === current.name) continue;
    const child = await getTable(txn, ref.db, ref.table);
    if (child === undefined) continue;
    putTable(txn, { ...child, foreignKeys: (child.foreignKeys ?? []).map((fk) => (sameRef({ db: child.db, table: child.name, name: fk.name }, ref) ? { ...fk, parentColumns: rename(fk.parentColumns) } : fk)) });
  }
}
