/**
 * Equi-joins inside one nested loop (query-planner.ts's joinProducer). A conjunct
 * `column = column` between the leaf of a level and a leaf bound before it lets the level
 * find its matching rows two ways better than trying every fetched row:
 *
 * - a hash join: the level's rows are grouped by their key once, and each outer row probes
 *   the group of its own key;
 * - a batched index nested-loop join (MySQL's batched key access): when the level's column
 *   leads the primary key or an index of a base table that would otherwise be read whole, and
 *   the outer column belongs to a base table fetched before it, the table fetches only the rows
 *   the outer values find (sources.ts, JoinLookup), and the hash join then pairs them.
 *
 * A key is groupKey in the comparison's mode (values.ts): two values get one key exactly when
 * `=` holds between them, so no match is lost, and every conjunct of the level is still checked
 * on every candidate. Only plain columns take part: evaluating them cannot fail, so building
 * the groups never raises an error that the nested loop would not have raised.
 */
import type { Expr } from '../ast/expr.js';
import type { TableDef } from '../catalog.js';
import { groupKey, type CompareMode, type Value } from '../values.js';
import { compareModeFor } from './coerce.js';
import { lookupsPay } from './cost-model.js';
import type { Compiled } from './plan-types.js';
import type { Scope } from './scope.js';
import type { TableSource } from './sources.js';
import type { TableEstimates } from './table-stats.js';

/** How one level of the nested loop finds its rows by key. */
export interface LevelKey {
  /** Position of the key column within the level's leaf. */
  readonly innerColumn: number;
  /** Offset of the outer key column in the joined row (a leaf bound before this level). */
  readonly outerOffset: number;
  readonly mode: CompareMode;
  /** The equality it comes from (EXPLAIN ANALYZE prints it). */
  readonly equality: Expr;
}

/** What this module needs of a FROM leaf. */
export interface EquiLeaf {
  readonly columns: readonly { readonly db: string; readonly table: string | null; readonly name: string }[];
  readonly base?: { readonly def: TableDef; readonly estimates: TableEstimates; source(): TableSource | null };
}

/** What this module needs of a conjunct. */
export interface EquiConjunct {
  readonly compiled: Compiled;
  readonly ast: Expr;
  readonly leaves: ReadonlySet<number>;
  /** Fraction of row combinations it keeps (cost-model.ts). */
  selectivity(): number;
}

/** Modes whose keys an index lookup finds exactly as `=` compares (no double rounding, no date forms). */
const lookupModes: ReadonlySet<CompareMode> = new Set(['int', 'decimal', 'string']);

/**
 * The key of the level that binds `leaf`, from one of the conjuncts checked there of the form
 * `leaf.column = other.column` with `other` among `bound` — the most selective, as
 * join-order.ts assumes; undefined when none is.
 */
export function levelKey(leaf: number, checked: readonly EquiConjunct[], bound: ReadonlySet<number>, scope: Scope, offsets: readonly number[]): LevelKey | undefined {
  let best: { key: LevelKey; selectivity: number } | undefined;
  for (const c of checked) {
    if (c.compiled.hasSubquery || c.ast.kind !== 'binary' || c.ast.op !== '=') continue;
    const l = columnOffset(c.ast.left, scope);
    const r = columnOffset(c.ast.right, scope);
    if (l === undefined || r === undefined) continue;
    const [inner, outer] = scope.columns[l]!.leaf === leaf ? [l, r] : [r, l];
    if (scope.columns[inner]!.leaf !== leaf || !bound.has(scope.columns[outer]!.leaf)) continue;
    const selectivity = c.selectivity();
    if (best !== undefined && selectivity >= best.selectivity) continue;
    best = { key: { innerColumn: inner - offsets[leaf]!, outerOffset: outer, mode: compareModeFor(scope.columns[inner]!.type, scope.columns[outer]!.type), equality: c.ast }, selectivity };
  }
  return best?.key;
}

/**
 * The key of a LEFT JOIN: a conjunct of its ON clause `right.column = left.column`, in a scope
 * whose first `leftWidth` columns are the left operand's. Offsets are of the joined row.
 */
export function leftJoinKey(on: readonly Expr[], scope: Scope, leftWidth: number): { readonly left: number; readonly right: number; readonly mode: CompareMode } | undefined {
  for (const e of on) {
    if (e.kind !== 'binary' || e.op !== '=') continue;
    const a = columnOffset(e.left, scope);
    const b = columnOffset(e.right, scope);
    if (a === undefined || b === undefined || (a < leftWidth) === (b < leftWidth)) continue;
    const [left, right] = a < leftWidth ? [a, b] : [b, a];
    return { left, right: right - leftWidth, mode: compareModeFor(scope.columns[left]!.type, scope.columns[right]!.type) };
  }
  return undefined;
}

/** Where a column reference of this scope (not an enclosing query's) sits; undefined for anything else. */
export function columnOffset(e: Expr, scope: Scope): number | undefined {
  if (e.kind !== 'column') return undefined;
  try {
    return scope.find(e.table, e.name);
  } catch {
    return undefined; // ambiguous: the conjunct's own compile reports it
  }
}

/** The hash key of a value in `mode`; null for NULL, which `=` never matches. */
export function hashKey(v: Value, mode: CompareMode): string | null {
  return v === null ? null : groupKey(v, mode);
}

/** Rows of `rows` grouped by the key of their column `column` (rows with a NULL key left out). */
export function groupByKey(rows: readonly (readonly Value[])[], column: number, mode: CompareMode): Map<string, (readonly Value[])[]> {
  const groups = new Map<string, (readonly Value[])[]>();
  for (const r of rows) {
    const key = hashKey(r[column] ?? null, mode);
    if (key === null) continue;
    const group = groups.get(key);
    if (group === undefined) groups.set(key, [r]);
    else group.push(r);
  }
  return groups;
}

/**
 * Makes `leaves[leaf]` fetch only the rows `key` finds, when it is a base table read whole
 * whose key column leads an index, and the outer column is a base table's; returns whether it did.
 */
export function planLookup(leaves: readonly EquiLeaf[], leaf: number, key: LevelKey, scope: Scope, offsets: readonly number[], outerRows: number): boolean {
  const outerLeaf = scope.columns[key.outerOffset]!.leaf;
  const outerSource = leaves[outerLeaf]!.base?.source();
  if (outerSource == null) return false;
  return attachLookup(leaves[leaf]!, key.innerColumn, key.mode, { source: outerSource, column: key.outerOffset - offsets[outerLeaf]!, name: scope.columns[key.outerOffset]!, rows: outerRows });
}

/**
 * The same for the right operand of a LEFT JOIN keyed on `left.column = right.column`:
 * `leftLeaves` are the left operand's FROM leaves, whose columns it lists in that order.
 */
export function planLeftJoinLookup(right: EquiLeaf, leftLeaves: readonly EquiLeaf[], leftOffset: number, rightColumn: number, mode: CompareMode, leftRows: number): boolean {
  let start = 0;
  for (const leaf of leftLeaves) {
    const width = leaf.columns.length;
    if (leftOffset < start + width) {
      const source = leaf.base?.source();
      if (source == null) return false;
      return attachLookup(right, rightColumn, mode, { source, column: leftOffset - start, name: leaf.columns[leftOffset - start]!, rows: leftRows });
    }
    start += width;
  }
  return false;
}

/** The outer side of a lookup: a fetched base table's column. */
interface LookupOuter {
  readonly source: TableSource;
  readonly column: number;
  readonly name: { readonly db: string; readonly table: string | null; readonly name: string };
  /** Its rows (at most as many keys), estimated: would lookups cost less than a scan? */
  readonly rows: number;
}

function attachLookup(leaf: EquiLeaf, innerColumn: number, mode: CompareMode, outer: LookupOuter): boolean {
  const inner = leaf.base;
  const source = inner?.source();
  if (inner === undefined || source == null || source.path.kind !== 'full' || source.cutoff !== null || source.lookup !== null) return false;
  if (!lookupModes.has(mode)) return false;
  const index = leadingIndex(inner.def, innerColumn);
  if (index === undefined) return false;
  const cardinality = inner.estimates.indexCardinality(index.name, 1);
  const rowsPerKey = index.unique ? 1 : cardinality !== undefined && cardinality > 0 ? Math.max(1, inner.estimates.rows / cardinality) : 10;
  // With statistics, the rule of load time (sources.ts) on the estimated number of keys; without,
  // the lookup is planned and load time decides from the keys it really has.
  if (inner.estimates.analyzed && !lookupsPay(outer.rows, rowsPerKey, inner.estimates.rows)) return false;
  const { db, table, name } = outer.name;
  source.lookup = {
    column: innerColumn,
    index: index.name,
    unique: index.unique,
    ref: `${db === '' ? '' : `${db}.`}${table ?? ''}.${name}`,
    rowsPerKey,
    keys: () => distinctValues(outer.source.rows, outer.column, mode),
  };
  return true;
}

/**
 * True when the second level of a join can merge with the first instead of hashing: both are
 * base tables keyed on their single-column integer primary keys, each fetched in key order (a
 * full scan, one primary key range, or lookups by the outer values, which come in that order),
 * so each side holds every key at most once, ascending, and one cursor walks the inner rows.
 */
export function mergeable(outer: EquiLeaf, inner: EquiLeaf, key: LevelKey, outerColumn: number): boolean {
  return key.mode === 'int' && inPrimaryKeyOrder(outer, outerColumn) && inPrimaryKeyOrder(inner, key.innerColumn);
}

function inPrimaryKeyOrder(leaf: EquiLeaf, column: number): boolean {
  const base = leaf.base;
  const source = base?.source();
  if (base === undefined || source == null || base.def.primaryKey.length !== 1 || base.def.primaryKey[0] !== column) return false;
  const path = source.path;
  return source.lookup !== null || path.kind === 'full' || (path.kind === 'primaryRanges' && path.ranges.length === 1);
}

/** The primary key or the index that `column` leads (one that finds one row per key first). */
function leadingIndex(def: TableDef, column: number): { name: string; unique: boolean } | undefined {
  if (def.primaryKey[0] === column) return { name: 'PRIMARY', unique: def.primaryKey.length === 1 };
  const leading = def.indexes.filter((ix) => ix.columns[0] === column);
  const unique = leading.find((ix) => ix.unique && ix.columns.length === 1);
  const chosen = unique ?? leading[0];
  return chosen === undefined ? undefined : { name: chosen.name, unique: unique !== undefined };
}

function distinctValues(rows: readonly (readonly Value[])[], column: number, mode: CompareMode): Value[] {
  const seen = new Map<string, Value>();
  for (const r of rows) {
    const v = r[column] ?? null;
    const key = hashKey(v, mode);
    if (key !== null && !seen.has(key)) seen.set(key, v);
  }
  return [...seen.values()];
}
