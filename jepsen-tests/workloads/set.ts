/**
 * Set workload (Jepsen's set): clients insert unique ids, one row each; after the faults are
 * healed, a final read returns every row. Every acknowledged insert must be in it (else it
 * was lost — what a write acknowledged before it is durable shows under kill -9), and it may
 * hold only ids some client tried to insert.
 */
import { checkSet } from '../checkers/set.js';
import type { Op } from '../history/op.js';
import { intOf, jepsenDatabase, type OpSpec, type Workload } from './workload.js';

const table = `${jepsenDatabase}.elements`;

/** The set workload. */
export function setWorkload(): Workload {
  let next = 0;
  return {
    name: 'set',
    async setup(conn) {
      await conn.query(`CREATE DATABASE IF NOT EXISTS ${jepsenDatabase}`);
      await conn.query(`CREATE TABLE IF NOT EXISTS ${table} (id INT PRIMARY KEY)`);
    },
    nextOp: (): OpSpec => ({ f: 'add', value: next++ }),
    async invoke(conn, op) {
      if (op.f === 'add') {
        await conn.affected(`INSERT INTO ${table} (id) VALUES (${op.value as number})`);
        return { wrote: true };
      }
      const rows = await conn.rows(`SELECT id FROM ${table}`);
      return { value: rows.map((r) => intOf(r[0] ?? null) as number).sort((a, b) => a - b), wrote: false };
    },
    finalOps: () => [{ f: 'read', value: null }],
    check: (history: readonly Op[]) => checkSet(history),
  };
}
