/**
 * Where each column's value sits in a stored row, so that ALTER TABLE ADD/DROP COLUMN change
 * the catalog instead of rewriting every row (exec/online-ddl.ts).
 *
 * A table no online ALTER changed keeps the original layout: the stored row is the column
 * values in column order (plus the hidden row id), exactly what queries see. An online ADD or
 * DROP gives every column a `slot`: its index in the stored row. Slots are never reused:
 *
 *   - ADD COLUMN takes slot `slotCount` (which grows). A row stored before has no value there
 *     and reads as the column's `fill` (its default when it was added, as MySQL fills them).
 *   - DROP COLUMN removes the column; its slot stays in new rows as NULL and old values there
 *     are ignored, then set to NULL by a batched rewrite (backfill.ts).
 *   - A column an online ALTER is adding or dropping sits in `TableDef.pending.columns`
 *     (write-only): writers store it — `fill` in new rows, the stored value kept by updates —
 *     and queries do not see it. Index columns of pending indexes count positions in
 *     [...columns, ...pending.columns] ("extended columns").
 *   - MODIFY/CHANGE COLUMN with a conversion adds the new column as a write-only *shadow* in a
 *     fresh slot with `convertsFrom` = the old column's slot: writers store in it the old
 *     value converted by storeValue (the conversion a strict INSERT makes), in new rows and
 *     whenever an update changes the old value; after the switch the old column, write-only
 *     until dropped, is converted back from the new one the same way. A value that does not
 *     convert is stored as NULL and reported (`convertDerived`): the ALTER fails, not the DML.
 *   - A rolled-back ADD or MODIFY COLUMN puts the old slotCount back; the slots it took are
 *     cut from every row first (`cleanedStored`), so a row is never wider than its layout
 *     once the rollback ends.
 *
 * The hidden row id of a table without a primary key is always the last stored value, so a
 * row's width tells which slots it has.
 *
 * Rows read through table-access keep their stored image (`imageOfRead`) while the table has
 * pending columns: a writer that deletes such a row must remove index entries computed from
 * values queries cannot see.
 */
import { assert } from '../../src/base/assert.js';
import { SqlError } from '../../src/base/errors.js';
import type { ColumnDef, IndexDef, TableDef } from '../catalog.js';
import { encodeRow } from '../row-codec.js';
import type { SqlType } from '../types.js';
import type { Value } from '../values.js';
import { defaultValueOf, storeValue } from './store-value.js';

/** The stored shape of one table definition's rows. */
interface RowLayout {
  /** True for the original layout: stored row = query row. */
  readonly identity: boolean;
  /** Column values per stored row (the hidden row id comes after them). */
  readonly width: number;
  readonly hidden: boolean;
  /** Visible columns. */
  readonly publicCount: number;
  /** Slot of each extended column (visible, then pending). */
  readonly columnSlots: readonly number[];
  /** Type of each extended column. */
  readonly types: readonly SqlType[];
  /** Value of each extended column in a row stored before the column existed. */
  readonly fills: readonly Value[];
  /** Per slot: the fill of the extended column stored there; NULL for a dropped column's slot. */
  readonly slotFills: readonly Value[];
  /** True when some pending column exists (rows read must keep their stored image). */
  readonly keepsImages: boolean;
  /** Pending columns converted from another slot (online MODIFY/CHANGE COLUMN). */
  readonly derived: readonly DerivedSlot[];
}

/** A pending column whose stored value is converted from another column's (ColumnDef.convertsFrom). */
interface DerivedSlot {
  readonly slot: number;
  readonly from: number;
  readonly column: ColumnDef;
  /** The column is being added: a value that does not convert fails the ALTER. */
  readonly adding: boolean;
}

const layouts = new WeakMap<TableDef, RowLayout>();
/** Stored image of a row read while its table had pending columns (see the header). */
const readImages = new WeakMap<Value[], Value[]>();

/** The columns writers store: visible ones, then write-only ones of an online ALTER. */
export function extendedColumns(def: TableDef): readonly ColumnDef[] {
  const pending = def.pending?.columns ?? [];
  return pending.length === 0 ? def.columns : [...def.columns, ...pending];
}

/** The layout of `def` (computed once per definition object). */
function layoutOf(def: TableDef): RowLayout {
  let layout = layouts.get(def);
  if (layout === undefined) {
    layout = buildLayout(def);
    layouts.set(def, layout);
  }
  return layout;
}

function buildLayout(def: TableDef): RowLayout {
  const columns = extendedColumns(def);
  const identity = def.slotCount === undefined;
  const width = def.slotCount ?? def.columns.length;
  const columnSlots = columns.map((c, i) => c.slot ?? i);
  const fills = columns.map(fillValue);
  const slotFills = new Array<Value>(width).fill(null);
  columnSlots.forEach((s, i) => {
    slotFills[s] = fills[i]!;
  });
  // Invariant: slots are distinct and inside the row; the original layout has no pending columns.
  assert(new Set(columnSlots).size === columnSlots.length && columnSlots.every((s) => s >= 0 && s < width), `slots of ${def.db}.${def.name} overlap`);
  assert(!identity || columns.length === def.columns.length, 'pending columns need a slot layout');
  const derived = columns.flatMap((column, i): DerivedSlot[] => (column.convertsFrom === undefined
    ? []
    : [{ slot: columnSlots[i]!, from: column.convertsFrom, column, adding: def.pending?.direction === 'add' }]));
  assert(derived.every((d) => d.from >= 0 && d.from < width && d.from !== d.slot), `a converted column of ${def.db}.${def.name} has no source slot`);
  return {
    identity, width, hidden: def.primaryKey.length === 0, publicCount: def.columns.length,
    columnSlots, types: columns.map((c) => c.type), fills, slotFills, keepsImages: columns.length > def.columns.length, derived,
  };
}

/** The value a row stored without the column reads as. */
function fillValue(col: ColumnDef): Value {
  if (col.fill === undefined) return null;
  return storeValue(defaultValueOf(col.fill, 0), { ...col, notNull: false }, 1);
}

/**
 * The query row of a decoded stored row: one value per column, plus the hidden row id.
 * Reuses `stored` for the original layout.
 */
export function storedToRow(def: TableDef, stored: Value[]): Value[] {
  const layout = layoutOf(def);
  if (layout.identity) {
    const width = layout.width + (layout.hidden ? 1 : 0);
    while (stored.length < width) stored.push(null);
    return stored;
  }
  const n = stored.length - (layout.hidden ? 1 : 0);
  const row = new Array<Value>(layout.publicCount + (layout.hidden ? 1 : 0));
  for (let i = 0; i < layout.publicCount; i++) {
    const s = layout.columnSlots[i]!;
    row[i] = s < n ? stored[s]! : layout.fills[i]!;
  }
  if (layout.hidden) row[layout.publicCount] = stored[stored.length - 1]!;
  if (layout.keepsImages) readImages.set(row, imageOfStored(def, stored));
  return row;
}

/** A stored row padded (fills) or cut to this definition's width: what a writer re-stores. */
export function imageOfStored(def: TableDef, stored: readonly Value[]): Value[] {
  const layout = layoutOf(def);
  const n = stored.length - (layout.hidden ? 1 : 0);
  const image = new Array<Value>(layout.width + (layout.hidden ? 1 : 0));
  for (let s = 0; s < layout.width; s++) image[s] = s < n ? stored[s]! : layout.slotFills[s]!;
  if (layout.hidden) image[layout.width] = stored[stored.length - 1]!;
  return image;
}

/**
 * The stored image of a query row: visible values in their slots, pending columns as read
 * (or their fill for a new row), NULL in dropped columns' slots. The row itself for the
 * original layout.
 */
export function imageOfRow(def: TableDef, row: readonly Value[]): Value[] {
  const layout = layoutOf(def);
  if (layout.identity) return row as Value[];
  const read = readImages.get(row as Value[]);
  const image = read !== undefined ? read.slice() : layout.slotFills.slice();
  for (let i = 0; i < layout.publicCount; i++) image[layout.columnSlots[i]!] = row[i] ?? null;
  if (layout.hidden) image[layout.width] = row[layout.publicCount] ?? null;
  return image;
}

/** The stored image of `after` when it replaces a row whose stored image is `before`. */
export function replaceInImage(def: TableDef, before: readonly Value[], after: readonly Value[]): Value[] {
  const layout = layoutOf(def);
  if (layout.identity) return after as Value[];
  const image = before.slice();
  for (let i = 0; i < layout.publicCount; i++) image[layout.columnSlots[i]!] = after[i] ?? null;
  if (layout.hidden) image[layout.width] = after[layout.publicCount] ?? null;
  return image;
}

/** True when a stored image must be read back before a write (pending columns exist). */
export function needsStoredImage(def: TableDef, row: readonly Value[]): boolean {
  return layoutOf(def).keepsImages && !readImages.has(row as Value[]);
}

/** Value of extended column `position` in a stored image. */
export function imageValue(def: TableDef, image: readonly Value[], position: number): Value {
  return image[layoutOf(def).columnSlots[position]!] ?? null;
}

/** Type of extended column `position`. */
export function extendedType(def: TableDef, position: number): SqlType {
  return layoutOf(def).types[position]!;
}

/** The hidden row id in a stored image. */
export function imageRowId(def: TableDef, image: readonly Value[]): Value {
  return image[layoutOf(def).width] ?? null;
}

/** Indexes whose entries writers add: public ones and write-only ones of an online ALTER. */
export function writableIndexes(def: TableDef): readonly IndexDef[] {
  const pending = def.pending?.indexes ?? [];
  return pending.length === 0 ? def.indexes : [...def.indexes, ...pending.filter((ix) => ix.state === 'writeOnly')];
}

/** Indexes whose entries writers delete: public, write-only and delete-only ones. */
export function deletableIndexes(def: TableDef): readonly IndexDef[] {
  const pending = def.pending?.indexes ?? [];
  return pending.length === 0 ? def.indexes : [...def.indexes, ...pending];
}

/**
 * The stored row with the values in `slots` (dropped columns' slots) set to NULL and the
 * slots beyond the layout (a rolled-back ADD/MODIFY COLUMN's) cut, or null when it has
 * nothing there (backfill.ts cleans rows after a DROP COLUMN and such a rollback).
 */
export function cleanedStored(def: TableDef, stored: readonly Value[], slots: readonly number[]): Value[] | null {
  const layout = layoutOf(def);
  const n = stored.length - (layout.hidden ? 1 : 0);
  const wider = !layout.identity && n > layout.width;
  if (!wider && !slots.some((s) => s < n && stored[s] !== null)) return null;
  const out = wider ? [...stored.slice(0, layout.width), ...(layout.hidden ? [stored[stored.length - 1]!] : [])] : stored.slice();
  for (const s of slots) if (s < Math.min(n, layout.width)) out[s] = null;
  return out;
}

/** True when two stored values have the same encoding (what a row would store). */
function sameStored(a: Value, b: Value): boolean {
  if (a === b) return true;
  if (a === null || b === null || typeof a !== typeof b) return false;
  return Buffer.compare(encodeRow([a]), encodeRow([b])) === 0;
}

/**
 * A writer's part of an online MODIFY/CHANGE COLUMN: stores in `image` every pending column
 * converted from another (`convertsFrom`), for a new row (`before` null) or when the source
 * value differs from `before`'s — otherwise the stored value stays, so a writer still on the
 * other schema state, which sees the source as stale, never overwrites a converted value.
 * A value that does not convert is stored as NULL; for a column being added the first such
 * error is returned (the caller records it and the ALTER fails), never thrown: the
 * statement's own columns are fine.
 */
export function convertDerived(def: TableDef, image: Value[], before: readonly Value[] | null): SqlError | null {
  let failure: SqlError | null = null;
  for (const d of layoutOf(def).derived) {
    const v = image[d.from] ?? null;
    if (before !== null && sameStored(v, before[d.from] ?? null)) continue;
    try {
      image[d.slot] = storeValue(v, d.column, 1);
    } catch (e) {
      if (!(e instanceof SqlError)) throw e;
      image[d.slot] = null;
      if (d.adding) failure ??= e;
    }
  }
  return failure;
}

/**
 * The backfill's part of an online MODIFY/CHANGE COLUMN: `image` (a stored image, at the
 * layout's width) with every column being added converted from its source, or null when
 * none changes. A value that does not convert throws MySQL's error for row `rowNumber`, as
 * the one-transaction rewrite did (1264, 1406, 1366, 1292, 1048).
 */
export function convertedImage(def: TableDef, image: readonly Value[], rowNumber: number): Value[] | null {
  let out: Value[] | null = null;
  for (const d of layoutOf(def).derived) {
    if (!d.adding) continue;
    const v = storeValue(image[d.from] ?? null, d.column, rowNumber);
    if (sameStored(v, image[d.slot] ?? null)) continue;
    out ??= image.slice();
    out[d.slot] = v;
  }
  return out;
}

/** True when `def` has columns being added by conversion (online MODIFY/CHANGE COLUMN). */
export function hasConvertedColumns(def: TableDef): boolean {
  return layoutOf(def).derived.some((d) => d.adding);
}
