/**
 * What FOREIGN KEY definitions mean, shared by the DDL that makes them (foreign-key-ddl.ts), the
 * DML that enforces them (foreign-keys.ts) and what shows them (SHOW CREATE TABLE,
 * information_schema): which index serves a key on either side, which column types may pair
 * up, and the text MySQL prints for a key in SHOW CREATE TABLE and in errors 1451/1452.
 */
import { SqlError } from '../../src/base/errors.js';
import type { ForeignKeyAction, ForeignKeyDef, ForeignKeyRef, TableDef } from '../catalog.js';
import { primaryIndexId } from '../catalog.js';
import type { SqlType } from '../types.js';
import type { SessionView } from './plan-types.js';

/** InnoDB's FK_MAX_CASCADE_DEL: cascades nest at most this deep (errno 3008 beyond). */
export const foreignKeyCascadeDepthMax = 15;

/** True unless the session set foreign_key_checks = 0. */
export function foreignKeyChecksOn(session: SessionView): boolean {
  return session.systemVariable('foreign_key_checks', null) !== 0n;
}

/** Position of column `name` in `def` (names compare case-insensitively), or -1. */
export function columnPosition(def: TableDef, name: string): number {
  const lower = name.toLowerCase();
  return def.columns.findIndex((c) => c.name.toLowerCase() === lower);
}

/** An index that serves a key: the primary index or a secondary one, and whether it is unique. */
export interface KeyIndex {
  readonly indexId: number;
  readonly name: string;
  readonly columns: readonly number[];
  readonly unique: boolean;
}

/** The primary key and every secondary index, primary first. */
export function keyIndexes(def: TableDef): KeyIndex[] {
  const primary: KeyIndex[] = def.primaryKey.length === 0 ? [] : [{ indexId: primaryIndexId, name: 'PRIMARY', columns: def.primaryKey, unique: true }];
  return [...primary, ...def.indexes.map((ix) => ({ indexId: ix.id, name: ix.name, columns: ix.columns, unique: ix.unique }))];
}

/**
 * The index whose leading columns are `columns` in this order (InnoDB's rule on both sides of a
 * key), preferring the primary key, then a unique index; undefined when none leads with them.
 */
export function servingIndex(def: TableDef, columns: readonly number[], except?: number): KeyIndex | undefined {
  const leads = (ix: KeyIndex): boolean => ix.indexId !== except && ix.columns.length >= columns.length && columns.every((c, k) => ix.columns[k] === c);
  const candidates = keyIndexes(def).filter(leads);
  return candidates.find((ix) => ix.indexId === primaryIndexId) ?? candidates.find((ix) => ix.unique) ?? candidates[0];
}

/** Positions of named columns, or undefined when one is missing. */
export function positionsOf(def: TableDef, names: readonly string[]): number[] | undefined {
  const out = names.map((n) => columnPosition(def, n));
  return out.some((p) => p < 0) ? undefined : out;
}

/**
 * True when a child column of `child` type may reference a parent column of `parent` type:
 * integers of one width and sign, DECIMALs of one precision and scale, strings of any length
 * (one collation here), binary strings of any length, and otherwise the same type (MySQL:
 * "similar data types"; 3780 otherwise).
 */
export function columnsCompatible(child: SqlType, parent: SqlType): boolean {
  switch (child.kind) {
    case 'int':
      return parent.kind === 'int' && parent.bytes === child.bytes && parent.unsigned === child.unsigned;
    case 'decimal':
      return parent.kind === 'decimal' && parent.precision === child.precision && parent.scale === child.scale && parent.unsigned === child.unsigned;
    case 'string':
    case 'binary':
    case 'float':
    case 'double':
    case 'date':
    case 'null':
      return parent.kind === child.kind;
    case 'datetime':
    case 'timestamp':
    case 'time':
      return parent.kind === child.kind && parent.fsp === child.fsp;
  }
}

/** A backquoted identifier. */
export function quoteIdentifier(name: string): string {
  return '`' + name.replace(/`/g, '``') + '`';
}

/**
 * `FOREIGN KEY (…) REFERENCES parent (…) [ON DELETE …] [ON UPDATE …]`: the parent's database
 * only when it is not the child's. SHOW CREATE TABLE prints every action but NO ACTION (the
 * dictionary's default); InnoDB's error text (`forError`) prints only CASCADE and SET NULL.
 */
export function referenceClause(fk: ForeignKeyDef, childDb: string, forError: boolean): string {
  const parent = fk.parentDb === childDb ? quoteIdentifier(fk.parentTable) : `${quoteIdentifier(fk.parentDb)}.${quoteIdentifier(fk.parentTable)}`;
  let text = `FOREIGN KEY (${fk.columns.map(quoteIdentifier).join(', ')}) REFERENCES ${parent} (${fk.parentColumns.map(quoteIdentifier).join(', ')})`;
  const shown = (a: ForeignKeyAction): boolean => (forError ? a === 'CASCADE' || a === 'SET NULL' : a !== 'NO ACTION');
  if (shown(fk.onDelete)) text += ` ON DELETE ${fk.onDelete}`;
  if (shown(fk.onUpdate)) text += ` ON UPDATE ${fk.onUpdate}`;
  return text;
}

/** `(`db`.`child`, CONSTRAINT `fk` FOREIGN KEY …)` as errors 1451 and 1452 print a key. */
function constraintText(fk: ForeignKeyDef, child: { readonly db: string; readonly name: string }): string {
  return `(${quoteIdentifier(child.db)}.${quoteIdentifier(child.name)}, CONSTRAINT ${quoteIdentifier(fk.name)} ${referenceClause(fk, child.db, true)})`;
}

/** 1452: a child row whose key has no parent row. */
export function noReferencedRowError(fk: ForeignKeyDef, child: { readonly db: string; readonly name: string }): SqlError {
  return new SqlError('NO_REFERENCED_ROW_2', `Cannot add or update a child row: a foreign key constraint fails ${constraintText(fk, child)}`);
}

/** 1451: a parent row that child rows still reference. */
export function rowIsReferencedError(fk: ForeignKeyDef, child: { readonly db: string; readonly name: string }): SqlError {
  return new SqlError('ROW_IS_REFERENCED_2', `Cannot delete or update a parent row: a foreign key constraint fails ${constraintText(fk, child)}`);
}

/** The key `ref` names in its child table, or undefined when the child no longer has it. */
export function foreignKeyOf(child: TableDef, ref: ForeignKeyRef): ForeignKeyDef | undefined {
  return child.foreignKeys?.find((fk) => fk.name === ref.name);
}

/** True when `fk` references the table `db`.`name`. */
export function referencesTable(fk: ForeignKeyDef, db: string, name: string): boolean {
  return fk.parentDb === db && fk.parentTable === name;
}
