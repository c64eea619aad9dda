/**
 * Named relations that are not base tables: views (stored as query text) and common table
 * expressions. The planner asks `PlannerEnv.relation(name)` before `table(name)`; a relation
 * compiles to a QueryPlan that becomes a FROM leaf like a derived table.
 *
 * A view's query resolves unqualified table names in the view's own database, not the
 * session's: it is compiled in an environment whose default database is the view's.
 */
import { SqlError } from '../../src/base/errors.js';
import type { Query, TableName } from '../ast/query.js';
import type { ViewDef } from '../catalog.js';
import { parseStatement } from '../parser/parse.js';
import type { DerivedRelation, PlannerEnv, QueryCompiler } from './plan-types.js';

export type { DerivedRelation };

const parsedViews = new WeakMap<ViewDef, Query>();

function viewQuery(def: ViewDef): Query {
  let q = parsedViews.get(def);
  if (q === undefined) {
    const parsed = parseStatement(def.selectText).statement;
    if (parsed.kind !== 'query') throw new SqlError('INTERNAL', `view ${def.db}.${def.name} does not hold a query`);
    q = parsed.query;
    parsedViews.set(def, q);
  }
  return q;
}

/** How deep views may nest in each other (a view over a view over …). */
const viewDepthMax = 64;
/** Views being compiled right now (compiling is synchronous, so a counter is enough). */
let viewDepth = 0;

/** The relation of a stored view, compiled in `env` with the view's database as default. */
export function viewRelation(def: ViewDef, env: PlannerEnv, compileQuery: QueryCompiler): DerivedRelation {
  return {
    columns: def.columns,
    plan: () => {
      if (viewDepth >= viewDepthMax) throw new SqlError('VIEW_RECURSIVE', `\`${def.db}\`.\`${def.name}\` contains view recursion`);
      viewDepth++;
      try {
        return compileQuery(viewQuery(def), null, withDefaultDatabase(env, def.db, compileQuery));
      } finally {
        viewDepth--;
      }
    },
  };
}

/** `env` with unqualified table names resolved in `db`. */
export function withDefaultDatabase(env: PlannerEnv, db: string, compileQuery: QueryCompiler): PlannerEnv {
  const qualify = (n: TableName): TableName => (n.db === null ? { db, name: n.name } : n);
  const inner: PlannerEnv = {
    ...env,
    table: (n) => env.table(qualify(n)),
    relation: (n) => env.relation?.(qualify(n)),
    compileSubquery: (query, parent) => compileQuery(query, parent, inner),
  };
  return inner;
}

/**
 * `env` with extra relations (the CTEs of a WITH clause) visible by unqualified name; they
 * shadow tables and views of the same name.
 */
export function withRelations(env: PlannerEnv, relations: ReadonlyMap<string, DerivedRelation>, compileQuery: QueryCompiler): PlannerEnv {
  const inner: PlannerEnv = {
    ...env,
    relation: (n) => (n.db === null ? relations.get(n.name.toLowerCase()) : undefined) ?? env.relation?.(n),
    compileSubquery: (query, parent) => compileQuery(query, parent, inner),
  };
  return inner;
}
