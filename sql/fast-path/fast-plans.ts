/**
 * Where fast-path plans live: with the plan-cache entry of a text statement (shared by all
 * sessions) or with a prepared statement (its own). A plan is bound to table definitions, so
 * it is stored with the schema version it was built at and with the session's current
 * database (an unqualified table name means a different table in another database).
 */
import { databaseOf } from '../exec/ddl.js';
import type { OutputColumn } from '../exec/plan-types.js';
import type { Statement } from '../ast/statement.js';
import type { PlanCache } from '../plan-cache.js';
import type { Value } from '../values.js';
import { bindPointSelect, pointSelectShape, type PointSelectPlan } from './point-select.js';

/** What a session lends the fast path. */
export interface FastPlanHost {
  readonly database: string | null;
  readonly cache: PlanCache;
  /** The result columns the general planner compiles for `stmt`; throws when it cannot now. */
  compileColumns(stmt: Statement, params: readonly Value[]): readonly OutputColumn[];
}

/** The fast-path plans of one prepared statement. */
export class PreparedPlans {
  private readonly plans = new Map<string, { readonly version: number; readonly plan: PointSelectPlan | null }>();

  get(name: string, version: number): PointSelectPlan | null | undefined {
    const e = this.plans.get(name);
    return e !== undefined && e.version === version ? e.plan : undefined;
  }

  set(name: string, version: number, plan: PointSelectPlan | null): void {
    this.plans.set(name, { version, plan });
  }
}

/** Where an execution's fast plans are kept: a cache key (text statements) or a prepared statement. */
export type FastPlanSlot = { readonly key: string | null } | PreparedPlans;

/**
 * The point-select plan for `stmt`, or null when the statement is not one (remembered) or
 * cannot be bound yet (its table definition is not cached: the general path loads it).
 */
export function pointSelectPlan(host: FastPlanHost, slot: FastPlanSlot, stmt: Statement, params: readonly Value[]): PointSelectPlan | null {
  const name = `point:${host.database ?? ''}`;
  const version = host.cache.schemaVersion;
  const known = slot instanceof PreparedPlans ? slot.get(name, version) : host.cache.extra<PointSelectPlan | null>(slot.key, name);
  if (known !== undefined) return known;
  const remember = (plan: PointSelectPlan | null): PointSelectPlan | null => {
    if (slot instanceof PreparedPlans) {
      if (version === host.cache.schemaVersion) slot.set(name, version, plan);
    } else host.cache.setExtra(slot.key, name, version, plan);
    return plan;
  };
  const shape = pointSelectShape(stmt);
  if (shape === undefined) return remember(null);
  let def;
  try {
    def = host.cache.table(databaseOf(shape.table, host.database), shape.table.name);
  } catch {
    return null;
  }
  if (def === undefined) return null;
  let columns: readonly OutputColumn[];
  try {
    columns = host.compileColumns(stmt, params);
  } catch {
    return remember(null);
  }
  return remember(bindPointSelect(shape, def, columns) ?? null);
}
