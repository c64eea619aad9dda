// Proves the ledger benchmark's bookkeeping without a server: exact decimal comparison of
// balances, the verification verdict, and the figures drawn from a real ledger run's output.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ledgerMetrics, toCents, verificationProblem } from './ledger-bench.js';
import { parseSysbenchOutput } from './sysbench-output.js';

describe('toCents', () => {
  it('parses decimals exactly, beyond double precision', () => {
    expect(toCents('10000000.00')).toBe(1_000_000_000n);
    expect(toCents('0.35')).toBe(35n);
    expect(toCents('7')).toBe(700n);
    expect(toCents('-1.5')).toBe(-150n);
    expect(toCents('90071992547409.93')).toBe(9007199254740993n);
    expect(toCents('1.005')).toBeNull();
    expect(toCents('1.000')).toBe(100n);
    expect(toCents('NULL')).toBeNull();
    expect(toCents(undefined)).toBeNull();
  });
});

describe('verificationProblem', () => {
  const good = { accounts: '10000', total: '10000000.00', min: '0.35', expected_total: '10000000.00' };

  it('accepts an unchanged total with no negative balance', () => {
    expect(verificationProblem(good, 10000)).toBeNull();
  });

  it('names every broken invariant', () => {
    expect(verificationProblem({ ...good, total: '9999999.99' }, 10000)).toBe('total=9999999.99 (expected 10000000.00)');
    expect(verificationProblem({ ...good, min: '-0.01' }, 10000)).toBe('min balance=-0.01');
    expect(verificationProblem({ ...good, accounts: '9999' }, 10000)).toBe('accounts=9999 (expected 10000)');
    expect(verificationProblem({ ...good, total: 'NULL', min: 'NULL' }, 10000)).toMatch(/total=NULL.*min balance=NULL/);
  });
});

describe('ledgerMetrics', () => {
  it('draws throughput, committed transfers, p50/p99 and the counters from a real run', () => {
    const report = parseSysbenchOutput(readFileSync(join(import.meta.dirname, 'testdata', 'sysbench-ledger-mariadb.txt'), 'utf8'));
    const m = ledgerMetrics(report);
    expect(m['eventsPerSec']).toBe(2077.83);
    // 10,231 transfers committed in 5.0099 s; with 183 refused overdrafts they make up
    // sysbench's 10,414 events.
    expect(m['committedPerSec']).toBeCloseTo(10231 / 5.0099, 6);
    expect(m['overdrafts']).toBe(183);
    expect(10231 + 183).toBe(report.transactions);
    expect(m['retries']).toBe(0);
    expect(m['p99Ms']).toBe(10.84);
    expect(m['p50Ms']).toBeGreaterThan(0.21);
    expect(m['p50Ms']).toBeLessThan(10.84);
  });
});
