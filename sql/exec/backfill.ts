/**
 * The data work of an online ALTER TABLE (online-ddl.ts), in batches of
 * limits.ddlBackfillBatchRows rows, each committed in its own short transaction, while other
 * sessions keep writing the table:
 *
 *   - backfill: stores the converted value of an online MODIFY's shadow columns
 *     (row-layout.ts `convertedImage`) and adds the entries of write-only indexes for every
 *     row, in primary-key order. Concurrent writers already maintain both (write-only state),
 *     so a batch only adds what is missing: it locks each row and reads its current version
 *     (READ COMMITTED current read), so a row deleted since the batch's scan gets no entry
 *     (never resurrected) and a row changed since gets the entry of its current version; the
 *     lock holds until the batch commits, and a writer that slipped in anyway makes the commit
 *     fail (1213), which runs the batch again. A unique entry held by another row that still
 *     has that key is a duplicate: 1062, and the job rolls back; so does a value the new type
 *     refuses (1264, 1406, …, numbered by its row in primary-key order, as MySQL's copy does).
 *   - deleteIndexEntries: deletes every entry of indexes no writer touches any more.
 *   - clearSlots: sets dropped columns' stored values to NULL and cuts the slots a rolled-back
 *     ADD/MODIFY COLUMN took (row-layout.ts).
 *
 * Every batch reads the table's definition again and stops the job when the table is gone.
 */
import { assert } from '../../src/base/assert.js';
import { RetryableTxnError, SqlError } from '../../src/base/errors.js';
import { limits } from '../../src/base/limits.js';
import type { KeyRange, Txn, TxnKv } from '../../src/txn/txn-kv.js';
import { conversionFailureKey, getTable, indexRange, primaryIndexId, type IndexDef, type TableDef } from '../catalog.js';
import { decodeRow, encodeRow } from '../row-codec.js';
import type { JobStatus, SchemaSync } from '../schema-sync.js';
import type { Value } from '../values.js';
import { cleanedStored, convertedImage, hasConvertedColumns, imageOfStored } from './row-layout.js';
import { imageDuplicateText, imageEntryKey } from './table-access.js';

/** What batches run on. */
export interface BatchHost {
  readonly kv: TxnKv;
  readonly sync: SchemaSync;
}

/** The table a job works on: its name now and its id (a table dropped and created again has another). */
export interface JobTable {
  readonly db: string;
  readonly name: string;
  readonly id: number;
}

/** Thrown when the test hook says the process dies here (SchemaSync's testOnlyAfterBackfillBatch). */
export class JobDied extends Error {
  override readonly name = 'JobDied';
}

/** The job's table as the batch's transaction reads it; 1146 when it is gone. */
export async function jobDef(txn: Txn, table: JobTable): Promise<TableDef> {
  const def = await getTable(txn, table.db, table.name);
  if (def === undefined || def.id !== table.id) throw new SqlError('NO_SUCH_TABLE', `Table '${table.db}.${table.name}' doesn't exist`);
  return def;
}

/** Runs one batch in its own READ COMMITTED transaction, again after a write conflict. */
async function inBatch<T>(kv: TxnKv, body: (txn: Txn) => Promise<T>): Promise<T> {
  for (let attempt = 0; ; attempt++) {
    const txn = kv.begin({ isolation: 'READ-COMMITTED' });
    try {
      const result = await body(txn);
      await txn.commit();
      return result;
    } catch (e) {
      if (!txn.finished) txn.rollback();
      if (!(e instanceof RetryableTxnError) || attempt >= limits.ddlBackfillBatchRetriesMax) throw e;
    }
  }
}

/**
 * Lets timers and sockets run between two batches: over a store whose commits resolve as
 * microtasks, a job would otherwise hold the event loop until it ends.
 */
function yieldToEventLoop(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}

/** The smallest key after `key`. */
function successor(key: Uint8Array): Uint8Array {
  const next = new Uint8Array(key.length + 1);
  next.set(key);
  return next;
}

/** Keys (and values) of the next batch of `range`, from `start`. */
async function nextBatch(txn: Txn, range: KeyRange, start: Uint8Array, rows: number): Promise<{ key: Uint8Array; value: Uint8Array }[]> {
  const out: { key: Uint8Array; value: Uint8Array }[] = [];
  for await (const kv of txn.scan({ start, end: range.end }, { limit: rows })) out.push(kv);
  return out;
}

/**
 * One pass over every row: converts the shadow columns of an online MODIFY and adds the
 * entries of the write-only indexes `indexIds`; 1062 on a duplicate, the conversion's error on
 * a value the new type refuses. A pass starts by clearing the conversion failure writers
 * recorded (online-ddl.ts looks for a newer one before the switch and then runs another pass).
 */
export async function backfill(host: BatchHost, table: JobTable, indexIds: readonly number[], status: JobStatus): Promise<void> {
  const ids = new Set(indexIds);
  const range = indexRange(table.id, primaryIndexId);
  let cursor = range.start;
  let rowsSeen = 0;
  status.rowsBackfilled = 0;
  await inBatch(host.kv, async (txn) => {
    if (hasConvertedColumns(await jobDef(txn, table))) txn.delete(conversionFailureKey(table.id));
  });
  for (;;) {
    const batch = await inBatch(host.kv, async (txn) => {
      const def = await jobDef(txn, table);
      const indexes = (def.pending?.indexes ?? []).filter((ix) => ids.has(ix.id) && ix.state === 'writeOnly');
      assert(indexes.length === ids.size, 'a backfilled index is write-only until the backfill ends');
      const rows = await nextBatch(txn, range, cursor, host.sync.batchRows);
      let seen = rowsSeen;
      for (const row of rows) if (await backfillRow(txn, def, indexes, row.key, seen + 1)) seen++;
      return { rows, seen };
    });
    if (batch.rows.length === 0) return;
    rowsSeen = batch.seen;
    cursor = successor(batch.rows[batch.rows.length - 1]!.key);
    status.rowsBackfilled += batch.rows.length;
    if (host.sync.options.testOnlyAfterBackfillBatch?.(status) === 'die') throw new JobDied('the job died during its backfill');
    await yieldToEventLoop();
  }
}

/**
 * Backfills one row (locked, current version): its converted columns, then the missing entries
 * of `indexes`. False when the row is gone.
 */
async function backfillRow(txn: Txn, def: TableDef, indexes: readonly IndexDef[], key: Uint8Array, rowNumber: number): Promise<boolean> {
  await txn.lock(key);
  const bytes = await txn.get(key);
  if (bytes === undefined) return false; // deleted since the scan: no entry
  let image = imageOfStored(def, decodeRow(bytes));
  const converted = convertedImage(def, image, rowNumber);
  if (converted !== null) {
    // Entries writers computed from the value before the conversion (a row stored before the
    // shadow column existed reads it as NULL) make way for the converted one's.
    for (const index of def.pending?.indexes ?? []) await dropStaleEntry(txn, def, index, image, converted, key);
    txn.put(key, encodeRow(converted));
    image = converted;
  }
  for (const index of indexes) await indexRow(txn, def, index, image, key);
  return true;
}

/** Deletes the entry of `before` in `index` when `after` has another one and it points at `key`. */
async function dropStaleEntry(txn: Txn, def: TableDef, index: IndexDef, before: readonly Value[], after: readonly Value[], key: Uint8Array): Promise<void> {
  const stale = imageEntryKey(def, index, before);
  if (Buffer.compare(stale.key, imageEntryKey(def, index, after).key) === 0) return;
  if (stale.uniqueParts !== null) {
    await txn.lock(stale.key);
    const holder = await txn.get(stale.key);
    if (holder === undefined || Buffer.compare(holder, key) !== 0) return;
  }
  txn.delete(stale.key);
}

/** Adds the entry of a row (`image`, stored at `key`, locked) to `index` unless it is there. */
async function indexRow(txn: Txn, def: TableDef, index: IndexDef, image: readonly Value[], key: Uint8Array): Promise<void> {
  const entry = imageEntryKey(def, index, image);
  await txn.lock(entry.key);
  const holder = await txn.get(entry.key);
  if (holder !== undefined && Buffer.compare(holder, key) === 0) return; // a writer added it
  if (holder !== undefined && entry.uniqueParts !== null && (await stillHolds(txn, def, index, holder, entry.key))) {
    throw new SqlError('DUP_ENTRY', `Duplicate entry '${imageDuplicateText(def, index, image)}' for key '${def.name}.${index.name}'`);
  }
  txn.put(entry.key, key);
}

/** True when the row at `rowKey` (current version) has the index entry `entryKey`. */
async function stillHolds(txn: Txn, def: TableDef, index: IndexDef, rowKey: Uint8Array, entryKey: Uint8Array): Promise<boolean> {
  await txn.lock(rowKey);
  const bytes = await txn.get(rowKey);
  if (bytes === undefined) return false;
  return Buffer.compare(imageEntryKey(def, index, imageOfStored(def, decodeRow(bytes))).key, entryKey) === 0;
}

/** Deletes every entry of the indexes `indexIds` (no writer adds to them any more). */
export async function deleteIndexEntries(host: BatchHost, table: JobTable, indexIds: readonly number[]): Promise<void> {
  for (const id of indexIds) {
    const range = indexRange(table.id, id);
    let cursor = range.start;
    for (;;) {
      const entries = await inBatch(host.kv, async (txn) => {
        await jobDef(txn, table);
        const batch = await nextBatch(txn, range, cursor, host.sync.batchRows);
        for (const e of batch) txn.delete(e.key);
        return batch;
      });
      if (entries.length === 0) break;
      cursor = successor(entries[entries.length - 1]!.key);
      await yieldToEventLoop();
    }
  }
}

/**
 * Sets the stored values in `slots` (dropped columns) to NULL in every row and cuts the slots
 * beyond the layout (a rolled-back ADD/MODIFY COLUMN put the old slotCount back).
 */
export async function clearSlots(host: BatchHost, table: JobTable, slots: readonly number[]): Promise<void> {
  const range = indexRange(table.id, primaryIndexId);
  let cursor = range.start;
  for (;;) {
    const batch = await inBatch(host.kv, async (txn) => {
      const def = await jobDef(txn, table);
      const rows = await nextBatch(txn, range, cursor, host.sync.batchRows);
      for (const row of rows) {
        if (cleanedStored(def, decodeRow(row.value), slots) === null) continue;
        await txn.lock(row.key);
        const bytes = await txn.get(row.key);
        const cleaned = bytes === undefined ? null : cleanedStored(def, decodeRow(bytes), slots);
        if (cleaned !== null) txn.put(row.key, encodeRow(cleaned));
      }
      return rows;
    });
    if (batch.length === 0) return;
    cursor = successor(batch[batch.length - 1]!.key);
    await yieldToEventLoop();
  }
}
