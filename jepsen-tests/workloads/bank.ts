/**
 * Bank workload (Jepsen's bank): accounts are rows of one table holding a fixed total; clients
 * transfer money between two accounts inside a transaction (read both balances, refuse to go
 * negative, update both) and read all balances at once. Every read must sum to the total and
 * show no negative balance.
 */
import type { Random } from '../../src/base/clock.js';
import { checkBank } from '../checkers/bank.js';
import type { Op } from '../history/op.js';
import type { SqlConnection } from '../harness/sql-client.js';
import { DefiniteFailure, inTransaction, intOf, jepsenDatabase, type OpResult, type OpSpec, type Workload } from './workload.js';

const table = `${jepsenDatabase}.accounts`;

/** Options of the bank workload. */
export interface BankWorkloadOptions {
  readonly accountCount?: number;
  readonly initialBalance?: number;
  readonly maxTransfer?: number;
}

/** The bank workload. */
export function bankWorkload(options: BankWorkloadOptions = {}): Workload {
  const accountCount = options.accountCount ?? 5;
  const initialBalance = options.initialBalance ?? 100;
  const maxTransfer = options.maxTransfer ?? 5;
  const accounts = Array.from({ length: accountCount }, (_, i) => i);
  return {
    name: 'bank',
    async setup(conn) {
      await conn.query(`CREATE DATABASE IF NOT EXISTS ${jepsenDatabase}`);
      await conn.query(`CREATE TABLE IF NOT EXISTS ${table} (id INT PRIMARY KEY, balance BIGINT NOT NULL)`);
      const existing = await conn.rows(`SELECT COUNT(*) FROM ${table}`);
      if (Number(existing[0]?.[0] ?? 0) === accountCount) return;
      await conn.query(`DELETE FROM ${table}`);
      await conn.query(`INSERT INTO ${table} (id, balance) VALUES ${accounts.map((a) => `(${a}, ${initialBalance})`).join(', ')}`);
    },
    nextOp(random: Random): OpSpec {
      if (random.int(2) === 0) return { f: 'read', value: null };
      const from = random.int(accountCount);
      const to = (from + 1 + random.int(accountCount - 1)) % accountCount;
      return { f: 'transfer', value: { from, to, amount: 1 + random.int(maxTransfer) } };
    },
    invoke: (conn, op) => (op.f === 'read' ? readBalances(conn) : transfer(conn, op)),
    finalOps: () => [{ f: 'read', value: null }],
    check: (history: readonly Op[]) =>
      checkBank(history, { totalAmount: accountCount * initialBalance, accounts: accounts.map(String) }),
  };
}

async function readBalances(conn: SqlConnection): Promise<OpResult> {
  const rows = await inTransaction(conn, () => conn.rows(`SELECT id, balance FROM ${table}`));
  const value: Record<string, number> = {};
  for (const [id, balance] of rows) value[String(intOf(id ?? null))] = intOf(balance ?? null) as number;
  return { value, wrote: false };
}

async function transfer(conn: SqlConnection, op: OpSpec): Promise<OpResult> {
  const { from, to, amount } = op.value as { from: number; to: number; amount: number };
  await inTransaction(conn, async () => {
    const rows = await conn.rows(`SELECT id, balance FROM ${table} WHERE id = ${from} OR id = ${to}`);
    const balance = new Map(rows.map(([id, b]) => [intOf(id ?? null), intOf(b ?? null) as number]));
    const fromBalance = balance.get(from);
    if (fromBalance === undefined || !balance.has(to)) throw new Error(`accounts ${from}/${to} missing`);
    if (fromBalance < amount) throw new DefiniteFailure('insufficient funds');
    await conn.affected(`UPDATE ${table} SET balance = balance - ${amount} WHERE id = ${from}`);
    await conn.affected(`UPDATE ${table} SET balance = balance + ${amount} WHERE id = ${to}`);
  });
  return { wrote: true };
}
