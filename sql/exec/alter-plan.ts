/**
 * Plans an online ALTER TABLE (online-ddl.ts): applies its actions in order to the table's
 * definition, with MySQL's checks and errors, and says what changes — without touching data.
 *
 * Columns are followed by slot (row-layout.ts), so an index keeps pointing at the right column
 * while others come and go. A column change gives every column an explicit slot; a new column
 * takes a fresh slot and a `fill` (the value MySQL gives existing rows: the default at ALTER
 * time, the type's zero for NOT NULL without a default, else NULL). An index that loses a
 * dropped column becomes a new index (new id, same name) over the columns left, built like
 * any added index, and the old one is dropped.
 *
 * MODIFY/CHANGE COLUMN is one of two things:
 *   - metadata only, when every value the old column can hold is stored by the new
 *     definition unchanged, with the same index key (`storesUnchanged`): same type, or a
 *     widening within one kind — an integer to one whose range contains it, a string or
 *     binary to one at least as long (CHAR to VARCHAR/TEXT, not back: CHAR drops trailing
 *     spaces), a DECIMAL to one with the same scale and at least as many integer digits,
 *     FLOAT to DOUBLE — and NOT NULL not added. Name, DEFAULT and NULL may change freely. The
 *     column keeps its slot and its indexes; nothing is read or written but the definition.
 *   - otherwise a *shadow* column: the new definition in a fresh slot with `convertsFrom` the
 *     old slot, at the old column's position, and the old column dropped; an index over the
 *     column becomes a new index over the shadow (as for DROP COLUMN above). Writers and the
 *     backfill store the converted value (row-layout.ts), so the switch is one commit.
 * What the shadow path cannot do yet goes to the one-transaction path (`NeedsOneTransaction`),
 * which behaves as before: a primary key or AUTO_INCREMENT column that needs a conversion (a
 * new row key, a second AUTO_INCREMENT column); a MODIFY that adds AUTO_INCREMENT or writes
 * PRIMARY KEY or UNIQUE on the column; a column the same ALTER already added or modified.
 *
 * Foreign keys. A table with keys, as child or as parent, runs online every ALTER that leaves
 * the keys alone; one that touches a key goes to the one-transaction path, whose checks
 * (foreign-key-guards.ts: 1553, 1828, 1829, 3780, 1830) and renames (CHANGE COLUMN of a key
 * column) are the reference. An ALTER touches a key when it
 *   - drops or modifies/changes a column that a key uses: a column of a key the table declares,
 *     or a referenced column of a key that references the table (its own included);
 *   - drops an index that leads with a key's columns, i.e. one that can serve the key: by DROP
 *     INDEX (`touchesForeignKeys`; so does a DROP INDEX of an index the table does not have
 *     yet), or because a column in it changes and it is built again (`rebuildsKeyIndex`).
 * Everything else — ADD INDEX/UNIQUE, DROP INDEX of another index, ADD COLUMN, DROP or MODIFY
 * of another column — meets none of the guards, so both paths give the same result and the
 * same errors; and every key keeps each index that can serve it, under the same id, in every
 * schema state of the job. ADD/DROP FOREIGN KEY and RENAME TO are not online actions at all.
 */
import { SqlError } from '../../src/base/errors.js';
import type { AlterAction, ColumnSpec, IndexSpec } from '../ast/statement.js';
import { type ColumnDef, type IndexDef, type StoredDefault, type TableDef } from '../catalog.js';
import { keyColumnMissingError, unknownKeyError, unsupported } from '../errors.js';
import type { Value } from '../values.js';
import { columnDef } from './ddl.js';
import type { CompileEnv } from './plan-types.js';
import { defaultValueOf, storeValue, toStoredDefault } from './store-value.js';

/** Action kinds an online ALTER runs; any other kind takes the one-transaction path. */
export const onlineActionKinds: ReadonlySet<AlterAction['kind']> = new Set(['addColumn', 'dropColumn', 'modifyColumn', 'addIndex', 'dropIndex']);

/** Thrown by planAlter for an ALTER the online path cannot run (see the header): alter-table.ts runs it. */
export class NeedsOneTransaction extends Error {
  override readonly name = 'NeedsOneTransaction';
}

/** The column lists, lower case, that the foreign keys of a table use (foreign-key-guards.ts `keyColumnsOf`). */
export type KeyColumns = readonly (readonly string[])[];

/**
 * True when `actions` touch a foreign key of `def` (see the header), judged from the actions
 * alone, before planning: they drop or modify a key column, or drop an index that leads with a
 * key's columns or that `def` does not have. Checked first, so that the one-transaction path
 * raises MySQL's errors in its order (a key error before a plan error of a later action).
 */
export function touchesForeignKeys(def: TableDef, actions: readonly AlterAction[], keys: KeyColumns): boolean {
  if (keys.length === 0) return false;
  const keyColumns = new Set(keys.flat());
  return actions.some((action) => {
    switch (action.kind) {
      case 'dropColumn': return keyColumns.has(action.name.toLowerCase());
      case 'modifyColumn': return keyColumns.has(action.oldName.toLowerCase());
      case 'dropIndex': {
        const index = def.indexes.find((ix) => ix.name.toLowerCase() === action.name.toLowerCase());
        return index === undefined || leadsWithKey(def, index, keys);
      }
      default: return false;
    }
  });
}

/** True when `plan` builds again (under a new id) an index of `def` that leads with a key's columns. */
export function rebuildsKeyIndex(def: TableDef, plan: AlterPlan, keys: KeyColumns): boolean {
  if (keys.length === 0) return false;
  const dropped = new Set(plan.droppedIndexes.map((ix) => ix.id));
  return def.indexes.some((ix) => dropped.has(ix.id) && leadsWithKey(def, ix, keys));
}

/** True when `index`'s leading columns are one of `keys` (the index can serve that key). */
function leadsWithKey(def: TableDef, index: IndexDef, keys: KeyColumns): boolean {
  const names = index.columns.map((p) => def.columns[p]!.name.toLowerCase());
  return keys.some((key) => key.length <= names.length && key.every((c, k) => names[k] === c));
}

/** An index while planning: columns as slots. */
interface PlannedIndex {
  readonly id: number;
  readonly name: string;
  readonly unique: boolean;
  readonly slots: readonly number[];
}

/** What an online ALTER TABLE changes. */
export interface AlterPlan {
  /** The definition once the ALTER is public (no pending part). */
  readonly target: TableDef;
  /** The definition before, with slots when columns change (the same rows, the same layout). */
  readonly base: TableDef;
  /** New columns (slot and fill set, or shadow columns with convertsFrom), in target order. */
  readonly addedColumns: readonly ColumnDef[];
  /**
   * Dropped columns as they were, each with a fill for writers that still store it (and a
   * modified column's old definition with convertsFrom its shadow's slot).
   */
  readonly droppedColumns: readonly ColumnDef[];
  /** Indexes to build, columns as positions in [...base.columns, ...addedColumns]. */
  readonly addedIndexes: readonly IndexDef[];
  /** Indexes of `base` to drop, columns as positions in [...target.columns, ...droppedColumns]. */
  readonly droppedIndexes: readonly IndexDef[];
}

interface Working {
  columns: ColumnDef[];
  indexes: PlannedIndex[];
  nextIndexId: number;
  slotCount: number;
}

/**
 * Applies `actions` (all in onlineActionKinds) to `def`; throws MySQL's error for the first bad
 * one, NeedsOneTransaction for what only alter-table.ts runs.
 */
export function planAlter(def: TableDef, actions: readonly AlterAction[], env: CompileEnv): AlterPlan {
  const slotted: TableDef = def.slotCount === undefined
    ? { ...def, columns: def.columns.map((c, i) => ({ ...c, slot: i })), slotCount: def.columns.length }
    : def;
  const slotOf = (position: number): number => slotted.columns[position]!.slot ?? position;
  const w: Working = {
    columns: [...slotted.columns],
    indexes: slotted.indexes.map((ix) => ({ id: ix.id, name: ix.name, unique: ix.unique, slots: ix.columns.map(slotOf) })),
    nextIndexId: slotted.nextIndexId,
    slotCount: slotted.slotCount!,
  };
  for (const action of actions) applyAction(action, w, slotted, env);
  const kept = new Set(w.columns.map((c) => c.slot!));
  const fresh = (c: ColumnDef): boolean => c.slot! >= slotted.slotCount!;
  const addedColumns = w.columns.filter(fresh);
  // A modified column, while it is dropped, is converted back from its shadow.
  const shadowOf = new Map(addedColumns.flatMap((c) => (c.convertsFrom === undefined ? [] : [[c.convertsFrom, c.slot!] as const])));
  const droppedColumns = slotted.columns.filter((c) => !kept.has(c.slot!)).map((c): ColumnDef => {
    const back = shadowOf.get(c.slot!);
    return { ...c, fill: toStoredDefault(dropFill(c, env.session.nowMs)), ...(back === undefined ? {} : { convertsFrom: back }) };
  });
  // Only metadata changed and the table never had slots: it keeps the original layout.
  const layoutKept = def.slotCount === undefined && addedColumns.length === 0 && droppedColumns.length === 0;
  const base = layoutKept ? def : slotted;
  const targetColumns = w.columns.map((c): ColumnDef => {
    const { convertsFrom: _from, slot: _slot, ...plain } = c;
    return layoutKept ? plain : { ...plain, slot: c.slot! };
  });
  const target: TableDef = {
    ...base,
    columns: targetColumns,
    primaryKey: base.primaryKey.map((p) => positionOfSlot(w.columns, slotOf(p))),
    indexes: w.indexes.map((ix) => toIndexDef(ix, w.columns)),
    nextIndexId: w.nextIndexId,
    ...(layoutKept ? {} : { slotCount: w.slotCount }),
  };
  const baseIds = new Set(slotted.indexes.map((ix) => ix.id));
  const targetIds = new Set(w.indexes.map((ix) => ix.id));
  const withAdded = [...slotted.columns, ...addedColumns];
  const withDropped = [...w.columns, ...droppedColumns];
  return {
    target,
    base: layoutKept ? def : { ...slotted, slotCount: w.slotCount },
    addedColumns,
    droppedColumns,
    addedIndexes: w.indexes.filter((ix) => !baseIds.has(ix.id)).map((ix) => toIndexDef(ix, withAdded)),
    droppedIndexes: slotted.indexes.filter((ix) => !targetIds.has(ix.id)).map((ix) => toIndexDef({ ...ix, slots: ix.columns.map(slotOf) }, withDropped)),
  };
}

function toIndexDef(ix: PlannedIndex, columns: readonly ColumnDef[]): IndexDef {
  return { id: ix.id, name: ix.name, columns: ix.slots.map((s) => positionOfSlot(columns, s)), unique: ix.unique };
}

function positionOfSlot(columns: readonly ColumnDef[], slot: number): number {
  const i = columns.findIndex((c, k) => (c.slot ?? k) === slot);
  if (i < 0) throw new SqlError('INTERNAL', `no column in slot ${slot}`);
  return i;
}

function applyAction(action: AlterAction, w: Working, base: TableDef, env: CompileEnv): void {
  switch (action.kind) {
    case 'addColumn':
      addColumn(w, action.column, env);
      return;
    case 'dropColumn':
      dropColumn(w, action.name, base);
      return;
    case 'modifyColumn':
      modifyColumn(w, action.oldName, action.column, base, env);
      return;
    case 'addIndex':
      addIndex(w, action.index);
      return;
    case 'dropIndex': {
      const i = w.indexes.findIndex((ix) => ix.name.toLowerCase() === action.name.toLowerCase());
      if (i < 0) throw unknownKeyError(action.name, base.name);
      w.indexes.splice(i, 1);
      return;
    }
    default:
      throw new SqlError('INTERNAL', `not an online ALTER action: ${action.kind}`);
  }
}

function findColumn(w: Working, name: string): number {
  return w.columns.findIndex((c) => c.name.toLowerCase() === name.toLowerCase());
}

function addColumn(w: Working, spec: ColumnSpec, env: CompileEnv): void {
  if (spec.primaryKey || spec.autoIncrement) throw unsupported('ALTER TABLE ADD a key or AUTO_INCREMENT column');
  if (findColumn(w, spec.name) >= 0) throw new SqlError('DUP_FIELDNAME', `Duplicate column name '${spec.name}'`);
  const col = columnDef(spec, false, env);
  const raw = col.defaultValue !== null ? defaultValueOf(col.defaultValue, env.session.nowMs) : col.notNull ? implicitZero(col) : null;
  const fill: StoredDefault = toStoredDefault(storeValue(raw, col, 1));
  w.columns.push({ ...col, slot: w.slotCount++, fill });
  if (spec.unique) addIndex(w, { name: spec.name, columns: [spec.name], unique: true, primary: false });
}

/** The value MySQL gives existing rows for a new NOT NULL column without a default. */
function implicitZero(col: ColumnDef): Value {
  const zero = zeroOf(col);
  if (zero === undefined) throw unsupported(`a NOT NULL ${col.type.kind} column without a default`);
  return zero;
}

function zeroOf(col: ColumnDef): Value | undefined {
  switch (col.type.kind) {
    case 'int': return 0n;
    case 'decimal': case 'float': case 'double': return 0;
    case 'string': return '';
    case 'binary': return new Uint8Array(0);
    default: return undefined;
  }
}

/** What writers that still store a dropped column put in new rows: what an INSERT would. */
function dropFill(col: ColumnDef, nowMs: number): Value {
  if (col.defaultValue !== null) return defaultValueOf(col.defaultValue, nowMs);
  return col.notNull ? zeroOf(col) ?? null : null;
}

function dropColumn(w: Working, name: string, base: TableDef): void {
  const i = findColumn(w, name);
  if (i < 0) throw new SqlError('CANT_DROP_FIELD_OR_KEY', `Can't DROP '${name}'; check that column/key exists`);
  if (w.columns.length === 1) throw new SqlError('CANT_DROP_COLUMN_ALL', 'You can\'t delete all columns with ALTER TABLE; use DROP TABLE instead');
  const slot = w.columns[i]!.slot!;
  if (base.primaryKey.some((p) => (base.columns[p]!.slot ?? p) === slot)) throw unsupported('dropping a primary key column');
  w.columns.splice(i, 1);
  rebuildIndexes(w, base, slot, null);
}

/**
 * Indexes over `slot` change their entries: each is built again under a new id (same name),
 * over `replacement` instead (a shadow column), or over the columns left (a dropped one).
 */
function rebuildIndexes(w: Working, base: TableDef, slot: number, replacement: number | null): void {
  const baseIds = new Set(base.indexes.map((ix) => ix.id));
  w.indexes = w.indexes.flatMap((ix): PlannedIndex[] => {
    if (!ix.slots.includes(slot)) return [ix];
    const slots = replacement === null ? ix.slots.filter((s) => s !== slot) : ix.slots.map((s) => (s === slot ? replacement : s));
    if (slots.length === 0) return [];
    // A built index loses a key column: its entries change, so it is built again under a new id.
    return [{ ...ix, slots, id: baseIds.has(ix.id) ? w.nextIndexId++ : ix.id }];
  });
}

/** MODIFY/CHANGE COLUMN: metadata only, or a shadow column (see the header). */
function modifyColumn(w: Working, oldName: string, spec: ColumnSpec, base: TableDef, env: CompileEnv): void {
  const i = findColumn(w, oldName);
  // The one-transaction path's errors, in its order.
  if (i < 0) throw new SqlError('CANT_DROP_FIELD_OR_KEY', `Can't DROP '${oldName}'; check that column/key exists`);
  if (spec.name.toLowerCase() !== oldName.toLowerCase() && findColumn(w, spec.name) >= 0) {
    throw new SqlError('DUP_FIELDNAME', `Duplicate column name '${spec.name}'`);
  }
  const old = w.columns[i]!;
  const slot = old.slot!;
  const inPrimaryKey = base.primaryKey.some((p) => (base.columns[p]!.slot ?? p) === slot);
  const col: ColumnDef = { ...columnDef(spec, inPrimaryKey, env), autoIncrement: spec.autoIncrement || old.autoIncrement };
  if (slot >= (base.slotCount ?? base.columns.length) || col.autoIncrement !== old.autoIncrement || spec.primaryKey || spec.unique) throw new NeedsOneTransaction();
  if (storesUnchanged(old, col)) {
    // Rows stored before the column was added still read as its fill, unchanged by the new type.
    w.columns[i] = { ...col, slot, ...(old.fill === undefined ? {} : { fill: old.fill }) };
    return;
  }
  // A new row key, or a new AUTO_INCREMENT column beside the old one: not online yet.
  if (inPrimaryKey || old.autoIncrement) throw new NeedsOneTransaction();
  const shadow = w.slotCount++;
  w.columns[i] = { ...col, slot: shadow, convertsFrom: slot };
  rebuildIndexes(w, base, slot, shadow);
}

/**
 * True when storing any value of `old` into `next` (store-value.ts) gives the same stored value
 * and index key, and no value of `old` is refused: the change is metadata only.
 */
export function storesUnchanged(old: ColumnDef, next: ColumnDef): boolean {
  if (next.notNull && !old.notNull) return false;
  const a = old.type;
  const b = next.type;
  switch (a.kind) {
    case 'int':
      return b.kind === 'int' && intRange(b.bytes, b.unsigned)[0] <= intRange(a.bytes, a.unsigned)[0] && intRange(b.bytes, b.unsigned)[1] >= intRange(a.bytes, a.unsigned)[1];
    case 'decimal':
      return b.kind === 'decimal' && b.scale === a.scale && b.precision - b.scale >= a.precision - a.scale && (!b.unsigned || a.unsigned);
    case 'float':
      return b.kind === 'float' || b.kind === 'double';
    case 'string':
      return b.kind === 'string' && b.maxChars >= a.maxChars && (b.variant !== 'char' || a.variant === 'char');
    case 'binary':
      return b.kind === 'binary' && b.maxBytes >= a.maxBytes;
    case 'datetime':
    case 'timestamp':
    case 'time':
      return b.kind === a.kind && b.fsp === a.fsp;
    case 'double':
    case 'date':
    case 'null':
      return b.kind === a.kind;
  }
}

/** Smallest and largest value of an integer type. */
function intRange(bytes: number, unsigned: boolean): [bigint, bigint] {
  const bits = BigInt(bytes * 8);
  return unsigned ? [0n, 2n ** bits - 1n] : [-(2n ** (bits - 1n)), 2n ** (bits - 1n) - 1n];
}

function addIndex(w: Working, spec: IndexSpec): void {
  if (spec.primary) throw unsupported('ALTER TABLE ADD PRIMARY KEY');
  const name = spec.name ?? uniqueIndexName(spec.columns[0]!, w.indexes);
  if (name.toUpperCase() === 'PRIMARY' || w.indexes.some((i) => i.name.toLowerCase() === name.toLowerCase())) {
    throw new SqlError('DUP_KEYNAME', `Duplicate key name '${name}'`);
  }
  const slots = spec.columns.map((c) => {
    const i = findColumn(w, c);
    if (i < 0) throw keyColumnMissingError(c);
    return w.columns[i]!.slot ?? i;
  });
  w.indexes.push({ id: w.nextIndexId++, name, unique: spec.unique, slots });
}

function uniqueIndexName(base: string, existing: readonly PlannedIndex[]): string {
  let name = base;
  for (let n = 2; existing.some((i) => i.name.toLowerCase() === name.toLowerCase()); n++) name = `${base}_${n}`;
  return name;
}
