/**
 * SELECT … FOR UPDATE and LOCK IN SHARE MODE (both take exclusive row locks today): the rows the
 * statement fetched are locked one by one and re-read through the lock before the plan runs
 * over them. What the re-read sees is the transaction layer's rule (src/txn): under REPEATABLE
 * READ a row changed since the snapshot fails the lock with 1213, so the result is the
 * snapshot's; under READ COMMITTED it is the newest committed version (InnoDB's current read).
 * A row deleted meanwhile drops out; one changed so that WHERE no longer holds is filtered by
 * the plan, which applies the whole WHERE to what it is given. Rows inserted after the
 * snapshot are not seen (no gap locks).
 */
import type { Txn } from '../../src/txn/txn-kv.js';
import type { Query } from '../ast/query.js';
import { toSqlValue } from '../exec/coerce.js';
import { compileQuery, type PlannerEnv } from '../exec/query-planner.js';
import { lockAndReadCurrent } from '../exec/table-access.js';
import type { StatementResult } from '../session-api.js';
import type { Value } from '../values.js';

/** True when `query` is a locking read. */
export function isLockingRead(query: Query): boolean {
  return query.kind === 'select' && query.forUpdate;
}

/** Runs a locking read (see the module comment). */
export async function runLockingRead(query: Query, env: PlannerEnv, txn: Txn): Promise<StatementResult> {
  const plan = compileQuery(query, null, env);
  await env.sources.load(txn);
  for (const source of env.sources.all()) {
    const rows: Value[][] = source.rows;
    let kept = 0;
    for (const row of rows) {
      const current = await lockAndReadCurrent(txn, source.def, row);
      if (current !== null) rows[kept++] = current;
    }
    rows.length = kept;
  }
  const types = plan.columns.map((c) => c.type);
  return {
    kind: 'rows',
    columns: plan.columns.map((c) => c.info),
    rows: plan.run(null).map((r) => r.map((v, i) => toSqlValue(v, types[i]!))),
    warningCount: 0,
  };
}
