/**
 * List-append workload (Elle's list-append): each key is a row whose value is a
 * comma-separated list; a transaction of 1–4 micro-ops appends unique elements
 * (`UPDATE … SET v = CONCAT(v, ',', x)`) and reads whole lists, all inside one
 * START TRANSACTION … COMMIT. Elle infers the version order of every key from the reads and
 * looks for dependency cycles (G0, G1c, G-single, G2…) and non-cyclic anomalies.
 */
import type { Random } from '../../src/base/clock.js';
import { checkListAppend } from '../checkers/list-append.js';
import type { Plain } from '../history/edn.js';
import type { Op } from '../history/op.js';
import type { SqlConnection } from '../harness/sql-client.js';
import { inTransaction, jepsenDatabase, type OpResult, type OpSpec, type Workload } from './workload.js';

const table = `${jepsenDatabase}.lists`;

/** Options of the list-append workload. */
export interface ListAppendOptions {
  readonly keyCount?: number;
  readonly keysPerGroup?: number;
  readonly txnsPerGroup?: number;
  /** Consistency model Elle checks; the single node claims snapshot isolation. */
  readonly consistencyModel?: string;
}

/** The list-append workload. */
export function listAppendWorkload(options: ListAppendOptions = {}): Workload {
  const keyCount = options.keyCount ?? 200;
  const keysPerGroup = options.keysPerGroup ?? 5;
  const txnsPerGroup = options.txnsPerGroup ?? 60;
  let issued = 0;
  let element = 1;
  return {
    name: 'append',
    async setup(conn) {
      await conn.query(`CREATE DATABASE IF NOT EXISTS ${jepsenDatabase}`);
      await conn.query(`CREATE TABLE IF NOT EXISTS ${table} (k INT PRIMARY KEY, v TEXT NOT NULL)`);
      const existing = await conn.rows(`SELECT COUNT(*) FROM ${table}`);
      if (Number(existing[0]?.[0] ?? 0) >= keyCount) return;
      await conn.query(`DELETE FROM ${table}`);
      await conn.query(`INSERT INTO ${table} (k, v) VALUES ${Array.from({ length: keyCount }, (_, k) => `(${k}, '')`).join(', ')}`);
    },
    nextOp(random: Random): OpSpec {
      const group = Math.floor(issued++ / txnsPerGroup);
      const mops: Plain[] = [];
      const count = 1 + random.int(4);
      for (let i = 0; i < count; i++) {
        const key = (group * keysPerGroup + random.int(keysPerGroup)) % keyCount;
        mops.push(random.int(2) === 0 ? ['r', key, null] : ['append', key, element++]);
      }
      return { f: 'txn', value: mops };
    },
    invoke: (conn, op) => runTxn(conn, op.value as Array<[string, number, number | null]>),
    finalOps: () => [],
    check: (history: readonly Op[]) => checkListAppend(history, { consistencyModels: [options.consistencyModel ?? 'snapshot-isolation'] }),
  };
}

async function runTxn(conn: SqlConnection, mops: ReadonlyArray<[string, number, number | null]>): Promise<OpResult> {
  const done: Plain[] = [];
  await inTransaction(conn, async () => {
    for (const [f, key, value] of mops) {
      if (f === 'append') {
        const affected = await conn.affected(`UPDATE ${table} SET v = CONCAT(v, ',', '${value as number}') WHERE k = ${key}`);
        if (affected !== 1) throw new Error(`append to ${key} changed ${affected} rows`);
        done.push([f, key, value]);
      } else {
        const rows = await conn.rows(`SELECT v FROM ${table} WHERE k = ${key}`);
        done.push([f, key, parseList(rows[0]?.[0] ?? null)]);
      }
    }
  });
  return { value: done, wrote: mops.some(([f]) => f === 'append') };
}

/** `,1,5,9` → [1, 5, 9]; a missing row or '' → []. */
export function parseList(text: string | null): number[] {
  if (text === null || text === '') return [];
  return text
    .split(',')
    .filter((s) => s !== '')
    .map((s) => {
      const n = Number(s);
      if (!Number.isSafeInteger(n)) throw new Error(`list element ${JSON.stringify(s)} is not an integer`);
      return n;
    });
}
