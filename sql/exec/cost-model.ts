/**
 * Row and selectivity estimates for the cost-based planner, from table statistics
 * (table-stats.ts: ANALYZE TABLE figures, or a bounded key count for a table never analyzed).
 *
 * Selectivity of a predicate (the fraction of rows it keeps):
 * - `col = c`: (1 − NULL fraction) / distinct values of col; `col IN (…)`: that times the list
 *   length; `col < c` and friends: the share of [min, max] of a numeric column the bound keeps.
 * - `a.x = b.y` (a join): 1 / max(distinct(a.x), distinct(b.y)) (System R).
 * - A column's distinct values come from ANALYZE, else from an index on it alone (its
 *   cardinality), else equal the rows when the column alone is a unique key.
 * - Without figures: MySQL's filtering heuristics — equality 0.1, inequality 1/3, BETWEEN 1/9 —
 *   and `<>` 0.9, IS NULL 0.1, LIKE 0.25; AND multiplies, OR adds (minus the overlap), NOT
 *   complements. A predicate of no known shape keeps every row (it is not counted).
 *
 * Access paths cost the rows they read, a secondary index twice (the entry, then the row).
 */
import type { Expr } from '../ast/expr.js';
import type { TableDef } from '../catalog.js';
import { Decimal } from '../decimal.js';
import { toDouble, type Value } from '../values.js';
import { accessPathCandidates, type AccessPath, type ColumnPredicate } from './access-path.js';
import type { ColumnEstimate, TableEstimates } from './table-stats.js';

/** MySQL's defaults for a predicate on a column it has no figures for. */
const defaults = { equal: 0.1, notEqual: 0.9, inequality: 1 / 3, between: 1 / 9, isNull: 0.1, like: 0.25 } as const;
/** Reading a row through a secondary index costs the index entry and a get of the row. */
const indexRowCost = 2;
/** Rows assumed for a FROM leaf that is not a base table (derived table, view, CTE, information_schema). */
export const derivedLeafRows = 1000;

/** Rows of `left LEFT JOIN right ON …`: every left row at least once, matches at the default equality rate. */
export function leftJoinRows(left: number, right: number): number {
  return left * Math.max(1, right * defaults.equal);
}

/** Estimates of a table whose statistics are unknown (a plan compiled outside a transaction). */
export function unknownEstimates(): TableEstimates {
  return { rows: derivedLeafRows, analyzed: false, column: () => undefined, indexCardinality: () => undefined };
}

/** What the estimator knows about one column a predicate names. */
export interface ColumnRef {
  /** The FROM leaf it belongs to (for join predicates). */
  readonly leaf: number;
  /** Estimated rows of its table. */
  readonly rows: number;
  readonly distinct: number | undefined;
  readonly figures: ColumnEstimate | undefined;
}

/** The figures of column `position` of `def`, with its distinct values from the best source. */
export function columnRef(def: TableDef, est: TableEstimates, position: number, leaf: number): ColumnRef {
  const figures = est.column(position);
  let distinct = figures?.distinct;
  if (distinct === undefined) {
    for (const ix of def.indexes) if (ix.columns[0] === position && distinct === undefined) distinct = est.indexCardinality(ix.name, 1);
  }
  if (distinct === undefined && def.primaryKey[0] === position) distinct = est.indexCardinality('PRIMARY', 1);
  const unique = (def.primaryKey.length === 1 && def.primaryKey[0] === position) || def.indexes.some((ix) => ix.unique && ix.columns.length === 1 && ix.columns[0] === position);
  if (distinct === undefined && unique) distinct = est.rows;
  return { leaf, rows: est.rows, distinct: distinct === undefined ? undefined : Math.max(1, distinct), figures };
}

/** How a predicate's operands are resolved (the planner's scope and constant folding). */
export interface SelectivityContext {
  column(e: Expr): ColumnRef | undefined;
  constant(e: Expr): { value: Value } | undefined;
}

/** The fraction of rows (or row combinations) `e` keeps; 1 when its shape is unknown. */
export function selectivity(e: Expr, ctx: SelectivityContext): number {
  return clamp(estimate(e, ctx) ?? 1);
}

function clamp(s: number): number {
  return Number.isFinite(s) ? Math.min(1, Math.max(0, s)) : 1;
}

function estimate(e: Expr, ctx: SelectivityContext): number | undefined {
  switch (e.kind) {
    case 'binary':
      return binaryEstimate(e, ctx);
    case 'unary': {
      if (e.op !== 'NOT') return undefined;
      const s = estimate(e.operand, ctx);
      return s === undefined ? undefined : 1 - clamp(s);
    }
    case 'isNull': {
      const ref = ctx.column(e.operand);
      const s = ref?.figures?.nullFraction ?? defaults.isNull;
      return e.negated ? 1 - s : s;
    }
    case 'between': {
      const ref = ctx.column(e.operand);
      const low = ctx.constant(e.low);
      const high = ctx.constant(e.high);
      const s = ref !== undefined && low !== undefined && high !== undefined
        ? rangeSelectivity(ref, [{ op: '>=', value: low.value }, { op: '<=', value: high.value }])
        : defaults.between;
      return e.negated ? 1 - s : s;
    }
    case 'inList': {
      const ref = ctx.column(e.operand);
      const s = Math.min(1, e.list.length * (ref === undefined ? defaults.equal : equalSelectivity(ref)));
      return e.negated ? 1 - s : s;
    }
    case 'like':
      return e.negated ? 1 - defaults.like : defaults.like;
    default:
      return undefined;
  }
}

function binaryEstimate(e: Extract<Expr, { kind: 'binary' }>, ctx: SelectivityContext): number | undefined {
  switch (e.op) {
    case 'AND': {
      const l = estimate(e.left, ctx);
      const r = estimate(e.right, ctx);
      return l === undefined ? r : r === undefined ? l : l * r;
    }
    case 'OR': {
      const l = estimate(e.left, ctx);
      const r = estimate(e.right, ctx);
      return l === undefined || r === undefined ? undefined : l + r - l * r;
    }
    case '=': case '<=>': case '<>': case '<': case '<=': case '>': case '>=':
      return comparisonEstimate(e.op, e.left, e.right, ctx);
    default:
      return undefined;
  }
}

type RangeOp = '<' | '<=' | '>' | '>=';
const flipped: Record<RangeOp, RangeOp> = { '<': '>', '<=': '>=', '>': '<', '>=': '<=' };

function comparisonEstimate(op: '=' | '<=>' | '<>' | RangeOp, left: Expr, right: Expr, ctx: SelectivityContext): number {
  const l = ctx.column(left);
  const r = ctx.column(right);
  if (l !== undefined && r !== undefined && l.leaf !== r.leaf) {
    const distinct = Math.max(l.distinct ?? 0, r.distinct ?? 0);
    const eq = distinct > 0 ? 1 / distinct : defaults.equal;
    return op === '=' || op === '<=>' ? eq : op === '<>' ? 1 - eq : defaults.inequality;
  }
  const ref = l ?? r;
  const other = l !== undefined ? right : left;
  const c = ctx.constant(other);
  if (op === '=' || op === '<=>') {
    if (c !== undefined && c.value === null) return op === '=' ? 0 : ref?.figures?.nullFraction ?? defaults.isNull;
    return ref === undefined ? defaults.equal : equalSelectivity(ref);
  }
  if (op === '<>') return 1 - (ref === undefined ? defaults.equal : equalSelectivity(ref));
  if (ref === undefined || c === undefined) return defaults.inequality;
  return rangeSelectivity(ref, [{ op: l !== undefined ? op : flipped[op], value: c.value }]);
}

/** The fraction of rows whose `ref` equals one given value. */
function equalSelectivity(ref: ColumnRef): number {
  if (ref.distinct === undefined) return defaults.equal;
  return (1 - (ref.figures?.nullFraction ?? 0)) / ref.distinct;
}

/** The fraction of rows whose `ref` lies within all `bounds`: interpolated over [min, max] when known. */
function rangeSelectivity(ref: ColumnRef, bounds: readonly { op: RangeOp; value: Value }[]): number {
  const min = ref.figures?.min;
  const max = ref.figures?.max;
  const numeric = bounds.every((b) => typeof b.value === 'bigint' || typeof b.value === 'number' || b.value instanceof Decimal);
  if (min === undefined || max === undefined || !numeric) return bounds.length > 1 ? defaults.between : defaults.inequality;
  let low = min;
  let high = max;
  for (const b of bounds) {
    const v = toDouble(b.value as Exclude<Value, null>);
    if (b.op === '>' || b.op === '>=') low = Math.max(low, v);
    else high = Math.min(high, v);
  }
  if (high < low) return 0;
  const kept = max === min ? 1 : (high - low) / (max - min);
  // A range never keeps fewer rows than one value does.
  const floor = ref.distinct === undefined ? 0 : 1 / ref.distinct;
  return Math.max(floor, kept) * (1 - (ref.figures?.nullFraction ?? 0));
}

/** Rows `path` reads from `def` (the predicates are those the path was chosen from). */
export function accessPathRows(def: TableDef, path: AccessPath, preds: readonly ColumnPredicate[], est: TableEstimates): number {
  switch (path.kind) {
    case 'full':
      return est.rows;
    case 'points':
      return Math.min(path.keys.length, est.rows);
    case 'primaryRanges':
      return leadColumnRows(def, def.primaryKey[0]!, preds, est, path.ranges.length);
    case 'indexRanges': {
      const index = def.indexes.find((i) => i.name === path.indexName)!;
      return leadColumnRows(def, index.columns[0]!, preds, est, path.ranges.length);
    }
  }
}

/** Rows whose `column` satisfies its predicates (an equality or IN list, else the bounds). */
function leadColumnRows(def: TableDef, column: number, preds: readonly ColumnPredicate[], est: TableEstimates, ranges: number): number {
  if (ranges === 0) return 0;
  const ref = columnRef(def, est, column, 0);
  const on = preds.filter((p) => p.column === column);
  const eq = on.find((p) => p.op === '=' || p.op === 'in');
  if (eq !== undefined) return est.rows * Math.min(1, ranges * equalSelectivity(ref));
  const bounds = on.filter((p): p is ColumnPredicate & { op: RangeOp } => p.op !== '=' && p.op !== 'in').map((p) => ({ op: p.op, value: p.values[0] ?? null }));
  return est.rows * clamp(rangeSelectivity(ref, bounds));
}

/** What reading `rows` rows along `path` costs. */
function pathCost(path: AccessPath, rows: number): number {
  return path.kind === 'indexRanges' ? rows * indexRowCost : rows;
}

/**
 * The cheapest access path by estimated rows. Ties keep the rule-based preference (primary key
 * points, primary key range, secondary index), except that a full scan beats an index range of
 * the same cost: reading the rows in key order needs no second lookup per row.
 */
export function cheapestAccessPath(def: TableDef, preds: readonly ColumnPredicate[], est: TableEstimates): AccessPath {
  let best: AccessPath | null = null;
  let bestCost = Infinity;
  for (const path of accessPathCandidates(def, preds)) {
    const cost = pathCost(path, accessPathRows(def, path, preds, est));
    if (cost < bestCost || (cost === bestCost && path.kind === 'full')) {
      best = path;
      bestCost = cost;
    }
  }
  return best ?? { kind: 'full' };
}

/**
 * Whether fetching a join's inner rows by `keys` distinct outer values costs less than reading
 * the table (`tableRows`): a seek per key, and each row found by key counted twice (entry, then
 * row), as an index range is above. Distinct keys find disjoint rows, so at most the table.
 */
export function lookupsPay(keys: number, rowsPerKey: number, tableRows: number): boolean {
  return keys + 2 * Math.min(tableRows, keys * rowsPerKey) < tableRows;
}
