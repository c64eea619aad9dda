/**
 * Reading and writing table rows and their index entries through a Txn. Index keys hold
 * collation-folded strings (so 'abc' and 'ABC' collide in a UNIQUE index, as in MySQL);
 * rows keep the original values. Stored rows follow the table's row layout (row-layout.ts);
 * writers also maintain the write-only and delete-only indexes of an online ALTER TABLE
 * (TableDef.pending), whose entries are computed from the stored image of the row, and store
 * the converted value of an online MODIFY's shadow column (row-layout.ts `convertDerived`;
 * a value the new type refuses is recorded under catalog.ts `conversionFailureKey` for the
 * ALTER to fail on, while the statement itself succeeds).
 */
import { SqlError } from '../../src/base/errors.js';
import { limits } from '../../src/base/limits.js';
import type { KeyRange, Txn } from '../../src/txn/txn-kv.js';
import { encodeKey, prefixEnd, type KeyPart } from '../../storage/key-codec.js';
import { indexKey, indexRange, nextCounter, primaryIndexId, putConversionFailure, rowKey, type IndexDef, type TableDef } from '../catalog.js';
import { Decimal } from '../decimal.js';
import { decodeRow, encodeRow } from '../row-codec.js';
import type { SqlType } from '../types.js';
import { collationKey, toBytes, toDecimal, toDouble, toText, type Value } from '../values.js';
import {
  convertDerived, deletableIndexes, extendedType, imageOfRow, imageOfStored, imageRowId, imageValue, needsStoredImage, replaceInImage, storedToRow,
  writableIndexes,
} from './row-layout.js';

const encoder = new TextEncoder();

/** The key part of a value stored in a column of `type`. */
export function keyPart(v: Value, type: SqlType): KeyPart {
  if (v === null) return { kind: 'null' };
  switch (type.kind) {
    case 'int':
      return { kind: 'int', value: typeof v === 'bigint' ? v : BigInt(toText(v)) };
    case 'decimal':
      return { kind: 'decimal', value: toDecimal(v).toString() };
    case 'float':
    case 'double':
      return { kind: 'float', value: toDouble(v) };
    case 'string':
      return { kind: 'bytes', value: encoder.encode(collationKey(toText(v))) };
    case 'binary':
      return { kind: 'bytes', value: toBytes(v) };
    default:
      return { kind: 'bytes', value: encoder.encode(toText(v)) };
  }
}

/** A hidden row id is stored as the last column of a table without a primary key. */
export function hasHiddenRowId(def: TableDef): boolean {
  return def.primaryKey.length === 0;
}

/** Primary key parts of a stored row (hidden row id: the extra last value). */
export function primaryKeyParts(def: TableDef, row: readonly Value[]): KeyPart[] {
  if (hasHiddenRowId(def)) return [{ kind: 'int', value: row[def.columns.length] as bigint }];
  return def.primaryKey.map((i) => keyPart(row[i] ?? null, def.columns[i]!.type));
}

/** Index key of `row` in `index`: the indexed columns, then the primary key unless unique and NULL-free. */
export function indexEntryKey(def: TableDef, index: IndexDef, row: readonly Value[]): { key: Uint8Array; uniqueParts: KeyPart[] | null } {
  const parts = index.columns.map((i) => keyPart(row[i] ?? null, def.columns[i]!.type));
  const enforce = index.unique && parts.every((p) => p.kind !== 'null');
  const key = indexKey(def.id, index.id, enforce ? parts : [...parts, ...primaryKeyParts(def, row)]);
  return { key, uniqueParts: enforce ? parts : null };
}

/** Index key of a stored image (row-layout.ts) in any index, pending ones included. */
export function imageEntryKey(def: TableDef, index: IndexDef, image: readonly Value[]): { key: Uint8Array; uniqueParts: KeyPart[] | null } {
  const parts = index.columns.map((p) => keyPart(imageValue(def, image, p), extendedType(def, p)));
  const enforce = index.unique && parts.every((p) => p.kind !== 'null');
  const key = indexKey(def.id, index.id, enforce ? parts : [...parts, ...imagePrimaryKeyParts(def, image)]);
  return { key, uniqueParts: enforce ? parts : null };
}

/** Primary key parts of a stored image. */
export function imagePrimaryKeyParts(def: TableDef, image: readonly Value[]): KeyPart[] {
  if (hasHiddenRowId(def)) return [{ kind: 'int', value: imageRowId(def, image) as bigint }];
  return def.primaryKey.map((i) => keyPart(imageValue(def, image, i), def.columns[i]!.type));
}

/** The stored image of a row a writer is about to replace or delete (read back when pending columns need it). */
async function storedImage(txn: Txn, def: TableDef, row: readonly Value[], key: Uint8Array): Promise<Value[]> {
  if (needsStoredImage(def, row)) {
    const bytes = await txn.get(key);
    if (bytes !== undefined) return imageOfStored(def, decodeRow(bytes));
  }
  return imageOfRow(def, row);
}

function rowCountGuard(n: number): void {
  if (n > limits.statementRowsMax) throw new SqlError('UNKNOWN_ERROR', `Statement reads more than ${limits.statementRowsMax} rows`);
}

/** Rows whose primary keys fall in `ranges` (byte ranges over the primary index). */
export async function scanRows(txn: Txn, def: TableDef, ranges: readonly KeyRange[]): Promise<Value[][]> {
  const rows: Value[][] = [];
  for (const range of ranges) {
    for await (const kv of txn.scan(range)) {
      rows.push(decodeRow(kv.value));
      rowCountGuard(rows.length);
    }
  }
  return rows.map((r) => padRow(def, r));
}

/** Rows found through a secondary index's byte ranges. */
export async function scanRowsByIndex(txn: Txn, def: TableDef, ranges: readonly KeyRange[]): Promise<Value[][]> {
  const keys: Uint8Array[] = [];
  const seen = new Set<string>();
  for (const range of ranges) {
    for await (const kv of txn.scan(range)) {
      const id = Buffer.from(kv.value).toString('latin1');
      if (seen.has(id)) continue;
      seen.add(id);
      keys.push(kv.value);
      rowCountGuard(keys.length);
    }
  }
  const values = await txn.batchGet(keys);
  return values.filter((v): v is Uint8Array => v !== undefined).map((v) => padRow(def, decodeRow(v)));
}

/** Rows at exact primary keys. */
export async function getRows(txn: Txn, def: TableDef, pks: readonly KeyPart[][]): Promise<Value[][]> {
  const values = await txn.batchGet(pks.map((pk) => rowKey(def.id, pk)));
  return values.filter((v): v is Uint8Array => v !== undefined).map((v) => padRow(def, decodeRow(v)));
}

/**
 * A decoded stored row as queries see it: one value per column (plus the hidden row id),
 * however old its encoding (row-layout.ts: columns added later read as their fill).
 */
export function padRow(def: TableDef, row: Value[]): Value[] {
  return storedToRow(def, row);
}

/** The byte range of the whole primary index. */
export function fullRange(def: TableDef): KeyRange {
  return indexRange(def.id, primaryIndexId);
}

/** Byte range of index entries whose leading parts equal `prefix`. */
export function prefixRange(def: TableDef, indexId: number, prefix: readonly KeyPart[]): KeyRange {
  const start = indexKey(def.id, indexId, prefix);
  return { start, end: prefixEnd(start) };
}

/** Byte range of index entries whose first part lies between optional bounds. */
export function boundsRange(def: TableDef, indexId: number, low: { part: KeyPart; inclusive: boolean } | null, high: { part: KeyPart; inclusive: boolean } | null): KeyRange {
  const whole = indexRange(def.id, indexId);
  const start = low === null ? whole.start : low.inclusive ? indexKey(def.id, indexId, [low.part]) : prefixEnd(indexKey(def.id, indexId, [low.part]));
  const end = high === null ? whole.end : high.inclusive ? prefixEnd(indexKey(def.id, indexId, [high.part])) : indexKey(def.id, indexId, [high.part]);
  return { start, end };
}

/** Text of a duplicate value for the 1062 message ('1-abc' for a composite key). */
/** The key value of `row` in `columns` as 1062 messages print it. */
export function duplicateText(def: TableDef, columns: readonly number[], row: readonly Value[]): string {
  return keyValuesText(columns.map((i) => row[i] ?? null));
}

function keyValuesText(values: readonly Value[]): string {
  return values.map((v) => {
    if (v === null) return 'NULL';
    if (v instanceof Decimal) return v.toString();
    return toText(v);
  }).join('-');
}

/**
 * Locks a stored row and reads its newest committed version (InnoDB's current read): a writer
 * waits for another writer of the same row instead of failing at commit. Null when the row is
 * gone by then.
 */
export async function lockAndReadCurrent(txn: Txn, def: TableDef, row: readonly Value[]): Promise<Value[] | null> {
  const key = rowKey(def.id, primaryKeyParts(def, row));
  await txn.lock(key);
  const bytes = await txn.get(key);
  return bytes === undefined ? null : padRow(def, decodeRow(bytes));
}

/** Writes a new row and its index entries; 1062 when a primary or unique key already exists. */
export async function insertRow(txn: Txn, def: TableDef, row: Value[]): Promise<void> {
  if (hasHiddenRowId(def)) row[def.columns.length] = BigInt(await nextCounter(txn, `rowid:${def.id}`, 1));
  const key = rowKey(def.id, primaryKeyParts(def, row));
  // Lock before the existence check, so a concurrent insert of the same key waits and then
  // sees this one (1062), as in MySQL, instead of both passing the check.
  await txn.lock(key);
  if (!hasHiddenRowId(def) && (await txn.get(key)) !== undefined) {
    throw new SqlError('DUP_ENTRY', `Duplicate entry '${duplicateText(def, def.primaryKey, row)}' for key '${def.name}.PRIMARY'`);
  }
  const image = imageOfRow(def, row);
  noteConversion(txn, def, convertDerived(def, image, null));
  await writeIndexEntries(txn, def, image, key, writableIndexes(def));
  txn.put(key, encodeRow(image));
}

/** Records a value an online MODIFY's new column refuses: that ALTER fails (online-ddl.ts), this statement does not. */
function noteConversion(txn: Txn, def: TableDef, failure: SqlError | null): void {
  if (failure !== null) putConversionFailure(txn, def.id, { errno: failure.errno, message: failure.message });
}

/** Adds the entries of `image` (stored at `key`) to `indexes`; 1062 when a unique one is taken. */
export async function writeIndexEntries(txn: Txn, def: TableDef, image: readonly Value[], key: Uint8Array, indexes: readonly IndexDef[]): Promise<void> {
  for (const index of indexes) {
    const entry = imageEntryKey(def, index, image);
    if (entry.uniqueParts !== null) await txn.lock(entry.key);
    if (entry.uniqueParts !== null && (await txn.get(entry.key)) !== undefined) {
      throw new SqlError('DUP_ENTRY', `Duplicate entry '${imageDuplicateText(def, index, image)}' for key '${def.name}.${index.name}'`);
    }
    txn.put(entry.key, key);
  }
}

/** The 1062 text of `image`'s key in `index` (which may be pending). */
export function imageDuplicateText(def: TableDef, index: IndexDef, image: readonly Value[]): string {
  return keyValuesText(index.columns.map((p) => imageValue(def, image, p)));
}

/**
 * Deletes a stored row and its index entries. A row read through this module carries its
 * stored image (row-layout.ts), so entries of pending indexes on write-only columns go too.
 */
export function deleteRow(txn: Txn, def: TableDef, row: readonly Value[]): void {
  const image = imageOfRow(def, row);
  for (const index of deletableIndexes(def)) txn.delete(imageEntryKey(def, index, image).key);
  txn.delete(rowKey(def.id, primaryKeyParts(def, row)));
}

/** Replaces `before` by `after` (same hidden row id), keeping indexes and uniqueness right. */
export async function updateRow(txn: Txn, def: TableDef, before: readonly Value[], after: Value[]): Promise<void> {
  if (hasHiddenRowId(def)) after[def.columns.length] = before[def.columns.length] ?? null;
  const oldKey = rowKey(def.id, primaryKeyParts(def, before));
  const newKey = rowKey(def.id, primaryKeyParts(def, after));
  const keyChanged = Buffer.compare(oldKey, newKey) !== 0;
  const beforeImage = await storedImage(txn, def, before, oldKey);
  const afterImage = replaceInImage(def, beforeImage, after);
  noteConversion(txn, def, convertDerived(def, afterImage, beforeImage));
  for (const index of deletableIndexes(def)) txn.delete(imageEntryKey(def, index, beforeImage).key);
  if (keyChanged) {
    txn.delete(oldKey);
    await txn.lock(newKey);
    if ((await txn.get(newKey)) !== undefined) {
      throw new SqlError('DUP_ENTRY', `Duplicate entry '${duplicateText(def, def.primaryKey, after)}' for key '${def.name}.PRIMARY'`);
    }
  }
  await writeIndexEntries(txn, def, afterImage, newKey, writableIndexes(def));
  txn.put(newKey, encodeRow(afterImage));
}

/** Adds the entries of a new index for every existing row; 1062 on a duplicate. */
export async function buildIndex(txn: Txn, def: TableDef, index: IndexDef): Promise<void> {
  const rows = await scanRows(txn, def, [fullRange(def)]);
  for (const row of rows) await writeIndexEntries(txn, def, imageOfRow(def, row), rowKey(def.id, primaryKeyParts(def, row)), [index]);
}

/** Deletes every key of a table: rows and all index entries. */
export async function deleteTableData(txn: Txn, range: KeyRange): Promise<void> {
  const keys: Uint8Array[] = [];
  for await (const kv of txn.scan(range)) keys.push(kv.key);
  for (const k of keys) txn.delete(k);
}

export { encodeKey };
