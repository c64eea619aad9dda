/**
 * What a workload is: how to set up its tables, which operation a client runs next, how one
 * operation runs over SQL, the final reads after the faults are healed, and which checker
 * judges its history. Workloads know SQL and the history format — never namespaces or nemeses.
 */
import type { Random } from '../../src/base/clock.js';
import type { CheckResult } from '../checkers/check-result.js';
import type { Plain } from '../history/edn.js';
import type { Op } from '../history/op.js';
import type { SqlConnection } from '../harness/sql-client.js';

/** Workload names accepted by `--workload`. */
export type WorkloadName = 'register' | 'set' | 'bank' | 'append';

/** The operation a client is about to run. */
export interface OpSpec {
  readonly f: string;
  readonly value: Plain;
  readonly key?: Plain;
}

/** The outcome of an operation that succeeded. */
export interface OpResult {
  /** The completion's value (e.g. what a read saw); the invocation's value when omitted. */
  readonly value?: Plain;
  /** True when the op committed a write (the runner then asks for `@@atoll_last_commit_ts`). */
  readonly wrote: boolean;
}

/** An operation that certainly had no effect and is not an error (a cas that found another value). */
export class DefiniteFailure extends Error {
  override readonly name = 'DefiniteFailure';
}

/** A workload. */
export interface Workload {
  readonly name: WorkloadName;
  /** Creates the schema and initial rows (idempotent: may be retried after a failure). */
  setup(conn: SqlConnection): Promise<void>;
  /** The next operation of client `process`. */
  nextOp(random: Random, process: number): OpSpec;
  /** Runs `op`; throws DefiniteFailure, a SQL error, or a timeout. */
  invoke(conn: SqlConnection, op: OpSpec): Promise<OpResult>;
  /** Reads run once every fault is healed (each must eventually succeed). */
  finalOps(): OpSpec[];
  /** Judges this workload's history. */
  check(history: readonly Op[]): CheckResult;
}

/** Database every workload's tables live in. */
export const jepsenDatabase = 'jepsen';

/** Runs `body` inside START TRANSACTION … COMMIT, rolling back (best effort) if it throws. */
export async function inTransaction<T>(conn: SqlConnection, body: () => Promise<T>): Promise<T> {
  await conn.query('START TRANSACTION');
  try {
    const result = await body();
    await conn.query('COMMIT');
    return result;
  } catch (error) {
    if (!conn.broken) await conn.query('ROLLBACK').catch(() => undefined);
    throw error;
  }
}

/** Parses an integer column; asserts it is one. */
export function intOf(text: string | null): number | null {
  if (text === null) return null;
  const n = Number(text);
  if (!Number.isSafeInteger(n)) throw new Error(`expected an integer, got ${JSON.stringify(text)}`);
  return n;
}
