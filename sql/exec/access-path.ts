/**
 * Access path choice for one table from simple WHERE conjuncts: `col = c`, `col IN (c, …)`,
 * `col < c` (and friends), `col BETWEEN c1 AND c2`, where `c` is constant. The primary key is
 * preferred (point gets when every key column is pinned), then a secondary index on its
 * leading column, else a full scan. A range is always a superset of the matching rows: the
 * whole WHERE clause is still applied to what it returns. With ANALYZE TABLE statistics the
 * planner picks among the same candidates by estimated rows instead (cost-model.ts).
 */
import type { KeyRange } from '../../src/txn/txn-kv.js';
import { encodeKey, keyHex, type KeyPart } from '../../storage/key-codec.js';
import type { Expr } from '../ast/expr.js';
import { primaryIndexId, type TableDef } from '../catalog.js';
import { Decimal } from '../decimal.js';
import { toDecimal, toDouble, type Value } from '../values.js';
import { boundsRange, fullRange, keyPart, prefixRange } from './table-access.js';

/** How rows of a table are fetched. */
export type AccessPath =
  | { readonly kind: 'full' }
  | { readonly kind: 'points'; readonly keys: readonly (readonly KeyPart[])[] }
  | { readonly kind: 'primaryRanges'; readonly ranges: readonly KeyRange[] }
  | { readonly kind: 'indexRanges'; readonly indexName: string; readonly ranges: readonly KeyRange[] };

/** A predicate on one column with constant operands. */
interface ColumnPredicate {
  readonly column: number;
  readonly op: '=' | 'in' | '<' | '<=' | '>' | '>=';
  readonly values: readonly Value[];
}

/**
 * Recognizes `conjunct` as a predicate on a column of this table. `columnOf` maps a column
 * expression to its position (or undefined), `constantOf` evaluates a constant expression
 * (or returns undefined when it is not constant).
 */
export function columnPredicate(conjunct: Expr, columnOf: (e: Expr) => number | undefined, constantOf: (e: Expr) => { value: Value } | undefined): ColumnPredicate | undefined {
  if (conjunct.kind === 'binary') {
    const flip: Record<string, ColumnPredicate['op']> = { '=': '=', '<': '>', '<=': '>=', '>': '<', '>=': '<=' };
    const op = conjunct.op;
    if (!(op in flip)) return undefined;
    const lc = columnOf(conjunct.left);
    const rc = columnOf(conjunct.right);
    if (lc !== undefined) {
      const v = constantOf(conjunct.right);
      if (v !== undefined) return { column: lc, op: op as ColumnPredicate['op'], values: [v.value] };
    }
    if (rc !== undefined) {
      const v = constantOf(conjunct.left);
      if (v !== undefined) return { column: rc, op: flip[op]!, values: [v.value] };
    }
    return undefined;
  }
  if (conjunct.kind === 'inList' && !conjunct.negated) {
    const c = columnOf(conjunct.operand);
    if (c === undefined) return undefined;
    const values: Value[] = [];
    for (const item of conjunct.list) {
      const v = constantOf(item);
      if (v === undefined) return undefined;
      values.push(v.value);
    }
    return { column: c, op: 'in', values };
  }
  return undefined;
}

/** Splits BETWEEN into its two bounds so the range logic sees plain comparisons. */
export function expandBetween(conjunct: Expr): Expr[] {
  if (conjunct.kind === 'between' && !conjunct.negated) {
    return [
      { kind: 'binary', op: '>=', left: conjunct.operand, right: conjunct.low },
      { kind: 'binary', op: '<=', left: conjunct.operand, right: conjunct.high },
    ];
  }
  return [conjunct];
}

/**
 * The key part a constant takes when compared with a column, or undefined when the comparison
 * does not follow key order (e.g. a number against a string column compares as doubles).
 * `rounding` says which way to round a fraction for an integer column, keeping a superset.
 */
function boundPart(def: TableDef, column: number, v: Value, rounding: 'down' | 'up' | 'exact'): KeyPart | null | undefined {
  const type = def.columns[column]!.type;
  if (v === null) return null;
  const isNumber = typeof v === 'bigint' || typeof v === 'number' || v instanceof Decimal;
  switch (type.kind) {
    case 'int': {
      if (!isNumber) return undefined;
      if (typeof v === 'number' && !Number.isFinite(v)) return undefined;
      const d = toDecimal(v);
      if (d.scale === 0 || d.unscaled % 10n ** BigInt(d.scale) === 0n) return { kind: 'int', value: d.floor() };
      if (rounding === 'exact') return null;
      return { kind: 'int', value: rounding === 'down' ? d.floor() : d.ceil() };
    }
    case 'decimal':
      return typeof v === 'bigint' || v instanceof Decimal ? keyPart(v, type) : undefined;
    case 'float':
    case 'double':
      return isNumber ? { kind: 'float', value: toDouble(v) } : undefined;
    case 'string':
      return typeof v === 'string' ? keyPart(v, type) : undefined;
    default:
      return undefined;
  }
}

/** Byte ranges over one index's first column for the predicates on it, or undefined. */
function rangesFor(def: TableDef, indexId: number, column: number, preds: readonly ColumnPredicate[]): KeyRange[] | undefined {
  const eq = preds.find((p) => p.op === '=' || p.op === 'in');
  if (eq !== undefined) {
    const parts: KeyPart[] = [];
    for (const v of eq.values) {
      const part = boundPart(def, column, v, 'exact');
      if (part === undefined) return undefined;
      if (part !== null) parts.push(part);
    }
    // Equal values (8 and 8.0) make one range: reading it twice would return its rows twice.
    return uniqueBy(parts.map((p) => prefixRange(def, indexId, [p])), (r) => `${keyHex(r.start)}:${r.end === undefined ? '' : keyHex(r.end)}`);
  }
  let low: { part: KeyPart; inclusive: boolean } | null = null;
  let high: { part: KeyPart; inclusive: boolean } | null = null;
  for (const p of preds) {
    const isLow = p.op === '>' || p.op === '>=';
    const part = boundPart(def, column, p.values[0]!, isLow ? 'down' : 'up');
    if (part === undefined) continue;
    if (part === null) return [];
    // A fraction rounded for an integer column turns a strict bound inclusive (superset).
    const bound = { part, inclusive: true };
    if (isLow && low === null) low = bound;
    if (!isLow && high === null) high = bound;
  }
  if (low === null && high === null) return undefined;
  return [boundsRange(def, indexId, low, high)];
}

/** Chooses how to fetch rows of `def` given predicates on its columns (the rule-based preference). */
export function chooseAccessPath(def: TableDef, preds: readonly ColumnPredicate[]): AccessPath {
  return accessPathCandidates(def, preds)[0]!;
}

/**
 * Every way to fetch rows of `def` for these predicates, in the rule-based preference order:
 * primary key points (every key column pinned), a range on the leading primary key column, a
 * range on each secondary index's leading column, and last always the full scan. The
 * cost-based choice (cost-model.ts) picks among them by estimated rows when statistics exist.
 */
export function accessPathCandidates(def: TableDef, preds: readonly ColumnPredicate[]): AccessPath[] {
  const on = (col: number): ColumnPredicate[] => preds.filter((p) => p.column === col);
  const out: AccessPath[] = [];
  if (def.primaryKey.length > 0) {
    const points = primaryKeyPoints(def, on);
    if (points !== undefined) out.push(points);
    const lead = def.primaryKey[0]!;
    const ranges = rangesFor(def, primaryIndexId, lead, on(lead));
    if (ranges !== undefined) out.push({ kind: 'primaryRanges', ranges });
  }
  for (const index of def.indexes) {
    const lead = index.columns[0]!;
    const ranges = rangesFor(def, index.id, lead, on(lead));
    if (ranges !== undefined) out.push({ kind: 'indexRanges', indexName: index.name, ranges });
  }
  out.push({ kind: 'full' });
  return out;
}

/** Point gets when every primary key column is pinned by `=` (or the only one by IN). */
function primaryKeyPoints(def: TableDef, on: (col: number) => ColumnPredicate[]): AccessPath | undefined {
  const pinned = def.primaryKey.map((c) => on(c).find((p) => p.op === '=' || (p.op === 'in' && def.primaryKey.length === 1)));
  if (!pinned.every((p) => p !== undefined)) return undefined;
  const keys: KeyPart[][] = [];
  const first = pinned[0]!;
  for (const v of first.values) {
    const parts: KeyPart[] = [];
    for (let i = 0; i < pinned.length; i++) {
      const part = boundPart(def, def.primaryKey[i]!, i === 0 ? v : pinned[i]!.values[0]!, 'exact');
      if (part === undefined) return undefined;
      if (part !== null) parts.push(part);
    }
    if (parts.length === pinned.length) keys.push(parts);
  }
  // `id IN (8, 8)` (or 8 and 8.0) names one row once.
  return { kind: 'points', keys: uniqueBy(keys, (k) => keyHex(encodeKey(k))) };
}

/** The byte ranges of a full scan. */
export function fullScanRanges(def: TableDef): KeyRange[] {
  return [fullRange(def)];
}

export type { ColumnPredicate };

/** `items` without the later ones whose key an earlier one has, in order. */
function uniqueBy<T>(items: readonly T[], key: (item: T) => string): T[] {
  const seen = new Set<string>();
  return items.filter((item) => {
    const k = key(item);
    if (seen.has(k)) return false;
    seen.add(k);
    return true;
  });
}
