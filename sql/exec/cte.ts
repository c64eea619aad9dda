/**
 * Common table expressions. Each CTE of a WITH becomes a named relation (relations.ts) that
 * later CTEs and the query body see; a reference compiles the CTE's query as a derived table.
 *
 * WITH RECURSIVE: a CTE whose query is `anchor UNION [ALL] recursive part`, the recursive
 * part naming the CTE itself. The anchor runs once; the recursive part then runs again and
 * again over the rows the previous round produced (the working table) until a round adds
 * none. More rounds than @@cte_max_recursion_depth is errno 3636, and the rows it builds
 * count against limits.statementRowsMax, so a recursion that never ends stops with an error.
 */
import { SqlError } from '../../src/base/errors.js';
import { limits } from '../../src/base/limits.js';
import type { CommonTableExpr, Query } from '../ast/query.js';
import { ColumnFlag } from '../session-api.js';
import { groupKey, toBigInt, type Value } from '../values.js';
import { coerce, compareModeFor } from './coerce.js';
import type { DerivedRelation, OutputColumn, PlannerEnv, QueryCompiler, QueryPlan } from './plan-types.js';
import { withRelations } from './relations.js';
import type { Scope } from './scope.js';

/** Compiles a query that has a WITH clause. */
export function compileWith(query: Query, parent: Scope | null, env: PlannerEnv, compileQuery: QueryCompiler): QueryPlan {
  const clause = query.with!;
  const relations = new Map<string, DerivedRelation>();
  let scoped = env;
  for (const cte of clause.ctes) {
    const key = cte.name.toLowerCase();
    if (relations.has(key)) throw new SqlError('NONUNIQ_CTE', `Not unique table/alias: '${cte.name}'`);
    const defining = scoped;
    const recursive = clause.recursive && refersTo(cte.query, key);
    relations.set(key, recursive ? recursiveRelation(cte, defining, compileQuery) : { columns: cte.columns, plan: () => checkedPlan(cte, compileQuery(cte.query, null, defining)) });
    scoped = withRelations(env, relations, compileQuery);
  }
  return compileQuery({ ...query, with: undefined }, parent, scoped);
}

function checkedPlan(cte: CommonTableExpr, plan: QueryPlan): QueryPlan {
  if (cte.columns !== null && cte.columns.length !== plan.columns.length) {
    throw new SqlError('VIEW_WRONG_LIST', 'In definition of view, derived table or common table expression, SELECT list and column list have different column counts');
  }
  return plan;
}

/** True when `query` names table `name` (unqualified) anywhere in its FROM clauses. */
function refersTo(query: Query, name: string): boolean {
  return JSON.stringify(query, (_k, v: unknown) => (typeof v === 'bigint' ? v.toString() : v)).toLowerCase().includes(`"table":{"db":null,"name":${JSON.stringify(name)}}`);
}

/** The anchor and recursive parts of `anchor UNION [ALL] recursive`. */
function splitRecursive(cte: CommonTableExpr, name: string): { anchor: Query; step: Query; distinct: boolean } {
  const q = cte.query;
  if (q.kind !== 'setOp' || (q.op !== 'union' && q.op !== 'unionAll') || refersTo(q.left, name) || !refersTo(q.right, name)) {
    throw new SqlError('CTE_RECURSIVE_REQUIRES_UNION', `Recursive Common Table Expression '${cte.name}' should contain a UNION`);
  }
  if (q.orderBy.length > 0 || q.limit !== null) throw new SqlError('NOT_SUPPORTED_YET', "This version of Atoll doesn't yet support 'ORDER BY / LIMIT over a recursive common table expression'");
  return { anchor: q.left, step: q.right, distinct: q.op === 'union' };
}

function recursiveRelation(cte: CommonTableExpr, env: PlannerEnv, compileQuery: QueryCompiler): DerivedRelation {
  const key = cte.name.toLowerCase();
  return {
    columns: cte.columns,
    plan: () => {
      const { anchor, step, distinct } = splitRecursive(cte, key);
      const anchorPlan = checkedPlan(cte, compileQuery(anchor, null, env));
      const columns = anchorPlan.columns.map((c, i) => outputColumn(c, cte.columns?.[i] ?? c.info.name));
      let working: Value[][] = [];
      const workingTable: DerivedRelation = { columns: columns.map((c) => c.info.name), volatile: true, plan: () => ({ columns, run: () => working }) };
      const stepEnv = withRelations(env, new Map([[key, workingTable]]), compileQuery);
      const stepPlan = compileQuery(step, null, stepEnv);
      if (stepPlan.columns.length !== columns.length) throw new SqlError('UNKNOWN_ERROR', 'The used SELECT statements have a different number of columns');
      const depthMax = Number(toBigInt(env.session.systemVariable('cte_max_recursion_depth', null) ?? 1000n));
      return {
        columns,
        run: () => {
          const fix = (rows: Value[][]): Value[][] => rows.map((r) => r.map((v, i) => coerce(v, columns[i]!.type)));
          const modes = columns.map((c) => compareModeFor(c.type, c.type));
          const seen = new Set<string>();
          const fresh = (rows: Value[][]): Value[][] => (distinct ? rows.filter((r) => {
            const k = r.map((v, i) => groupKey(v, modes[i]!)).join('\u0000');
            if (seen.has(k)) return false;
            seen.add(k);
            return true;
          }) : rows);
          const result = fresh(fix(anchorPlan.run(null)));
          working = result;
          for (let round = 1; working.length > 0; round++) {
            if (round > depthMax) throw new SqlError('CTE_MAX_RECURSION_DEPTH', `Recursive query aborted after ${round} iterations. Try increasing @@cte_max_recursion_depth to a larger value.`);
            env.session.budget?.examine(working.length + 1);
            working = fresh(fix(stepPlan.run(null)));
            for (const r of working) result.push(r);
            if (result.length > limits.statementRowsMax) throw new SqlError('TOO_BIG_SELECT', `Recursive query produced more than ${limits.statementRowsMax} rows`);
          }
          return result;
        },
      };
    },
  };
}

function outputColumn(c: OutputColumn, name: string): OutputColumn {
  return { type: c.type, nullable: true, info: { ...c.info, name, flags: c.info.flags & ~ColumnFlag.NOT_NULL } };
}
