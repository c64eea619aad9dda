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
export const onlineActionKinds: ReadonlySet<AlterAction['kind']> = new Set(['addColumn', 'dropColumn', 'addIndex', 'dropIndex']);

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
  /** New columns (slot and fill set), in target order. */
  readonly addedColumns: readonly ColumnDef[];
  /** Dropped columns as they were, each with a fill for writers that still store it. */
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

/** Applies `actions` (all in onlineActionKinds) to `def`; throws MySQL's error for the first bad one. */
export function planAlter(def: TableDef, actions: readonly AlterAction[], env: CompileEnv): AlterPlan {
  const changesColumns = actions.some((a) => a.kind === 'addColumn' || a.kind === 'dropColumn');
  const base: TableDef = changesColumns && def.slotCount === undefined
    ? { ...def, columns: def.columns.map((c, i) => ({ ...c, slot: i })), slotCount: def.columns.length }
    : def;
  const slotOf = (position: number): number => base.columns[position]!.slot ?? position;
  const w: Working = {
    columns: [...base.columns],
    indexes: base.indexes.map((ix) => ({ id: ix.id, name: ix.name, unique: ix.unique, slots: ix.columns.map(slotOf) })),
    nextIndexId: base.nextIndexId,
    slotCount: base.slotCount ?? base.columns.length,
  };
  for (const action of actions) applyAction(action, w, base, env);
  const target: TableDef = {
    ...base,
    columns: w.columns,
    primaryKey: base.primaryKey.map((p) => positionOfSlot(w.columns, slotOf(p))),
    indexes: w.indexes.map((ix) => toIndexDef(ix, w.columns)),
    nextIndexId: w.nextIndexId,
    ...(changesColumns ? { slotCount: w.slotCount } : {}),
  };
  const kept = new Set(w.columns.map((c, i) => c.slot ?? i));
  const addedColumns = w.columns.filter((c) => c.slot !== undefined && c.slot >= (base.slotCount ?? base.columns.length));
  const droppedColumns = base.columns.filter((c, i) => !kept.has(c.slot ?? i)).map((c) => ({ ...c, fill: toStoredDefault(dropFill(c, env.session.nowMs)) }));
  const baseIds = new Set(base.indexes.map((ix) => ix.id));
  const targetIds = new Set(w.indexes.map((ix) => ix.id));
  const withAdded = [...base.columns, ...addedColumns];
  const withDropped = [...w.columns, ...droppedColumns];
  return {
    target,
    base: { ...base, slotCount: target.slotCount ?? base.slotCount },
    addedColumns,
    droppedColumns,
    addedIndexes: w.indexes.filter((ix) => !baseIds.has(ix.id)).map((ix) => toIndexDef(ix, withAdded)),
    droppedIndexes: base.indexes.filter((ix) => !targetIds.has(ix.id)).map((ix) => toIndexDef({ ...ix, slots: ix.columns.map(slotOf) }, withDropped)),
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
  const baseIds = new Set(base.indexes.map((ix) => ix.id));
  w.indexes = w.indexes.flatMap((ix): PlannedIndex[] => {
    if (!ix.slots.includes(slot)) return [ix];
    const slots = ix.slots.filter((s) => s !== slot);
    if (slots.length === 0) return [];
    // A built index loses a key column: its entries change, so it is built again under a new id.
    return [{ ...ix, slots, id: baseIds.has(ix.id) ? w.nextIndexId++ : ix.id }];
  });
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
