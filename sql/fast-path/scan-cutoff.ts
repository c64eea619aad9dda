/**
 * LIMIT pushed into a table scan. For a query over one table with no grouping, DISTINCT,
 * HAVING, ORDER BY or window work, the rows the plan returns are the first `limit + offset`
 * scanned rows that pass WHERE, in scan order; the scan can stop there instead of fetching the
 * whole range. The fetched rows are handed to the plan as usual (it applies WHERE again), so the
 * result is the same as without the cut-off.
 */
import { assertNever } from '../../src/base/assert.js';
import { SqlError } from '../../src/base/errors.js';
import { limits } from '../../src/base/limits.js';
import type { KeyRange, Txn } from '../../src/txn/txn-kv.js';
import type { Expr } from '../ast/expr.js';
import type { Select } from '../ast/query.js';
import type { TableDef } from '../catalog.js';
import { padRow } from '../exec/table-access.js';
import { decodeRow } from '../row-codec.js';
import type { Value } from '../values.js';

/** The scan of one table may stop once `rows` scanned rows pass `accept`. */
export interface ScanCutoff {
  readonly rows: number;
  readonly accept: (row: readonly Value[]) => boolean;
}

/** Fields of a Select this module knows; anything else set (a later feature) disables the cut-off. */
const knownSelectFields = new Set(['kind', 'distinct', 'items', 'from', 'where', 'groupBy', 'having', 'orderBy', 'limit', 'forUpdate']);

/**
 * True when `sel` sets no field beyond those this folder understands (a WITH list or window
 * definitions added later must turn the fast paths off, not be ignored by them).
 */
export function onlyKnownSelectFields(sel: Select): boolean {
  for (const [field, value] of Object.entries(sel)) {
    if (!knownSelectFields.has(field) && value !== undefined && value !== null && !(Array.isArray(value) && value.length === 0)) return false;
  }
  return true;
}

/** True when the rows of `sel` are its first WHERE-passing source rows in scan order (see module comment). */
export function cutoffApplies(sel: Select): boolean {
  if (sel.distinct || sel.groupBy.length > 0 || sel.having !== null || sel.orderBy.length > 0 || sel.limit === null) return false;
  return onlyKnownSelectFields(sel) && sel.items.every((i) => i.kind === 'star' || rowLocal(i.expr));
}

/** True when `e` is computed from one row alone (no aggregate, subquery or unknown kind). */
function rowLocal(e: Expr): boolean {
  switch (e.kind) {
    case 'literal': case 'column': case 'param': case 'sysVar': case 'userVar':
      return true;
    case 'unary': case 'isNull': case 'cast':
      return rowLocal(e.operand);
    case 'binary':
      return rowLocal(e.left) && rowLocal(e.right);
    case 'between':
      return rowLocal(e.operand) && rowLocal(e.low) && rowLocal(e.high);
    case 'inList':
      return rowLocal(e.operand) && e.list.every(rowLocal);
    case 'like':
      return rowLocal(e.operand) && rowLocal(e.pattern);
    case 'case':
      return (e.operand === null || rowLocal(e.operand)) && e.whens.every((w) => rowLocal(w.when) && rowLocal(w.then)) && (e.otherwise === null || rowLocal(e.otherwise));
    case 'call':
      return Object.keys(e).length === 3 && e.args.every(rowLocal);
    case 'aggregate': case 'window': case 'inQuery': case 'quantified': case 'exists': case 'subquery': case 'default':
      return false;
    default:
      return assertNever(e, 'expression');
  }
}

/** Rows of `def` in `ranges`, in key order, stopping once `cutoff.rows` of them pass `cutoff.accept`. */
export async function scanWithCutoff(txn: Txn, def: TableDef, ranges: readonly KeyRange[], cutoff: ScanCutoff): Promise<Value[][]> {
  const rows: Value[][] = [];
  let accepted = 0;
  if (cutoff.rows <= 0) return rows;
  for (const range of ranges) {
    for await (const kv of txn.scan(range)) {
      const row = padRow(def, decodeRow(kv.value));
      rows.push(row);
      if (rows.length > limits.statementRowsMax) throw new SqlError('UNKNOWN_ERROR', `Statement reads more than ${limits.statementRowsMax} rows`);
      if (cutoff.accept(row) && ++accepted >= cutoff.rows) return rows;
    }
  }
  return rows;
}
