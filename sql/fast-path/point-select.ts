/**
 * The fast path of the commonest statement: `SELECT cols FROM t WHERE pk = v` on a table whose
 * primary key is one integer column (sysbench's point select). Its shape is recognized once per
 * cached statement; each execution then reads one row with one TxnKv get and projects it —
 * no compile, no scope, no source registry.
 *
 * It gives exactly what the general planner gives: the result columns are taken from one
 * compile of the statement by that planner, and a value the planner would not turn into the
 * same single key (a string, NULL, a fraction, anything past 2^53 as a double) makes `run`
 * decline, so the caller takes the general path.
 */
import type { Txn } from '../../src/txn/txn-kv.js';
import type { Expr } from '../ast/expr.js';
import type { Select, TableName } from '../ast/query.js';
import type { Statement } from '../ast/statement.js';
import type { TableDef } from '../catalog.js';
import { toSqlValue } from '../exec/coerce.js';
import type { OutputColumn } from '../exec/plan-types.js';
import { getRows } from '../exec/table-access.js';
import type { StatementResult } from '../session-api.js';
import type { Value } from '../values.js';
import { onlyKnownSelectFields } from './scan-cutoff.js';

/** What the shape check learns from the syntax tree alone. */
export interface PointSelectShape {
  readonly table: TableName;
  readonly alias: string | null;
  /** Column names of the select list in order; null for `*`. */
  readonly items: readonly string[] | null;
  /** The column compared with the key value. */
  readonly keyColumn: string;
  /** Where the key value sits: the right or left operand of the WHERE's `=`. */
  readonly keySide: 'left' | 'right';
}

/** A point select bound to one table definition (valid at one schema version). */
export interface PointSelectPlan {
  readonly shape: PointSelectShape;
  readonly def: TableDef;
  /** Stored column index of each result column. */
  readonly projection: readonly number[];
  readonly columns: readonly OutputColumn[];
}

const int64Min = -(2n ** 63n);
const int64Max = 2n ** 63n - 1n;

/** Recognizes a point-select shape, or returns undefined. */
export function pointSelectShape(stmt: Statement): PointSelectShape | undefined {
  if (stmt.kind !== 'query' || stmt.query.kind !== 'select') return undefined;
  const q: Select = stmt.query;
  if (q.distinct || q.forUpdate || q.groupBy.length > 0 || q.having !== null || q.orderBy.length > 0 || q.limit !== null) return undefined;
  if (q.from === null || q.from.kind !== 'table' || q.where === null || !onlyKnownSelectFields(q)) return undefined;
  const alias = q.from.alias;
  const items: string[] = [];
  let star = false;
  for (const item of q.items) {
    if (item.kind === 'star') {
      if (q.items.length !== 1 || (item.table !== null && item.table !== (alias ?? q.from.table.name))) return undefined;
      star = true;
    } else if (item.expr.kind === 'column' && item.alias === null && sameTable(item.expr.table, q.from.table, alias)) {
      items.push(item.expr.name);
    } else return undefined;
  }
  const w = q.where;
  if (w.kind !== 'binary' || w.op !== '=') return undefined;
  const keySide = w.left.kind === 'column' && isKeyValue(w.right) ? 'right' : w.right.kind === 'column' && isKeyValue(w.left) ? 'left' : undefined;
  if (keySide === undefined) return undefined;
  const column = (keySide === 'right' ? w.left : w.right) as Extract<Expr, { kind: 'column' }>;
  if (!sameTable(column.table, q.from.table, alias)) return undefined;
  return { table: q.from.table, alias, items: star ? null : items, keyColumn: column.name, keySide };
}

function isKeyValue(e: Expr): boolean {
  return e.kind === 'param' || (e.kind === 'literal' && e.literal.kind === 'int');
}

function sameTable(qualifier: string | null, table: TableName, alias: string | null): boolean {
  return qualifier === null || qualifier === (alias ?? table.name);
}

/**
 * Binds a shape to `def`; `columns` are the result columns the general planner compiled for
 * the same statement. Undefined when the table's key is not one integer column.
 */
export function bindPointSelect(shape: PointSelectShape, def: TableDef, columns: readonly OutputColumn[]): PointSelectPlan | undefined {
  if (def.primaryKey.length !== 1) return undefined;
  const pk = def.primaryKey[0]!;
  const col = (name: string): number => def.columns.findIndex((c) => c.name.toLowerCase() === name.toLowerCase());
  if (col(shape.keyColumn) !== pk || def.columns[pk]!.type.kind !== 'int') return undefined;
  const projection = shape.items === null ? def.columns.map((_, i) => i) : shape.items.map(col);
  if (projection.some((i) => i < 0) || projection.length !== columns.length) return undefined;
  return { shape, def, projection, columns };
}

/** The integer key of `v`, when the general planner would read exactly that one key. */
export function pointKeyValue(v: Value): bigint | undefined {
  if (typeof v === 'bigint') return v >= int64Min && v <= int64Max ? v : undefined;
  if (typeof v === 'number' && Number.isSafeInteger(v)) return BigInt(v);
  return undefined;
}

/** The key value of an execution: from the statement's literal or from the parameters. */
export function keyValueOf(plan: PointSelectPlan, stmt: Statement, params: readonly Value[]): Value | undefined {
  if (stmt.kind !== 'query' || stmt.query.kind !== 'select' || stmt.query.where?.kind !== 'binary') return undefined;
  const e = plan.shape.keySide === 'right' ? stmt.query.where.right : stmt.query.where.left;
  if (e.kind === 'param') return params[e.index];
  return e.kind === 'literal' && e.literal.kind === 'int' ? e.literal.value : undefined;
}

/** Runs the point select; undefined when `key` is not one the fast path may take. */
export async function runPointSelect(plan: PointSelectPlan, key: Value, txn: Txn): Promise<StatementResult | undefined> {
  const k = pointKeyValue(key);
  if (k === undefined) return undefined;
  const rows = await getRows(txn, plan.def, [[{ kind: 'int', value: k }]]);
  const types = plan.columns.map((c) => c.type);
  return {
    kind: 'rows',
    columns: plan.columns.map((c) => c.info),
    rows: rows.map((r) => plan.projection.map((i, n) => toSqlValue(r[i] ?? null, types[n]!))),
    warningCount: 0,
  };
}
