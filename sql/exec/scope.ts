/**
 * Name resolution: the columns visible to an expression, nested for subqueries (a column not
 * found in a subquery's own FROM is looked up in the enclosing query: a correlated reference).
 */
import { SqlError } from '../../src/base/errors.js';
import type { Value } from '../values.js';
import type { SqlType } from '../types.js';

/** One column visible in a scope. */
export interface ScopeColumn {
  /** Table alias (or table name) that qualifies it; null for derived expressions. */
  readonly table: string | null;
  readonly name: string;
  readonly type: SqlType;
  readonly nullable: boolean;
  /** Database of the underlying table ('' when none). */
  readonly db: string;
  /** Underlying table name ('' when none). */
  readonly orgTable: string;
  /** Underlying column name ('' when none). */
  readonly orgName: string;
  /** ColumnFlag bits of the underlying column (keys, NOT NULL, AUTO_INCREMENT). */
  readonly flags: number;
  /** Index of the FROM leaf this column comes from. */
  readonly leaf: number;
}

/** The row an evaluator sees, with the rows of enclosing queries for correlated references. */
export interface EvalCtx {
  readonly row: readonly Value[];
  readonly parent: EvalCtx | null;
}

/** Where a resolved column lives: `depth` scopes up, at `offset` in that scope's row. */
export interface ResolvedColumn {
  readonly depth: number;
  readonly offset: number;
  readonly column: ScopeColumn;
}

/** The columns of one query level, and the enclosing level. */
export class Scope {
  /** Set when an expression of this scope (or a nested one) referenced an enclosing scope. */
  correlated = false;
  /** Called with the offset of every column resolved in this scope (at depth 0). */
  onResolve: ((offset: number) => void) | null = null;

  constructor(
    readonly columns: readonly ScopeColumn[],
    readonly parent: Scope | null,
  ) {}

  /** Finds `table.name` (table may be null); throws 1054 when unknown, 1052 when ambiguous. */
  resolve(table: string | null, name: string, clause: string): ResolvedColumn {
    let scope: Scope | null = this;
    let depth = 0;
    while (scope !== null) {
      const offset = scope.find(table, name);
      if (offset !== undefined) {
        if (depth === 0) this.onResolve?.(offset);
        else {
          let s: Scope | null = this;
          for (let d = 0; d < depth && s !== null; d++) {
            s.correlated = true;
            s = s.parent;
          }
          scope.onResolve?.(offset);
        }
        return { depth, offset, column: scope.columns[offset]! };
      }
      scope = scope.parent;
      depth++;
    }
    const full = table === null ? name : `${table}.${name}`;
    throw new SqlError('BAD_FIELD', `Unknown column '${full}' in '${clause}'`);
  }

  /** Offset of `table.name` in this scope only. */
  find(table: string | null, name: string): number | undefined {
    const lower = name.toLowerCase();
    let found: number | undefined;
    for (let i = 0; i < this.columns.length; i++) {
      const c = this.columns[i]!;
      if (c.name.toLowerCase() !== lower) continue;
      if (table !== null && c.table !== table) continue;
      if (found !== undefined) {
        throw new SqlError('NON_UNIQ', `Column '${name}' in field list is ambiguous`);
      }
      found = i;
    }
    return found;
  }
}

/** An evaluator reading column `offset` of the row `depth` levels up. */
export function columnReader(depth: number, offset: number): (ctx: EvalCtx) => Value {
  if (depth === 0) return (ctx) => ctx.row[offset] ?? null;
  return (ctx) => {
    let c: EvalCtx | null = ctx;
    for (let d = 0; d < depth && c !== null; d++) c = c.parent;
    return c === null ? null : (c.row[offset] ?? null);
  };
}
