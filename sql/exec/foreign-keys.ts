/**
 * FOREIGN KEY enforcement in INSERT, UPDATE, DELETE, REPLACE and INSERT … ON DUPLICATE KEY
 * UPDATE, as InnoDB does it.
 *
 * - The caller writes a row first and calls this module after, so a duplicate key is still
 *   1062 before a missing parent is 1452, and a row may reference itself (InnoDB checks a
 *   self-referencing row against the table as it is after the write).
 * - Child side: a written row whose key has no NULL must find its parent through an index of
 *   the parent (a point get or a one-row range read, never a scan of the table), else 1452.
 *   The parent row is locked, as InnoDB locks it, in `keyShare` mode (txn-kv.ts; PostgreSQL's
 *   FOR KEY SHARE): a parent deleted by a transaction that committed after this one's snapshot
 *   fails the lock with 1213 instead of leaving an orphan, while children of one parent
 *   inserted one after another all commit.
 * - Parent side: a deleted row, or one whose referenced columns changed, finds its children
 *   through the child's index; RESTRICT, NO ACTION and SET DEFAULT refuse (1451), CASCADE and
 *   SET NULL change the children and recurse, at most `foreignKeyCascadeDepthMax` deep (3008).
 *   Referencing keys are taken one after another in InnoDB's order (`db/name`), each cascade
 *   done before the next key looks. A cascaded update into a table that an update further up
 *   the chain is changing is 1451 (InnoDB "plays safe": no self-referencing ON UPDATE CASCADE).
 * - Parent side, concurrently: a parent writer reads the children at its snapshot, so it would
 *   miss a child whose transaction locked the parent row first and committed after that
 *   snapshot. So the key-share lock leaves a touch on the parent row key when it commits, and
 *   every parent writer locks the row exclusively (`lockAndReadCurrent`) or at least writes
 *   its key (`deleteRow`, `updateRow`): either fails with 1213 on a touch newer than its
 *   snapshot. An autocommit statement retries with a fresh snapshot and sees the child (1451
 *   or a cascade); an explicit transaction gets the 1213. A parent update of other columns
 *   conflicts too (unlike PostgreSQL's FOR NO KEY UPDATE): rare, and retried the same way.
 * - Every read and write goes through the statement's transaction, so checks see the
 *   statement's own earlier writes; a failed statement leaves nothing (statement-txn.ts).
 * - Cascades write like any writer: rows read through table-access.ts (lockAndReadCurrent,
 *   which keeps their stored image) and written back with its deleteRow/updateRow, so a child
 *   under an online ALTER TABLE (online-ddl.ts) gets its write-only and delete-only index
 *   entries and its pending columns maintained by cascaded deletes and SET NULL/CASCADE updates
 *   too. Keys are found through public indexes only (`servingIndex`), which such an ALTER
 *   never takes away from a key (alter-plan.ts `touchesForeignKeys`).
 *
 * The definitions of every table a statement may reach are collected while it compiles
 * (`ForeignKeyEnforcer.forStatement`), so the session loads them before anything is written.
 */
import { assert } from '../../src/base/assert.js';
import { SqlError } from '../../src/base/errors.js';
import type { Txn } from '../../src/txn/txn-kv.js';
import { compareBytes, encodeKey, type KeyPart } from '../../storage/key-codec.js';
import type { ForeignKeyDef, TableDef } from '../catalog.js';
import { indexKey, primaryIndexId, rowKey } from '../catalog.js';
import { decodeRow, encodeRow } from '../row-codec.js';
import type { Value } from '../values.js';
import {
  foreignKeyCascadeDepthMax, foreignKeyChecksOn, foreignKeyOf, noReferencedRowError, positionsOf, rowIsReferencedError, servingIndex, type KeyIndex,
} from './foreign-key-defs.js';
import type { PlannerEnv } from './plan-types.js';
import { storeValue } from './store-value.js';
import { deleteRow, keyPart, lockAndReadCurrent, padRow, prefixRange, scanRows, scanRowsByIndex, updateRow } from './table-access.js';

/** What a statement does to rows of its target table; decides which tables it may reach. */
export interface WriteKinds {
  readonly inserts: boolean;
  readonly updates: boolean;
  readonly deletes: boolean;
}

/** Where a cascade stands: how deep, and which tables the updates above it are changing. */
interface Chain {
  readonly depth: number;
  readonly updating: ReadonlySet<string>;
}

const topOfChain: Chain = { depth: 0, updating: new Set() };
const tableKeyOf = (db: string, name: string): string => `${db}\u0000${name}`;
const keyOfDef = (def: TableDef): string => tableKeyOf(def.db, def.name);

/** A key whose children a cascade changes. */
interface Cascade {
  readonly child: TableDef;
  readonly fk: ForeignKeyDef;
}

/** The foreign key work of one statement. */
export class ForeignKeyEnforcer {
  private constructor(private readonly tables: ReadonlyMap<string, TableDef | undefined>) {}

  /**
   * The enforcer for a statement writing `def`, or null when there is nothing to enforce
   * (foreign_key_checks = 0, or the table takes part in no foreign key). Runs while the
   * statement compiles: a definition not loaded yet makes the session load it and compile again.
   */
  static forStatement(def: TableDef, writes: WriteKinds, env: PlannerEnv): ForeignKeyEnforcer | null {
    if ((def.foreignKeys ?? []).length === 0 && (def.referencedBy ?? []).length === 0) return null;
    if (!foreignKeyChecksOn(env.session)) return null;
    const tables = new Map<string, TableDef | undefined>([[keyOfDef(def), def]]);
    const lookup = (db: string, name: string): TableDef | undefined => {
      const key = tableKeyOf(db, name);
      if (!tables.has(key)) tables.set(key, env.tableIfExists !== undefined ? env.tableIfExists({ db, name }) : env.table({ db, name }));
      return tables.get(key);
    };
    const visited = new Set<string>();
    const collect = (t: TableDef, op: 'insert' | 'update' | 'delete'): void => {
      const mark = `${keyOfDef(t)}\u0000${op}`;
      if (visited.has(mark)) return;
      visited.add(mark);
      if (op !== 'delete') for (const fk of t.foreignKeys ?? []) lookup(fk.parentDb, fk.parentTable);
      if (op === 'insert') return;
      for (const ref of t.referencedBy ?? []) {
        const child = lookup(ref.db, ref.table);
        const fk = child === undefined ? undefined : foreignKeyOf(child, ref);
        if (child === undefined || fk === undefined) continue;
        const action = op === 'delete' ? fk.onDelete : fk.onUpdate;
        if (op === 'delete' && action === 'CASCADE') collect(child, 'delete');
        else if (action === 'SET NULL' || action === 'CASCADE') collect(child, 'update');
      }
    };
    if (writes.inserts) collect(def, 'insert');
    if (writes.updates) collect(def, 'update');
    if (writes.deletes) collect(def, 'delete');
    return new ForeignKeyEnforcer(tables);
  }

  /** An enforcer over definitions the caller has read (DDL checking existing rows). */
  static forTables(defs: readonly TableDef[]): ForeignKeyEnforcer {
    return new ForeignKeyEnforcer(new Map(defs.map((d) => [keyOfDef(d), d])));
  }

  /** After `row` was inserted into `def`: each of its keys finds its parent (1452). */
  async afterInsert(txn: Txn, def: TableDef, row: readonly Value[]): Promise<void> {
    for (const fk of def.foreignKeys ?? []) await this.checkParent(txn, def, fk, row);
  }

  /**
   * After `row` was deleted from `def`: its children are refused (1451), deleted or set NULL,
   * one referencing key after another, each cascade done before the next key looks (InnoDB).
   */
  async afterDelete(txn: Txn, def: TableDef, row: readonly Value[], chain: Chain = topOfChain): Promise<void> {
    for (const { child, fk } of this.referencing(def)) {
      const rows = await this.children(txn, child, fk, def, row);
      if (rows.length === 0) continue;
      const cascaded = fk.onDelete === 'CASCADE' || fk.onDelete === 'SET NULL';
      if (!cascaded || (fk.onDelete === 'SET NULL' && chain.updating.has(keyOfDef(child)))) throw rowIsReferencedError(fk, child);
      if (chain.depth >= foreignKeyCascadeDepthMax) throw depthExceededError();
      const next: Chain = { depth: chain.depth + 1, updating: chain.updating };
      const c: Cascade = { child, fk };
      for (const found of rows) {
        const current = await this.currentChild(txn, c, found);
        if (current === null) continue;
        if (fk.onDelete === 'CASCADE') {
          deleteRow(txn, child, current);
          await this.afterDelete(txn, child, current, next);
        } else await this.cascadeUpdate(txn, c, current, null, next);
      }
    }
  }

  /**
   * After `before` became `after` in `def` (`via`: the key whose cascade made the change, which
   * holds by construction): children of a changed referenced key are refused, updated or set
   * NULL; then the row's own changed keys find their parents.
   */
  async afterUpdate(txn: Txn, def: TableDef, before: readonly Value[], after: readonly Value[], chain: Chain = topOfChain, via?: ForeignKeyDef): Promise<void> {
    const changed = (positions: readonly number[]): boolean => positions.some((p) => !sameStored(before[p] ?? null, after[p] ?? null));
    const next: Chain = { depth: chain.depth + 1, updating: new Set([...chain.updating, keyOfDef(def)]) };
    for (const { child, fk } of this.referencing(def)) {
      const parentPositions = positionsOf(def, fk.parentColumns);
      if (parentPositions === undefined || !changed(parentPositions)) continue;
      const rows = await this.children(txn, child, fk, def, before);
      if (rows.length === 0) continue;
      // An update cascading into a table the chain (this update included) is changing: InnoDB refuses it.
      const cascaded = fk.onUpdate === 'CASCADE' || fk.onUpdate === 'SET NULL';
      if (!cascaded || next.updating.has(keyOfDef(child))) throw rowIsReferencedError(fk, child);
      if (chain.depth >= foreignKeyCascadeDepthMax) throw depthExceededError();
      const c: Cascade = { child, fk };
      for (const found of rows) {
        const current = await this.currentChild(txn, c, found);
        if (current === null) continue;
        await this.cascadeUpdate(txn, c, current, fk.onUpdate === 'SET NULL' ? null : parentPositions.map((p) => after[p] ?? null), next);
      }
    }
    const primaryChanged = def.primaryKey.length > 0 && changed(def.primaryKey);
    for (const fk of def.foreignKeys ?? []) {
      if (fk === via) continue;
      const own = positionsOf(def, fk.columns);
      if (primaryChanged || own === undefined || changed(own)) await this.checkParent(txn, def, fk, after);
    }
  }

  /** Sets a child row's key to `values` (null: SET NULL), writes it and follows its own keys. */
  private async cascadeUpdate(txn: Txn, c: Cascade, current: Value[], values: readonly Value[] | null, chain: Chain): Promise<void> {
    const positions = positionsOf(c.child, c.fk.columns)!;
    const next = current.slice();
    positions.forEach((p, k) => {
      const column = c.child.columns[p]!;
      if (values === null) next[p] = storeValue(null, column, 1);
      else {
        try {
          next[p] = storeValue(values[k] ?? null, column, 1);
        } catch (e) {
          // A new parent value the child column cannot hold refuses the update (InnoDB: 1451).
          if (e instanceof SqlError) throw rowIsReferencedError(c.fk, c.child);
          throw e;
        }
      }
    });
    if (positions.every((p) => sameStored(current[p] ?? null, next[p] ?? null))) return;
    await updateRow(txn, c.child, current, next);
    await this.afterUpdate(txn, c.child, current, next, chain, c.fk);
  }

  /** The foreign keys that reference `def` with their (loaded) children, in InnoDB's order (`db/name`). */
  private referencing(def: TableDef): { child: TableDef; fk: ForeignKeyDef }[] {
    const out: { child: TableDef; fk: ForeignKeyDef }[] = [];
    const id = (r: { db: string; name: string }): string => `${r.db}/${r.name}`;
    for (const ref of [...(def.referencedBy ?? [])].sort((x, y) => (id(x) < id(y) ? -1 : id(x) > id(y) ? 1 : 0))) {
      const child = this.definition(ref.db, ref.table);
      const fk = child === undefined ? undefined : foreignKeyOf(child, ref);
      if (child !== undefined && fk !== undefined) out.push({ child, fk });
    }
    return out;
  }

  private definition(db: string, name: string): TableDef | undefined {
    const key = tableKeyOf(db, name);
    assert(this.tables.has(key), 'a table a foreign key reaches was collected when the statement compiled');
    return this.tables.get(key);
  }

  /** 1452 unless `row`'s key `fk` is NULL somewhere or its parent row exists (which is then locked). */
  private async checkParent(txn: Txn, def: TableDef, fk: ForeignKeyDef, row: readonly Value[]): Promise<void> {
    const own = positionsOf(def, fk.columns);
    const values = (own ?? []).map((p) => row[p] ?? null);
    if (own === undefined || values.some((v) => v === null)) return;
    const parent = this.definition(fk.parentDb, fk.parentTable);
    const referenced = parent === undefined ? undefined : positionsOf(parent, fk.parentColumns);
    const index = parent === undefined || referenced === undefined ? undefined : servingIndex(parent, referenced);
    if (parent === undefined || referenced === undefined || index === undefined) throw noReferencedRowError(fk, def);
    const parts = values.map((v, k) => keyPart(v, parent.columns[referenced[k]!]!.type));
    const found = await findRowKey(txn, parent, index, parts);
    if (found === undefined) throw noReferencedRowError(fk, def);
    // Lock the parent row as InnoDB does (key-share: children of one parent do not fail each
    // other), then read it current: it must still have the key.
    await txn.lock(found, 'keyShare');
    const bytes = await txn.get(found);
    const current = bytes === undefined ? null : padRow(parent, decodeRow(bytes));
    if (current === null || !sameKey(referenced.map((p, k) => keyPart(current[p] ?? null, parent.columns[referenced[k]!]!.type)), parts)) throw noReferencedRowError(fk, def);
  }

  /** Rows of `child` whose key `fk` matches `parentRow`'s referenced columns (through the child's index). */
  private async children(txn: Txn, child: TableDef, fk: ForeignKeyDef, parent: TableDef, parentRow: readonly Value[]): Promise<Value[][]> {
    const own = positionsOf(child, fk.columns);
    const referenced = positionsOf(parent, fk.parentColumns);
    if (own === undefined || referenced === undefined) return [];
    const values = referenced.map((p) => parentRow[p] ?? null);
    if (values.some((v) => v === null)) return [];
    const index = servingIndex(child, own);
    assert(index !== undefined, 'a child table keeps an index that serves each of its foreign keys');
    const parts = values.map((v, k) => keyPart(v, child.columns[own[k]!]!.type));
    const range = prefixRange(child, index.indexId, parts);
    return index.indexId === primaryIndexId ? scanRows(txn, child, [range]) : scanRowsByIndex(txn, child, [range]);
  }

  /** A found child row locked and read current; null when it is gone or no longer matches. */
  private async currentChild(txn: Txn, c: Cascade, found: readonly Value[]): Promise<Value[] | null> {
    const current = await lockAndReadCurrent(txn, c.child, found);
    if (current === null) return null;
    const own = positionsOf(c.child, c.fk.columns)!;
    const partsOf = (r: readonly Value[]): KeyPart[] => own.map((p) => keyPart(r[p] ?? null, c.child.columns[p]!.type));
    return sameKey(partsOf(current), partsOf(found)) ? current : null;
  }
}

/** The primary key of a row of `parent` whose `index` key starts with `parts`, or undefined. */
async function findRowKey(txn: Txn, parent: TableDef, index: KeyIndex, parts: KeyPart[]): Promise<Uint8Array | undefined> {
  if (index.indexId === primaryIndexId && parts.length === parent.primaryKey.length) {
    const key = rowKey(parent.id, parts);
    return (await txn.get(key)) === undefined ? undefined : key;
  }
  if (index.indexId !== primaryIndexId && index.unique && parts.length === index.columns.length) {
    return txn.get(indexKey(parent.id, index.indexId, parts));
  }
  for await (const kv of txn.scan(prefixRange(parent, index.indexId, parts), { limit: 1 })) {
    return index.indexId === primaryIndexId ? kv.key : kv.value;
  }
  return undefined;
}

/** True when two stored values are the same bytes (a changed key, as InnoDB sees it). */
function sameStored(a: Value, b: Value): boolean {
  if (a === b) return true;
  if (a === null || b === null) return false;
  return compareBytes(encodeRow([a]), encodeRow([b])) === 0;
}

function sameKey(a: readonly KeyPart[], b: readonly KeyPart[]): boolean {
  return compareBytes(encodeKey(a), encodeKey(b)) === 0;
}

function depthExceededError(): SqlError {
  return new SqlError('FK_DEPTH_EXCEEDED', `Foreign key cascade delete/update exceeds max depth of ${foreignKeyCascadeDepthMax}.`);
}

