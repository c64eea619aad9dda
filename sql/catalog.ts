/**
 * The catalog and the key layout of tables over TxnKv (see sql/DESIGN.md, "Key layout").
 *
 *   [0, 'db', db]                     → JSON DatabaseDef
 *   [0, 'tbl', db, table]             → JSON TableDef
 *   [0, 'ctr', name]                  → decimal text of a counter (next table id)
 *   [0, 'ainc', tableId]              → next AUTO_INCREMENT value / hidden row id
 *   [0, 'view', db, view]             → JSON ViewDef (the query as text)
 *   [0, 'trg', db, trigger]           → JSON TriggerDef
 *   [0, 'stat', tableId]              → JSON TableStats (ANALYZE TABLE, exec/analyze-table.ts)
 *   [0, 'cvfail', tableId]            → JSON ConversionFailure (online MODIFY COLUMN, exec/online-ddl.ts)
 *   [tableId, 1, pk…]                 → row (row-codec)
 *   [tableId, indexId, cols…, pk…]    → primary row key (secondary index entry)
 *   [tableId, indexId, cols…]         → primary row key (unique index entry without NULLs)
 *
 * Every key starts with an int part, so the catalog (table id 0) sorts before all data and a
 * table's rows and indexes form one contiguous range.
 */
import { assert } from '../src/base/assert.js';
import type { Txn } from '../src/txn/txn-kv.js';
import { encodeKey, prefixEnd, type KeyPart } from '../storage/key-codec.js';
import type { SqlType } from './types.js';

/** A stored default value. */
export type StoredDefault =
  | { readonly kind: 'null' }
  | { readonly kind: 'int'; readonly text: string }
  | { readonly kind: 'decimal'; readonly text: string }
  | { readonly kind: 'double'; readonly value: number }
  | { readonly kind: 'string'; readonly value: string }
  | { readonly kind: 'now' };

/** One column of a table. */
export interface ColumnDef {
  readonly name: string;
  readonly type: SqlType;
  readonly notNull: boolean;
  /** Null: no DEFAULT clause. */
  readonly defaultValue: StoredDefault | null;
  readonly autoIncrement: boolean;
  /**
   * Index of the column's value in a stored row (exec/row-layout.ts); absent: its position in
   * TableDef.columns (a table whose layout no online ALTER TABLE changed).
   */
  readonly slot?: number;
  /** What a row stored before the column was added reads as (online ADD COLUMN); absent: NULL. */
  readonly fill?: StoredDefault;
  /**
   * Only on a column of TableDef.pending (online MODIFY/CHANGE COLUMN, exec/online-ddl.ts): the
   * slot of the column this one is converted from. Writers store here the value of that slot
   * converted to this column (exec/row-layout.ts) — the new column from the old one while it is
   * added, the old column from the new one while it is dropped.
   */
  readonly convertsFrom?: number;
}

/** A secondary (or unique) index. */
export interface IndexDef {
  readonly id: number;
  readonly name: string;
  /** Positions in TableDef.columns (in [...columns, ...pending.columns] for a pending index). */
  readonly columns: readonly number[];
  readonly unique: boolean;
  /**
   * Only in TableDef.pending (exec/online-ddl.ts): 'writeOnly' — writers add and delete its
   * entries; 'deleteOnly' — writers only delete them. Queries never read a pending index.
   */
  readonly state?: 'writeOnly' | 'deleteOnly';
}

/**
 * The part of an online ALTER TABLE that queries do not see (yet, or any more) but writers
 * maintain: F1's intermediate schema states, kept beside the public definition as
 * CockroachDB keeps its mutations (exec/online-ddl.ts).
 */
export interface PendingSchemaChange {
  /** 'add': rolled back when its job stops before the final commit; 'drop': carried to the end. */
  readonly direction: 'add' | 'drop';
  /** Write-only columns (each with a slot): stored by writers, invisible to queries. */
  readonly columns: readonly ColumnDef[];
  /** Indexes in a 'writeOnly' or 'deleteOnly' state. */
  readonly indexes: readonly IndexDef[];
  /** Index ids whose entries are left to delete (a dropped or rolled-back index). */
  readonly garbageIndexIds: readonly number[];
  /** Slots of dropped columns whose stored values are left to set to NULL. */
  readonly garbageSlots: readonly number[];
  /** nextIndexId to put back once a rolled-back ADD INDEX left nothing behind. */
  readonly restoreNextIndexId?: number;
  /**
   * The columns and slotCount to put back once a rolled-back ADD/MODIFY COLUMN left nothing
   * behind: its slots are cut from every row first (exec/backfill.ts), so they can be reused.
   */
  readonly restoreLayout?: { readonly columns: readonly ColumnDef[]; readonly slotCount?: number };
}

/** A table. */
export interface TableDef {
  readonly id: number;
  readonly db: string;
  readonly name: string;
  readonly columns: readonly ColumnDef[];
  /** Positions of the primary key columns; empty for a table keyed by a hidden row id. */
  readonly primaryKey: readonly number[];
  readonly indexes: readonly IndexDef[];
  /** Id the next index gets (1 is the primary index). */
  readonly nextIndexId: number;
  /** CHECK constraints: name and the expression as JSON of Atoll's tree (exec/check-constraints.ts). */
  readonly checks?: readonly { readonly name: string; readonly expr: string }[];
  /** Values per stored row (exec/row-layout.ts); absent: one per column, in column order. */
  readonly slotCount?: number;
  /** An online ALTER TABLE under way or left unfinished (exec/online-ddl.ts). */
  readonly pending?: PendingSchemaChange;
  /** FOREIGN KEYs of this (child) table (exec/foreign-keys.ts enforces them). */
  readonly foreignKeys?: readonly ForeignKeyDef[];
  /**
   * The FOREIGN KEYs, of any table (this one too), that reference this table: kept by every DDL
   * so a DELETE or UPDATE of a parent finds its children without reading the whole catalog.
   */
  readonly referencedBy?: readonly ForeignKeyRef[];
}

/** A referential action. NO ACTION when none was written; InnoDB runs NO ACTION and SET DEFAULT as RESTRICT. */
export type ForeignKeyAction = 'RESTRICT' | 'CASCADE' | 'SET NULL' | 'NO ACTION' | 'SET DEFAULT';

/**
 * A FOREIGN KEY of a child table. Columns are named, not positions, so ALTER TABLE moving
 * columns cannot break it; the parent is named too (it may not exist yet: foreign_key_checks=0).
 */
export interface ForeignKeyDef {
  readonly name: string;
  readonly columns: readonly string[];
  readonly parentDb: string;
  readonly parentTable: string;
  readonly parentColumns: readonly string[];
  readonly onDelete: ForeignKeyAction;
  readonly onUpdate: ForeignKeyAction;
}

/** One FOREIGN KEY that references a table: the child table and the constraint's name. */
export interface ForeignKeyRef {
  readonly db: string;
  readonly table: string;
  readonly name: string;
}

/** A database. */
export interface DatabaseDef {
  readonly name: string;
}

/** Id of the primary index in row keys. */
export const primaryIndexId = 1;
/** First id handed to a user table. */
export const firstTableId = 1000;

const sys = (...parts: KeyPart[]): Uint8Array => encodeKey([{ kind: 'int', value: 0n }, ...parts]);
const text = (s: string): KeyPart => ({ kind: 'bytes', value: new TextEncoder().encode(s) });
const int = (n: number | bigint): KeyPart => ({ kind: 'int', value: BigInt(n) });

/** Key of a database's entry. */
export const databaseKey = (db: string): Uint8Array => sys(text('db'), text(db));
/** Key of a table's entry. */
export const tableKey = (db: string, table: string): Uint8Array => sys(text('tbl'), text(db), text(table));
const counterKey = (name: string): Uint8Array => sys(text('ctr'), text(name));
/** Key of a table's AUTO_INCREMENT (or hidden row id) counter. */
export const autoIncrementKey = (tableId: number): Uint8Array => sys(text('ainc'), int(tableId));
/** Key of the conversion failure a writer recorded during an online MODIFY COLUMN of a table. */
export const conversionFailureKey = (tableId: number): Uint8Array => sys(text('cvfail'), int(tableId));

/** Prefix of every database entry. */
export const databasesPrefix = (): Uint8Array => sys(text('db'));
/** Prefix of every table entry of `db`. */
export const tablesPrefix = (db: string): Uint8Array => sys(text('tbl'), text(db));

/** Key of a row: the table's primary index and the primary key parts. */
export function rowKey(tableId: number, pk: readonly KeyPart[]): Uint8Array {
  return encodeKey([int(tableId), int(primaryIndexId), ...pk]);
}

/** Key of an index entry. */
export function indexKey(tableId: number, indexId: number, parts: readonly KeyPart[]): Uint8Array {
  return encodeKey([int(tableId), int(indexId), ...parts]);
}

/** The whole key range of one index (or of the rows, for the primary index). */
export function indexRange(tableId: number, indexId: number): { start: Uint8Array; end: Uint8Array } {
  const start = encodeKey([int(tableId), int(indexId)]);
  return { start, end: prefixEnd(start) };
}

/** The whole key range of a table: rows and every index. */
export function tableRange(tableId: number): { start: Uint8Array; end: Uint8Array } {
  const start = encodeKey([int(tableId)]);
  return { start, end: prefixEnd(start) };
}

const encodeJson = (v: unknown): Uint8Array => new TextEncoder().encode(JSON.stringify(v));
const decodeJson = <T>(b: Uint8Array): T => JSON.parse(new TextDecoder().decode(b)) as T;

/** The database `db`, or undefined. */
export async function getDatabase(txn: Txn, db: string): Promise<DatabaseDef | undefined> {
  const v = await txn.get(databaseKey(db));
  return v === undefined ? undefined : decodeJson<DatabaseDef>(v);
}

/** Writes a database entry. */
export function putDatabase(txn: Txn, def: DatabaseDef): void {
  txn.put(databaseKey(def.name), encodeJson(def));
}

/** Every database, in name order. */
export async function listDatabases(txn: Txn): Promise<DatabaseDef[]> {
  const prefix = databasesPrefix();
  const out: DatabaseDef[] = [];
  for await (const kv of txn.scan({ start: prefix, end: prefixEnd(prefix) })) out.push(decodeJson<DatabaseDef>(kv.value));
  return out;
}

/** The table `db.table`, or undefined. */
export async function getTable(txn: Txn, db: string, table: string): Promise<TableDef | undefined> {
  const v = await txn.get(tableKey(db, table));
  return v === undefined ? undefined : decodeJson<TableDef>(v);
}

/** Writes a table entry. */
export function putTable(txn: Txn, def: TableDef): void {
  assert(def.columns.length > 0, 'a table has columns');
  txn.put(tableKey(def.db, def.name), encodeJson(def));
}

/** Every table of `db`, in name order. */
export async function listTables(txn: Txn, db: string): Promise<TableDef[]> {
  const prefix = tablesPrefix(db);
  const out: TableDef[] = [];
  for await (const kv of txn.scan({ start: prefix, end: prefixEnd(prefix) })) out.push(decodeJson<TableDef>(kv.value));
  return out;
}

/** Takes the next value of counter `name` (starting at `first`). */
export async function nextCounter(txn: Txn, name: string, first: number): Promise<number> {
  const key = counterKey(name);
  const v = await txn.get(key);
  const next = v === undefined ? first : Number(new TextDecoder().decode(v));
  txn.put(key, new TextEncoder().encode(String(next + 1)));
  return next;
}

/** The next value of counter `name` without taking it; undefined when it was never taken. */
export async function peekCounter(txn: Txn, name: string): Promise<number | undefined> {
  const v = await txn.get(counterKey(name));
  return v === undefined ? undefined : Number(new TextDecoder().decode(v));
}

/** The next AUTO_INCREMENT value of a table, without taking it. */
export async function peekAutoIncrement(txn: Txn, tableId: number): Promise<bigint> {
  const v = await txn.get(autoIncrementKey(tableId));
  return v === undefined ? 1n : BigInt(new TextDecoder().decode(v));
}

/** Sets the next AUTO_INCREMENT value of a table. */
export function setAutoIncrement(txn: Txn, tableId: number, next: bigint): void {
  txn.put(autoIncrementKey(tableId), new TextEncoder().encode(next.toString()));
}

/** True once SqlEngine.init wrote the catalog's version marker. */
export async function catalogInitialized(txn: Txn): Promise<boolean> {
  return (await txn.get(counterKey('catalog_version'))) !== undefined;
}

/**
 * A value a writer could not convert to the column an online MODIFY/CHANGE COLUMN is adding
 * (the row was stored anyway, its converted value NULL): the error it would have raised.
 */
export interface ConversionFailure {
  readonly errno: number;
  readonly message: string;
}

/** The conversion failure recorded for table `tableId`, or undefined. */
export async function getConversionFailure(txn: Txn, tableId: number): Promise<ConversionFailure | undefined> {
  const v = await txn.get(conversionFailureKey(tableId));
  return v === undefined ? undefined : decodeJson<ConversionFailure>(v);
}

/** Records a conversion failure of table `tableId` (the last one written wins). */
export function putConversionFailure(txn: Txn, tableId: number, failure: ConversionFailure): void {
  txn.put(conversionFailureKey(tableId), encodeJson(failure));
}

/** A view: its query as written, parsed again when the view is read. */
export interface ViewDef {
  readonly db: string;
  readonly name: string;
  /** Column names given in CREATE VIEW v (a, b); null: named after the query's columns. */
  readonly columns: readonly string[] | null;
  readonly selectText: string;
}

/** A trigger (only empty bodies exist: Atoll runs no stored programs yet). */
export interface TriggerDef {
  readonly db: string;
  readonly name: string;
  readonly table: string;
  readonly timing: 'BEFORE' | 'AFTER';
  readonly event: 'INSERT' | 'UPDATE' | 'DELETE';
}

/** Key of a view's entry. */
export const viewKey = (db: string, view: string): Uint8Array => sys(text('view'), text(db), text(view));
/** Key of a trigger's entry. */
export const triggerKey = (db: string, trigger: string): Uint8Array => sys(text('trg'), text(db), text(trigger));

/** The view `db.view`, or undefined. */
export async function getView(txn: Txn, db: string, view: string): Promise<ViewDef | undefined> {
  const v = await txn.get(viewKey(db, view));
  return v === undefined ? undefined : decodeJson<ViewDef>(v);
}

/** Writes a view entry. */
export function putView(txn: Txn, def: ViewDef): void {
  txn.put(viewKey(def.db, def.name), encodeJson(def));
}

/** Every view of `db`, in name order. */
export async function listViews(txn: Txn, db: string): Promise<ViewDef[]> {
  return listJson<ViewDef>(txn, sys(text('view'), text(db)));
}

/** The trigger `db.name`, or undefined. */
export async function getTrigger(txn: Txn, db: string, name: string): Promise<TriggerDef | undefined> {
  const v = await txn.get(triggerKey(db, name));
  return v === undefined ? undefined : decodeJson<TriggerDef>(v);
}

/** Writes a trigger entry. */
export function putTrigger(txn: Txn, def: TriggerDef): void {
  txn.put(triggerKey(def.db, def.name), encodeJson(def));
}

/** Every trigger of `db`, in name order. */
export async function listTriggers(txn: Txn, db: string): Promise<TriggerDef[]> {
  return listJson<TriggerDef>(txn, sys(text('trg'), text(db)));
}

async function listJson<T>(txn: Txn, prefix: Uint8Array): Promise<T[]> {
  const out: T[] = [];
  for await (const kv of txn.scan({ start: prefix, end: prefixEnd(prefix) })) out.push(decodeJson<T>(kv.value));
  return out;
}

/**
 * Statistics of one table as ANALYZE TABLE stored them. Columns and indexes are named (not
 * positions) so an ALTER TABLE after ANALYZE leaves the statistics of what it kept usable.
 */
export interface TableStats {
  /** The table analyzed (a dropped and recreated table has another id). */
  readonly tableId: number;
  /** Rows when ANALYZE ran (counted exactly). */
  readonly rows: number;
  /** Rows whose values were read: all of them, or a systematic sample of a large table. */
  readonly sampledRows: number;
  readonly columns: readonly ColumnStats[];
  /** PRIMARY (unless the table has a hidden row id) and every secondary index. */
  readonly indexes: readonly IndexStats[];
}

/** Statistics of one column. */
export interface ColumnStats {
  readonly name: string;
  /** Distinct non-NULL values (index collation: 'a' and 'A' are one value). */
  readonly distinct: number;
  readonly nulls: number;
  /** Smallest and largest value of a numeric column, as doubles. */
  readonly min?: number;
  readonly max?: number;
}

/** Statistics of one index: MySQL's Cardinality of every key prefix. */
export interface IndexStats {
  readonly name: string;
  /** cardinality[k] = distinct values of the first k+1 key columns (NULLs count as one value). */
  readonly cardinality: readonly number[];
}

/** Key of a table's statistics. */
export const tableStatsKey = (tableId: number): Uint8Array => sys(text('stat'), int(tableId));

/** The statistics of table `tableId`, or undefined when it was never analyzed. */
export async function getTableStats(txn: Txn, tableId: number): Promise<TableStats | undefined> {
  const v = await txn.get(tableStatsKey(tableId));
  return v === undefined ? undefined : decodeJson<TableStats>(v);
}

/** Writes a table's statistics. */
export function putTableStats(txn: Txn, stats: TableStats): void {
  assert(stats.rows >= 0 && stats.sampledRows <= stats.rows, 'table statistics count rows');
  txn.put(tableStatsKey(stats.tableId), encodeJson(stats));
}
