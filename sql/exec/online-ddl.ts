/**
 * Online ALTER TABLE, F1 / TiDB style: ADD/DROP INDEX, ADD UNIQUE, ADD/DROP COLUMN,
 * MODIFY/CHANGE COLUMN (and CREATE/DROP INDEX) run as a job of short steps while other sessions
 * keep reading and writing the table. Each step is its own DDL commit that changes the stored
 * TableDef and bumps the schema version (plan-cache.ts); before a step commits, every
 * transaction that began before the previous step has ended (schema-sync.ts), so at most two
 * adjacent states are ever in use.
 *
 *   add phase   (when the ALTER adds columns or indexes)
 *     1. new columns write-only, new indexes delete-only      (TableDef.pending, 'add')
 *     2. new indexes write-only; backfill them (and the shadow columns of a MODIFY) in
 *        batches                                              (backfill.ts)
 *   final       3. the new definition public — columns, indexes, name — in one commit; what it
 *                  drops goes write-only                        (TableDef.pending, 'drop')
 *   retire      (what is pending goes away: the drop phase, or the rollback of a failed add)
 *     4. pending indexes delete-only
 *     5. pending columns and indexes gone; their entries and stored values become garbage
 *     6. garbage deleted in batches, then the pending part removed
 *
 * Queries never read a pending index or see a pending column; writers store pending columns
 * and maintain write-only indexes (and delete from delete-only ones): table-access.ts,
 * row-layout.ts. ADD COLUMN never rewrites rows: old rows read the new column as its fill
 * value; DROP COLUMN leaves the old values in their slot until step 6 sets them to NULL.
 *
 * MODIFY/CHANGE COLUMN (alter-plan.ts) is metadata only when no stored value can change
 * (a widening, a rename, a new DEFAULT): step 3 alone. Otherwise the new definition is a
 * *shadow* column in a new slot, added in step 1 with the indexes over it: every writer stores
 * in it the old value converted by storeValue (a strict INSERT's conversion), step 2 converts
 * every row, and step 3 puts the shadow at the old column's position under the new name while
 * the old column and its indexes go to the drop phase. A value the new type refuses fails the
 * ALTER with MySQL's error (1264, 1406, 1366, …): met by the backfill, at its row number; met
 * by a concurrent writer, which stores the row anyway and records the failure
 * (catalog.ts `conversionFailureKey`), the ALTER runs the backfill once more before step 3 —
 * it finds the row or sees it fixed. Step 3 reads and deletes that record in its commit, so a
 * writer still on the old state that records one after it conflicts (1213) and, retried, meets
 * the new type itself.
 *
 * Until step 3 nothing is visible, so a failure (1062 on a UNIQUE backfill, a value that does
 * not convert, a conflict, a timeout) rolls the job back through steps 4–6 and leaves the table
 * as it was: the slots it took are cut from every row and the definition put back. A job that
 * dies (process crash) leaves its pending part in the catalog: the table stays usable (the
 * pending index is never read; writers keep maintaining it) and the next ALTER on the table,
 * or SqlEngine.init, retires it — an unfinished add is rolled back, an unfinished drop finished.
 *
 * Still in one transaction (alter-table.ts), after any pending part is retired: RENAME TO and
 * FOREIGN KEY actions, an ALTER that touches a foreign key of the table, as child or as parent
 * (alter-plan.ts `touchesForeignKeys`, `rebuildsKeyIndex`: it drops or changes a key column,
 * or drops or rebuilds an index that leads with a key's columns; foreign-key-guards.ts checks
 * those and keeps both sides of a key right inside that transaction), and the MODIFYs
 * alter-plan.ts leaves to it (a primary key or AUTO_INCREMENT column that needs a conversion,
 * AUTO_INCREMENT, PRIMARY KEY or UNIQUE added by the MODIFY, a column the same ALTER already
 * added or modified).
 *
 * Any other ALTER of a table with foreign keys runs online: its keys keep their columns and
 * every index that can serve them in every state, and writers in either of the two states
 * enforce them the same way (foreign-keys.ts writes cascades through table-access.ts, which
 * maintains pending indexes and columns). Another table's DDL may add a key that references
 * this one while the job runs (CREATE TABLE … REFERENCES links itself into this definition),
 * so step 3 reads the keys again in its commit: an ALTER that now touches one is rolled back
 * and runs in one transaction after all, with that path's checks and errors. That commit
 * writes this definition, as the other DDL does, so one of the two fails (1213) if they race.
 */
import { ER, RetryableTxnError, SqlError, type ErrorCode } from '../../src/base/errors.js';
import type { Timestamp } from '../../src/base/ids.js';
import { limits } from '../../src/base/limits.js';
import type { Txn, TxnKv } from '../../src/txn/txn-kv.js';
import type { AlterAction, Statement } from '../ast/statement.js';
import {
  conversionFailureKey, getConversionFailure, getTable, listDatabases, listTables, putTable, type ConversionFailure, type PendingSchemaChange, type TableDef,
} from '../catalog.js';
import type { StatementResult } from '../session-api.js';
import type { JobStatus, SchemaSync } from '../schema-sync.js';
import { alterTable } from './alter-table.js';
import { NeedsOneTransaction, planAlter, onlineActionKinds, rebuildsKeyIndex, touchesForeignKeys, type AlterPlan, type KeyColumns } from './alter-plan.js';
import { backfill, clearSlots, deleteIndexEntries, JobDied, type JobTable } from './backfill.js';
import { databaseOf } from './ddl.js';
import { keyColumnsOf } from './foreign-key-guards.js';
import type { CompileEnv } from './plan-types.js';

/** What a job needs from the engine. */
export interface OnlineDdlHost {
  readonly kv: TxnKv;
  readonly sync: SchemaSync;
  /** Drops cached definitions: before a step commits (null) and after it (its commit timestamp). */
  invalidateSchema(commitTs: Timestamp | null): void;
}

/** A schema statement's result and its last commit timestamp. */
export interface DdlOutcome {
  readonly result: StatementResult;
  readonly commitTs: Timestamp | null;
}

const alterOk: StatementResult = { kind: 'ok', affectedRows: 0n, lastInsertId: 0n, info: 'Records: 0  Duplicates: 0  Warnings: 0', warningCount: 0 };
const indexOk: StatementResult = { kind: 'ok', affectedRows: 0n, lastInsertId: 0n, info: '', warningCount: 0 };

/**
 * Runs ALTER TABLE, CREATE INDEX and DROP INDEX; waits for a job on the table of DROP TABLE
 * and TRUNCATE (then returns undefined: the caller runs them). Undefined for other statements.
 */
export async function runTableDdl(stmt: Statement, host: OnlineDdlHost, database: string | null, env: CompileEnv): Promise<DdlOutcome | undefined> {
  switch (stmt.kind) {
    case 'alterTable':
      return alterTableJob(host, { db: databaseOf(stmt.table, database), name: stmt.table.name }, stmt.actions, env, alterOk);
    case 'createIndex':
      return alterTableJob(host, { db: databaseOf(stmt.table, database), name: stmt.table.name }, [{ kind: 'addIndex', index: stmt.index }], env, indexOk);
    case 'dropIndex':
      return alterTableJob(host, { db: databaseOf(stmt.table, database), name: stmt.table.name }, [{ kind: 'dropIndex', name: stmt.name }], env, indexOk);
    case 'dropTable':
      for (const t of stmt.tables) await host.sync.waitForJob(databaseOf(t, database), t.name);
      return undefined;
    case 'truncate':
      await host.sync.waitForJob(databaseOf(stmt.table, database), stmt.table.name);
      return undefined;
    default:
      return undefined;
  }
}

async function readTable(kv: TxnKv, db: string, name: string): Promise<TableDef> {
  const txn = kv.begin({ readOnly: true });
  try {
    const def = await getTable(txn, db, name);
    if (def === undefined) throw new SqlError('NO_SUCH_TABLE', `Table '${db}.${name}' doesn't exist`);
    return def;
  } finally {
    txn.rollback();
  }
}

async function alterTableJob(host: OnlineDdlHost, name: { db: string; name: string }, actions: readonly AlterAction[], env: CompileEnv, ok: StatementResult): Promise<DdlOutcome> {
  const found = await readTable(host.kv, name.db, name.name);
  const status = await host.sync.startJob(name.db, name.name, found.id);
  const table: JobTable = { ...name, id: found.id };
  try {
    if ((await readTable(host.kv, table.db, table.name)).pending !== undefined) await retire(host, table, status);
    const { def, keys } = await withReadTxn(host.kv, async (txn) => {
      const current = await readTableIn(txn, table);
      return { def: current, keys: await keyColumnsOf(txn, current) };
    });
    const plan = planOnline(def, actions, env, keys);
    if (plan === undefined) return { result: ok, commitTs: await oneTransaction(host, table, actions, env) };
    // Step 3 reads the keys again: another table may have made one that this ALTER touches.
    const keysLeftAlone = async (txn: Txn): Promise<void> => {
      const keysNow = await keyColumnsOf(txn, await readTableIn(txn, table));
      if (touchesForeignKeys(def, actions, keysNow) || rebuildsKeyIndex(def, plan, keysNow)) throw new KeysChanged();
    };
    try {
      return { result: ok, commitTs: await runPlan(host, table, status, plan, env, keysLeftAlone) };
    } catch (e) {
      if (!(e instanceof KeysChanged)) throw e;
      // Rolled back: the one-transaction path runs it now, with the checks foreign keys need.
      await retire(host, table, status);
      return { result: ok, commitTs: await oneTransaction(host, table, actions, env) };
    }
  } finally {
    host.sync.endJob(status);
  }
}

/** Thrown by step 3 when the ALTER now touches a foreign key another table's DDL just made. */
class KeysChanged extends Error {
  override readonly name = 'KeysChanged';
}

/**
 * The online plan of `actions`, or undefined when only the one-transaction path runs them:
 * other action kinds, an ALTER that touches a foreign key (`keys`: the column lists keys use,
 * foreign-key-guards.ts `keyColumnsOf`; see alter-plan.ts), and what alter-plan.ts leaves to it.
 */
function planOnline(def: TableDef, actions: readonly AlterAction[], env: CompileEnv, keys: KeyColumns): AlterPlan | undefined {
  if (!actions.every((a) => onlineActionKinds.has(a.kind)) || touchesForeignKeys(def, actions, keys)) return undefined;
  let plan: AlterPlan;
  try {
    plan = planAlter(def, actions, env);
  } catch (e) {
    if (e instanceof NeedsOneTransaction) return undefined;
    throw e;
  }
  return rebuildsKeyIndex(def, plan, keys) ? undefined : plan;
}

/** RENAME TO, FOREIGN KEY actions and others: the whole ALTER in one transaction (alter-table.ts). */
async function oneTransaction(host: OnlineDdlHost, table: JobTable, actions: readonly AlterAction[], env: CompileEnv): Promise<Timestamp> {
  const txn = host.kv.begin();
  try {
    await alterTable({ kind: 'alterTable', table: { db: table.db, name: table.name }, actions }, txn, table.db, env);
    host.invalidateSchema(null);
    const { commitTs } = await txn.commit();
    host.invalidateSchema(commitTs);
    return commitTs;
  } finally {
    if (!txn.finished) txn.rollback();
  }
}

/** Steps 1–3 (and the drop phase after them); rolls back a failed add phase. */
async function runPlan(host: OnlineDdlHost, table: JobTable, status: JobStatus, plan: AlterPlan, env: CompileEnv, keysLeftAlone: (txn: Txn) => Promise<void>): Promise<Timestamp> {
  let commitTs: Timestamp;
  try {
    if (plan.addedColumns.length > 0 || plan.addedIndexes.length > 0) await addPhase(host, table, status, plan);
    status.phase = 'public';
    commitTs = await publish(host, table, status, plan, keysLeftAlone);
  } catch (e) {
    if (!(e instanceof JobDied)) await rollBack(host, table, status);
    throw e instanceof JobDied ? new SqlError('QUERY_INTERRUPTED', 'Query execution was interrupted') : e;
  }
  try {
    await retire(host, table, status);
  } catch (e) {
    // The ALTER is committed and visible; what is left of the drop is finished by the next
    // ALTER on this table or at startup.
    env.session.warn?.('Warning', e instanceof SqlError ? e.errno : 1815, `ALTER TABLE committed; dropping the old parts was left for later: ${e instanceof Error ? e.message : String(e)}`);
  }
  return commitTs;
}

/** A conversion failure a concurrent writer recorded (catalog.ts), found by step 3. */
class RecordedFailure extends Error {
  override readonly name = 'RecordedFailure';
  constructor(readonly failure: ConversionFailure) {
    super(failure.message);
  }
}

/** The error a writer recorded, as the ALTER's error. */
function recordedError(failure: ConversionFailure): SqlError {
  const code = (Object.keys(ER) as ErrorCode[]).find((c) => ER[c].errno === failure.errno) ?? 'UNKNOWN_ERROR';
  return new SqlError(code, failure.message);
}

/**
 * Step 3. With shadow columns, the commit also reads and deletes the conversion failure
 * writers record: one found means a row the backfill passed may not convert, so the backfill
 * runs again (it fails on that row, or the row was fixed meanwhile) — at most
 * limits.ddlConversionPassesMax passes, then the recorded error is the ALTER's. A writer that
 * records one while the step commits makes it fail with 1213; it runs again. `keysLeftAlone`
 * checks, in the same commit, that the ALTER still touches no foreign key (KeysChanged).
 */
async function publish(host: OnlineDdlHost, table: JobTable, status: JobStatus, plan: AlterPlan, keysLeftAlone: (txn: Txn) => Promise<void>): Promise<Timestamp> {
  const converts = plan.addedColumns.some((c) => c.convertsFrom !== undefined);
  const prepare = async (txn: Txn): Promise<void> => {
    await keysLeftAlone(txn);
    if (!converts) return;
    const failure = await getConversionFailure(txn, table.id);
    if (failure !== undefined) throw new RecordedFailure(failure);
    txn.delete(conversionFailureKey(table.id));
  };
  for (let passes = 1, conflicts = 0; ;) {
    try {
      return (await commitStep(host, table, (cur) => publicDef(cur, plan), prepare)).commitTs;
    } catch (e) {
      if (e instanceof RetryableTxnError && converts && conflicts++ < limits.ddlBackfillBatchRetriesMax) continue;
      if (!(e instanceof RecordedFailure)) throw e;
      if (passes++ >= limits.ddlConversionPassesMax) throw recordedError(e.failure);
      status.phase = 'backfill';
      await backfill(host, table, plan.addedIndexes.map((ix) => ix.id), status);
      status.phase = 'public';
    }
  }
}

async function rollBack(host: OnlineDdlHost, table: JobTable, status: JobStatus): Promise<void> {
  try {
    await retire(host, table, status);
  } catch {
    // Left pending (never read by queries): the next ALTER on the table or startup retires it.
  }
}

/** Steps 1 and 2 and the backfill. */
async function addPhase(host: OnlineDdlHost, table: JobTable, status: JobStatus, plan: AlterPlan): Promise<void> {
  status.phase = 'deleteOnly';
  const converts = plan.addedColumns.some((c) => c.convertsFrom !== undefined);
  await commitStep(host, table, (cur) => ({
    ...cur,
    columns: plan.base.columns,
    ...(plan.base.slotCount === undefined ? {} : { slotCount: plan.base.slotCount }),
    nextIndexId: plan.target.nextIndexId,
    pending: {
      direction: 'add', columns: plan.addedColumns, indexes: plan.addedIndexes.map((ix) => ({ ...ix, state: 'deleteOnly' as const })),
      garbageIndexIds: [], garbageSlots: [], restoreNextIndexId: cur.nextIndexId,
      ...(plan.addedColumns.length === 0 ? {} : { restoreLayout: { columns: cur.columns, ...(cur.slotCount === undefined ? {} : { slotCount: cur.slotCount }) } }),
    },
  }));
  if (plan.addedIndexes.length > 0) {
    status.phase = 'writeOnly';
    await commitStep(host, table, (cur) => withPending(cur, { indexes: pendingOf(cur).indexes.map((ix) => ({ ...ix, state: 'writeOnly' as const })) }));
  } else if (!converts) {
    return;
  }
  // Every writer now maintains the new indexes and shadow columns: what the backfill does not see, they write.
  await host.sync.waitForOlder(host.sync.lastStepBarrier);
  status.phase = 'backfill';
  await backfill(host, table, plan.addedIndexes.map((ix) => ix.id), status);
}

/** Step 3: the target definition, and what it drops write-only. */
function publicDef(cur: TableDef, plan: AlterPlan): TableDef {
  const { pending: _pending, ...rest } = cur;
  const { slotCount: _slotCount, ...unslotted } = rest;
  const target = plan.target;
  const next: TableDef = {
    ...(target.slotCount === undefined ? unslotted : rest),
    columns: target.columns, primaryKey: target.primaryKey, indexes: target.indexes, nextIndexId: target.nextIndexId,
    ...(target.slotCount === undefined ? {} : { slotCount: target.slotCount }),
  };
  if (plan.droppedColumns.length === 0 && plan.droppedIndexes.length === 0) return next;
  return {
    ...next,
    pending: {
      direction: 'drop', columns: plan.droppedColumns, indexes: plan.droppedIndexes.map((ix) => ({ ...ix, state: 'writeOnly' as const })),
      garbageIndexIds: [], garbageSlots: [],
    },
  };
}

/** Steps 4–6: drives a pending part to its end (finishes a drop, rolls back an add). */
export async function retire(host: OnlineDdlHost, table: JobTable, status: JobStatus): Promise<void> {
  status.phase = 'rollback';
  let def = await readTable(host.kv, table.db, table.name);
  const pending = def.pending;
  if (pending === undefined) return;
  if (pending.direction === 'drop') status.phase = 'dropping';
  if (pending.indexes.some((ix) => ix.state === 'writeOnly')) {
    def = (await commitStep(host, table, (cur) => withPending(cur, { indexes: pendingOf(cur).indexes.map((ix) => ({ ...ix, state: 'deleteOnly' as const })) }))).def;
  }
  if (pending.indexes.length > 0 || pending.columns.length > 0) {
    def = (await commitStep(host, table, (cur) => {
      const p = pendingOf(cur);
      // A rolled-back ADD/MODIFY COLUMN: writers go back to the old width at once (its slots are cut below).
      const restore = p.restoreLayout;
      return {
        ...withPending(cur, {
          columns: [], indexes: [],
          garbageIndexIds: [...p.garbageIndexIds, ...p.indexes.map((ix) => ix.id)],
          garbageSlots: [...p.garbageSlots, ...(p.direction === 'drop' ? p.columns.map((c) => c.slot!) : [])],
        }),
        ...(restore === undefined ? {} : { slotCount: restore.slotCount ?? restore.columns.length }),
      };
    })).def;
    // Writers that still stored the columns or wrote the indexes are gone before the cleanup.
    await host.sync.waitForOlder(host.sync.lastStepBarrier);
  }
  status.phase = 'cleanup';
  const garbage = pendingOf(def);
  await deleteIndexEntries(host, table, garbage.garbageIndexIds);
  if (garbage.garbageSlots.length > 0 || garbage.restoreLayout !== undefined) await clearSlots(host, table, garbage.garbageSlots);
  await commitStep(host, table, (cur) => {
    const { pending: p, slotCount: _slotCount, ...rest } = cur;
    const restore = p?.restoreLayout;
    const slotCount = restore === undefined ? cur.slotCount : restore.slotCount;
    return {
      ...rest,
      ...(restore === undefined ? {} : { columns: restore.columns }),
      ...(slotCount === undefined ? {} : { slotCount }),
      ...(p?.restoreNextIndexId === undefined ? {} : { nextIndexId: p.restoreNextIndexId }),
    };
  }, garbage.restoreLayout === undefined ? undefined : async (txn) => {
    // A rolled-back MODIFY leaves no recorded conversion failure behind.
    txn.delete(conversionFailureKey(table.id));
  });
}

function pendingOf(def: TableDef): PendingSchemaChange {
  if (def.pending === undefined) throw new SqlError('INTERNAL', `the schema change of ${def.db}.${def.name} vanished`);
  return def.pending;
}

function withPending(def: TableDef, change: Partial<PendingSchemaChange>): TableDef {
  return { ...def, pending: { ...pendingOf(def), ...change } };
}

async function withReadTxn<T>(kv: TxnKv, body: (txn: Txn) => Promise<T>): Promise<T> {
  const txn = kv.begin({ readOnly: true });
  try {
    return await body(txn);
  } finally {
    txn.rollback();
  }
}

async function readTableIn(txn: Txn, table: JobTable): Promise<TableDef> {
  const def = await getTable(txn, table.db, table.name);
  if (def === undefined || def.id !== table.id) throw new SqlError('NO_SUCH_TABLE', `Table '${table.db}.${table.name}' doesn't exist`);
  return def;
}

/**
 * One schema state step: waits until no transaction older than the previous step is open,
 * then writes `change(current definition)` in its own commit, with the plan cache invalidated
 * around it; `prepare` reads or writes other keys in that commit first. The change applies to
 * the definition as it is now (another table's FOREIGN KEY may have changed it between steps).
 */
async function commitStep(host: OnlineDdlHost, table: JobTable, change: (cur: TableDef) => TableDef, prepare?: (txn: Txn) => Promise<void>): Promise<{ def: TableDef; commitTs: Timestamp }> {
  await host.sync.waitForOlder(host.sync.lastStepBarrier);
  const txn = host.kv.begin();
  try {
    await prepare?.(txn);
    const next = change(await readTableIn(txn, table));
    putTable(txn, next);
    host.invalidateSchema(null);
    const { commitTs } = await txn.commit();
    host.invalidateSchema(commitTs);
    host.sync.noteStep();
    return { def: next, commitTs };
  } finally {
    if (!txn.finished) txn.rollback();
  }
}

/**
 * Retires what jobs left unfinished (a crash): run once at startup, before any session.
 * A table whose pending part cannot be retired now stays usable and is retried by its next ALTER.
 */
export async function resumeSchemaChanges(host: OnlineDdlHost): Promise<{ readonly retired: string[]; readonly failed: { readonly table: string; readonly error: unknown }[] }> {
  const left = await withReadTxn(host.kv, async (txn) => {
    const out: TableDef[] = [];
    for (const db of await listDatabases(txn)) for (const t of await listTables(txn, db.name)) if (t.pending !== undefined) out.push(t);
    return out;
  });
  const retired: string[] = [];
  const failed: { table: string; error: unknown }[] = [];
  for (const def of left) {
    const status = await host.sync.startJob(def.db, def.name, def.id);
    try {
      await retire(host, { db: def.db, name: def.name, id: def.id }, status);
      retired.push(`${def.db}.${def.name}`);
    } catch (error) {
      failed.push({ table: `${def.db}.${def.name}`, error });
    } finally {
      host.sync.endJob(status);
    }
  }
  return { retired, failed };
}
