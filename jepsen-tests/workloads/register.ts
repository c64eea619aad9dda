/**
 * Register workload (Jepsen's linearizable register, made independent per key): each key is a
 * row; clients read it, write it, and compare-and-set it with `UPDATE … WHERE k = ? AND v = ?`
 * (one affected row: the cas happened; none: it failed). Keys rotate so that each key's
 * history stays small enough for the linearizability search. Checked per key against a
 * read/write/cas register (knossos' model).
 */
import type { Random } from '../../src/base/clock.js';
import { checkLinearizable } from '../checkers/linearizable.js';
import { casRegister } from '../checkers/register-models.js';
import type { Op } from '../history/op.js';
import type { SqlConnection } from '../harness/sql-client.js';
import { DefiniteFailure, intOf, jepsenDatabase, type OpResult, type OpSpec, type Workload } from './workload.js';

const table = `${jepsenDatabase}.registers`;

/** Options of the register workload. */
export interface RegisterOptions {
  /** Rows created at setup; keys wrap around after these. */
  readonly keyCount?: number;
  /** Keys in use at once. */
  readonly keysPerGroup?: number;
  /** Operations on one group of keys before moving to the next. */
  readonly opsPerGroup?: number;
}

/** The register workload. */
export function registerWorkload(options: RegisterOptions = {}): Workload {
  const keyCount = options.keyCount ?? 100;
  const keysPerGroup = options.keysPerGroup ?? 4;
  const opsPerGroup = options.opsPerGroup ?? 120;
  let issued = 0;
  return {
    name: 'register',
    async setup(conn) {
      await conn.query(`CREATE DATABASE IF NOT EXISTS ${jepsenDatabase}`);
      await conn.query(`CREATE TABLE IF NOT EXISTS ${table} (k INT PRIMARY KEY, v INT)`);
      const existing = await conn.rows(`SELECT COUNT(*) FROM ${table}`);
      if (Number(existing[0]?.[0] ?? 0) >= keyCount) return;
      await conn.query(`DELETE FROM ${table}`);
      const rows = Array.from({ length: keyCount }, (_, k) => `(${k}, NULL)`);
      await conn.query(`INSERT INTO ${table} (k, v) VALUES ${rows.join(', ')}`);
    },
    nextOp(random: Random): OpSpec {
      const group = Math.floor(issued++ / opsPerGroup);
      const key = (group * keysPerGroup + random.int(keysPerGroup)) % keyCount;
      const roll = random.int(3);
      if (roll === 0) return { f: 'read', value: null, key };
      if (roll === 1) return { f: 'write', value: random.int(5), key };
      const from = random.int(5);
      return { f: 'cas', value: [from, (from + 1 + random.int(4)) % 5], key };
    },
    invoke: (conn, op) => invokeRegister(conn, op),
    finalOps: () => [],
    check: (history: readonly Op[]) => checkLinearizable(history, { model: casRegister({ initial: null }) }),
  };
}

async function invokeRegister(conn: SqlConnection, op: OpSpec): Promise<OpResult> {
  const key = op.key as number;
  switch (op.f) {
    case 'read': {
      const rows = await conn.rows(`SELECT v FROM ${table} WHERE k = ${key}`);
      return { value: intOf(rows[0]?.[0] ?? null), wrote: false };
    }
    case 'write': {
      await conn.affected(`UPDATE ${table} SET v = ${op.value as number} WHERE k = ${key}`);
      return { wrote: true };
    }
    case 'cas': {
      const [from, to] = op.value as [number, number];
      // from ≠ to, so MySQL's "changed rows" count equals the matched rows here.
      const affected = await conn.affected(`UPDATE ${table} SET v = ${to} WHERE k = ${key} AND v = ${from}`);
      if (affected === 0) throw new DefiniteFailure('cas found another value');
      if (affected !== 1) throw new Error(`cas changed ${affected} rows`);
      return { wrote: true };
    }
    default:
      throw new Error(`register has no op ${op.f}`);
  }
}
