/**
 * Jepsen's bank checker: accounts hold balances, transfers move money between them, and every
 * read returns all balances at once. Under snapshot isolation (or stronger) every read sees a
 * consistent snapshot, so each ok read must sum to the total, and — unless negative balances
 * are allowed — show no negative balance, and name only known accounts.
 */
import type { Plain } from '../history/edn.js';
import type { Op } from '../history/op.js';
import { pairOps } from '../history/op.js';
import type { CheckResult } from './check-result.js';

/** Options of the bank checker. */
export interface BankOptions {
  /** Expected sum of all balances; default: the sum seen by the first ok read. */
  readonly totalAmount?: number;
  readonly allowNegativeBalances?: boolean;
  /** Known account ids (as strings); when given, other accounts in a read are anomalies. */
  readonly accounts?: readonly string[];
}

/** Details of a bank check. */
export interface BankDetails {
  readonly readCount: number;
  readonly totalAmount: number | null;
}

/** Checks every ok read of a bank history. */
export function checkBank(history: readonly Op[], opts: BankOptions = {}): CheckResult<BankDetails> {
  const reads = pairOps(history).filter((o) => o.f === 'read' && o.type === 'ok');
  let total = opts.totalAmount ?? null;
  const anomalies: Record<string, unknown[]> = {};
  const push = (type: string, c: unknown): void => void (anomalies[type] ??= []).push(c);
  for (const r of reads) {
    const balances = balancesOf(r.value);
    if (balances === null) {
      push('malformed-read', { index: r.invokeIndex, value: r.value });
      continue;
    }
    const sum = balances.reduce((a, [, v]) => a + v, 0);
    total ??= sum;
    if (sum !== total) push('wrong-total', { index: r.invokeIndex, total: sum, expected: total, value: r.value });
    const negative = balances.filter(([, v]) => v < 0);
    if (negative.length > 0 && opts.allowNegativeBalances !== true) push('negative-value', { index: r.invokeIndex, negative: Object.fromEntries(negative), value: r.value });
    const known = opts.accounts === undefined ? null : new Set(opts.accounts);
    const unknown = known === null ? [] : balances.filter(([k]) => !known.has(k));
    if (unknown.length > 0) push('unexpected-key', { index: r.invokeIndex, keys: unknown.map(([k]) => k) });
  }
  const valid = reads.length === 0 ? 'unknown' : Object.keys(anomalies).length === 0;
  return { valid, anomalies, details: { readCount: reads.length, totalAmount: total } };
}

/** Balances of a read value ({account: balance}); null if it is not such a map. */
function balancesOf(v: Plain): Array<[string, number]> | null {
  if (v === null || typeof v !== 'object' || Array.isArray(v)) return null;
  const out: Array<[string, number]> = [];
  for (const [k, b] of Object.entries(v)) {
    // A nil balance is an account not (yet) created: it holds nothing.
    if (b !== null && typeof b !== 'number') return null;
    out.push([k, b ?? 0]);
  }
  return out;
}
