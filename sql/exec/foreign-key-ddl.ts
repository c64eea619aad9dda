/**
 * Making and removing FOREIGN KEYs: CREATE TABLE … FOREIGN KEY, ALTER TABLE … ADD [CONSTRAINT]
 * FOREIGN KEY and DROP FOREIGN KEY, validated in MySQL 8's order with its errors: 1239 column
 * counts, 1826 a name taken in the database, 1072 a missing child column, 1830 SET NULL on a
 * NOT NULL column, 1824 a missing parent (foreign_key_checks on), 3734 a missing parent column,
 * 3780 incompatible types, 1822 no parent index leading with the referenced columns. A child
 * index is added when none leads with the key's columns, named after the constraint, else the
 * FOREIGN KEY's index name, else the first column.
 *
 * The catalog keeps both directions: the key in the child's TableDef, and a ForeignKeyRef in the
 * parent's `referencedBy` (so DML on a parent finds its children without a catalog scan). A
 * child created before its parent (foreign_key_checks = 0) is linked when the parent appears:
 * `adoptChildren` looks through the catalog for keys naming the new table.
 */
import { SqlError } from '../../src/base/errors.js';
import { limits } from '../../src/base/limits.js';
import type { Txn } from '../../src/txn/txn-kv.js';
import type { ForeignKeySpec } from '../ast/statement.js';
import {
  getTable, listDatabases, listTables, nextCounter, peekCounter, putTable, type ForeignKeyDef, type ForeignKeyRef, type IndexDef, type TableDef,
} from '../catalog.js';
import { keyColumnMissingError } from '../errors.js';
import {
  columnPosition, columnsCompatible, foreignKeyChecksOn, positionsOf, referencesTable, servingIndex,
} from './foreign-key-defs.js';
import { ForeignKeyEnforcer } from './foreign-keys.js';
import type { CompileEnv } from './plan-types.js';
import { buildIndex, fullRange, scanRows } from './table-access.js';

/** What foreign key DDL needs: the DDL's transaction and the session's foreign_key_checks. */
export interface ForeignKeyDdl {
  readonly txn: Txn;
  readonly checks: boolean;
}

/** The context of one DDL statement. */
export function foreignKeyDdl(txn: Txn, env: CompileEnv): ForeignKeyDdl {
  return { txn, checks: foreignKeyChecksOn(env.session) };
}

const sameName = (a: string, b: string): boolean => a.toLowerCase() === b.toLowerCase();

function tooLongIdentifier(name: string): void {
  if ([...name].length > limits.identifierCharsMax) throw new SqlError('TOO_LONG_IDENT', `Identifier name '${name}' is too long`);
}

/**
 * `def` with the keys `specs` added (validated, named, each with a serving child index), and
 * every existing parent's `referencedBy` updated. `buildIndexes`: the table has rows whose
 * entries a new child index needs (ALTER TABLE).
 */
export async function addForeignKeys(ctx: ForeignKeyDdl, def: TableDef, specs: readonly ForeignKeySpec[], buildIndexes: boolean): Promise<TableDef> {
  if (specs.length === 0) return def;
  let out = def;
  const taken = await constraintNamesOf(ctx.txn, def);
  for (const spec of specs) {
    const fk = await validatedKey(ctx, out, spec, taken);
    taken.add(fk.name.toLowerCase());
    out = await withChildIndex(ctx.txn, out, fk, spec, buildIndexes);
    out = { ...out, foreignKeys: [...(out.foreignKeys ?? []), fk] };
    if (referencesTable(fk, out.db, out.name)) out = { ...out, referencedBy: [...(out.referencedBy ?? []), { db: out.db, table: out.name, name: fk.name }] };
    else await linkParent(ctx.txn, { db: out.db, table: out.name, name: fk.name }, fk);
  }
  return out;
}

/** Names of the foreign keys of every other table in `def`'s database and of `def` itself (lower case). */
async function constraintNamesOf(txn: Txn, def: TableDef): Promise<Set<string>> {
  const names = new Set<string>();
  for (const t of await listTables(txn, def.db)) if (t.name !== def.name) for (const fk of t.foreignKeys ?? []) names.add(fk.name.toLowerCase());
  for (const fk of def.foreignKeys ?? []) names.add(fk.name.toLowerCase());
  return names;
}

/** The next generated name: `<table>_ibfk_<n>`, n one past the highest the table has. */
function generatedName(def: TableDef): string {
  const prefix = `${def.name}_ibfk_`;
  let highest = 0;
  for (const fk of def.foreignKeys ?? []) {
    const rest = fk.name.startsWith(prefix) ? fk.name.slice(prefix.length) : '';
    if (/^[0-9]+$/.test(rest)) highest = Math.max(highest, Number(rest));
  }
  return `${prefix}${highest + 1}`;
}

async function validatedKey(ctx: ForeignKeyDdl, def: TableDef, spec: ForeignKeySpec, taken: ReadonlySet<string>): Promise<ForeignKeyDef> {
  const name = spec.name ?? generatedName(def);
  tooLongIdentifier(name);
  if (spec.columns.length !== spec.parentColumns.length) {
    throw new SqlError('WRONG_FK_DEF', `Incorrect foreign key definition for '${spec.name ?? 'foreign key without name'}': Key reference and table reference don't match`);
  }
  if (taken.has(name.toLowerCase())) throw new SqlError('FK_DUP_NAME', `Duplicate foreign key constraint name '${name}'`);
  const columns = spec.columns.map((c) => {
    const p = columnPosition(def, c);
    if (p < 0) throw keyColumnMissingError(c);
    return def.columns[p]!;
  });
  const onDelete = spec.onDelete ?? 'NO ACTION';
  const onUpdate = spec.onUpdate ?? 'NO ACTION';
  if (onDelete === 'SET NULL' || onUpdate === 'SET NULL') {
    const notNull = columns.find((c) => c.notNull);
    if (notNull !== undefined) throw new SqlError('FK_COLUMN_NOT_NULL', `Column '${notNull.name}' cannot be NOT NULL: needed in a foreign key constraint '${name}' SET NULL`);
  }
  const parentDb = spec.parent.db ?? def.db;
  const self = parentDb === def.db && spec.parent.name === def.name;
  const parent = self ? def : await getTable(ctx.txn, parentDb, spec.parent.name);
  let parentColumns = spec.parentColumns;
  if (parent === undefined) {
    if (ctx.checks) throw new SqlError('FK_CANNOT_OPEN_PARENT', `Failed to open the referenced table '${spec.parent.name}'`);
    await noteOrphanedKeys(ctx.txn);
  } else {
    parentColumns = checkAgainstParent({ name, columns: columns.map((c) => c.name), parentColumns: spec.parentColumns }, def, parent);
  }
  return { name, columns: columns.map((c) => c.name), parentDb, parentTable: spec.parent.name, parentColumns, onDelete, onUpdate };
}

/**
 * Checks a key of `child` against its `parent` (3734, 3780, 1822); returns the referenced
 * columns spelled as the parent spells them.
 */
export function checkAgainstParent(fk: Pick<ForeignKeyDef, 'name' | 'columns' | 'parentColumns'>, child: TableDef, parent: TableDef): string[] {
  const referenced = fk.parentColumns.map((c, k) => {
    const p = columnPosition(parent, c);
    if (p < 0) throw new SqlError('FK_NO_COLUMN_PARENT', `Failed to add the foreign key constraint. Missing column '${c}' for constraint '${fk.name}' in the referenced table '${parent.name}'`);
    const childColumn = child.columns[columnPosition(child, fk.columns[k]!)]!;
    const parentColumn = parent.columns[p]!;
    if (!columnsCompatible(childColumn.type, parentColumn.type)) {
      throw new SqlError('FK_INCOMPATIBLE_COLUMNS', `Referencing column '${childColumn.name}' and referenced column '${parentColumn.name}' in foreign key constraint '${fk.name}' are incompatible.`);
    }
    return p;
  });
  if (servingIndex(parent, referenced) === undefined) {
    throw new SqlError('FK_NO_INDEX_PARENT', `Failed to add the foreign key constraint. Missing index for constraint '${fk.name}' in the referenced table '${parent.name}'`);
  }
  return referenced.map((p) => parent.columns[p]!.name);
}

/** `def` with an index that serves `fk`, added (and built when the table has rows) if it has none. */
async function withChildIndex(txn: Txn, def: TableDef, fk: ForeignKeyDef, spec: ForeignKeySpec, build: boolean): Promise<TableDef> {
  const positions = positionsOf(def, fk.columns)!;
  if (servingIndex(def, positions) !== undefined) return def;
  const explicit = spec.name ?? spec.indexName;
  let name = explicit ?? fk.columns[0]!;
  if (explicit !== null && (sameName(name, 'PRIMARY') || def.indexes.some((ix) => sameName(ix.name, name)))) {
    throw new SqlError('DUP_KEYNAME', `Duplicate key name '${name}'`);
  }
  for (let n = 2; explicit === null && def.indexes.some((ix) => sameName(ix.name, name)); n++) name = `${fk.columns[0]!}_${n}`;
  const index: IndexDef = { id: def.nextIndexId, name, columns: positions, unique: false };
  if (build) await buildIndex(txn, def, index);
  return { ...def, indexes: [...def.indexes, index], nextIndexId: def.nextIndexId + 1 };
}

/** Adds `ref` to the `referencedBy` of `fk`'s parent, when that table exists. */
export async function linkParent(txn: Txn, ref: ForeignKeyRef, fk: ForeignKeyDef): Promise<void> {
  const parent = await getTable(txn, fk.parentDb, fk.parentTable);
  if (parent === undefined) return;
  putTable(txn, { ...parent, referencedBy: [...(parent.referencedBy ?? []), ref] });
}

/** Removes `ref` from the `referencedBy` of `fk`'s parent, when that table exists. */
export async function unlinkParent(txn: Txn, ref: ForeignKeyRef, fk: ForeignKeyDef): Promise<void> {
  const parent = await getTable(txn, fk.parentDb, fk.parentTable);
  if (parent === undefined) return;
  const referencedBy = (parent.referencedBy ?? []).filter((r) => !(r.db === ref.db && r.table === ref.table && r.name === ref.name));
  putTable(txn, { ...parent, referencedBy });
}

/**
 * A catalog counter taken once a key was left without its parent table (foreign_key_checks = 0):
 * until then no table can have children waiting for it, and CREATE TABLE skips the search.
 */
const orphanedKeysCounter = 'fk_orphaned';

/** Notes that some key now names a parent table that does not exist. */
export async function noteOrphanedKeys(txn: Txn): Promise<void> {
  if ((await peekCounter(txn, orphanedKeysCounter)) === undefined) await nextCounter(txn, orphanedKeysCounter, 1);
}

/**
 * `def` (a table just created or renamed) with the keys of other tables that name it as their
 * parent: children created while it did not exist. With foreign_key_checks on each must fit.
 * Reads the whole catalog, but only once some key was ever left without its parent.
 */
export async function adoptChildren(ctx: ForeignKeyDdl, def: TableDef): Promise<TableDef> {
  if ((await peekCounter(ctx.txn, orphanedKeysCounter)) === undefined) return def;
  const refs = [...(def.referencedBy ?? [])];
  const known = (r: ForeignKeyRef): boolean => refs.some((x) => x.db === r.db && x.table === r.table && x.name === r.name);
  for (const db of await listDatabases(ctx.txn)) {
    for (const child of await listTables(ctx.txn, db.name)) {
      if (child.db === def.db && child.name === def.name) continue;
      for (const fk of child.foreignKeys ?? []) {
        const ref = { db: child.db, table: child.name, name: fk.name };
        if (!referencesTable(fk, def.db, def.name) || known(ref)) continue;
        if (ctx.checks) checkAgainstParent(fk, child, def);
        refs.push(ref);
      }
    }
  }
  return refs.length === (def.referencedBy ?? []).length ? def : { ...def, referencedBy: refs };
}

/** ALTER TABLE … ADD FOREIGN KEY: the key, its index, and (checks on) every existing row checked (1452). */
export async function alterAddForeignKey(ctx: ForeignKeyDdl, def: TableDef, spec: ForeignKeySpec): Promise<void> {
  const next = await addForeignKeys(ctx, def, [spec], true);
  putTable(ctx.txn, next);
  if (!ctx.checks) return;
  const fk = next.foreignKeys![next.foreignKeys!.length - 1]!;
  const parent = referencesTable(fk, next.db, next.name) ? next : await getTable(ctx.txn, fk.parentDb, fk.parentTable);
  const checked: TableDef = { ...next, foreignKeys: [fk] };
  const enforcer = ForeignKeyEnforcer.forTables(parent === undefined ? [checked] : [checked, parent]);
  for (const row of await scanRows(ctx.txn, next, [fullRange(next)])) await enforcer.afterInsert(ctx.txn, checked, row);
}

/** ALTER TABLE … DROP FOREIGN KEY name (1091 when the table has no such key). Its index stays. */
export async function alterDropForeignKey(ctx: ForeignKeyDdl, def: TableDef, name: string): Promise<void> {
  const fk = (def.foreignKeys ?? []).find((k) => sameName(k.name, name));
  if (fk === undefined) throw new SqlError('CANT_DROP_FIELD_OR_KEY', `Can't DROP '${name}'; check that column/key exists`);
  const ref: ForeignKeyRef = { db: def.db, table: def.name, name: fk.name };
  let next: TableDef = { ...def, foreignKeys: def.foreignKeys!.filter((k) => k !== fk) };
  if (referencesTable(fk, def.db, def.name)) {
    next = { ...next, referencedBy: (next.referencedBy ?? []).filter((r) => !(r.db === ref.db && r.table === ref.table && r.name === ref.name)) };
  } else await unlinkParent(ctx.txn, ref, fk);
  putTable(ctx.txn, next);
}
