/**
 * The catalog and the key layout of tables over TxnKv (see sql/DESIGN.md, "Key layout").
 *
 *   [0, 'db', db]                     → JSON DatabaseDef
 *   [0, 'tbl', db, table]             → JSON TableDef
 *   [0, 'ctr', name]                  → decimal text of a counter (next table id)
 *   [0, 'ainc', tableId]              → next AUTO_INCREMENT value / hidden row id
 *   [0, 'view', db, view]             → JSON ViewDef (the query as text)
 *   [0, 'trg', db, trigger]           → JSON TriggerDef
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
}

/** A secondary (or unique) index. */
export interface IndexDef {
  readonly id: number;
  readonly name: string;
  /** Positions in TableDef.columns. */
  readonly columns: readonly number[];
  readonly unique: boolean;
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
