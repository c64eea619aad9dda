// Proves the sysbench report parser on output captured from real sysbench 1.0.20 runs
// against MariaDB (bench/testdata): throughput, latency, error counters, the histogram,
// FATAL lines of failed runs, the ledger script's own lines, and how failures are worded.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { histogramQuantile } from './stats.js';
import { failureText, parseKeyValues, parseSysbenchOutput, shorten } from './sysbench-output.js';

const fixture = (name: string): string => readFileSync(join(import.meta.dirname, 'testdata', name), 'utf8');

describe('parseSysbenchOutput', () => {
  it('reads a point-select run (with intermediate reports)', () => {
    const r = parseSysbenchOutput(fixture('sysbench-point-select-mariadb.txt'));
    expect(r.transactions).toBe(99429);
    expect(r.tps).toBe(33085.33);
    expect(r.qps).toBe(33085.33);
    expect(r.ignoredErrors).toBe(0);
    expect(r.reconnects).toBe(0);
    expect(r.totalTimeSec).toBe(3.0032);
    expect(r.latencyMs).toEqual({ min: 0.02, avg: 0.06, max: 8.78 });
    expect(r.percentile).toEqual({ at: 95, ms: 0.09 });
    expect(r.fatal).toEqual([]);
    expect(failureText(r, 0, false)).toBeNull();
  });

  it('reads a read-write run with an ignored error', () => {
    const r = parseSysbenchOutput(fixture('sysbench-read-write-mariadb.txt'));
    expect(r.tps).toBe(548.04);
    expect(r.queries).toBe(33056);
    expect(r.qps).toBe(10966.05);
    expect(r.ignoredErrors).toBe(1);
    expect(r.percentile).toEqual({ at: 95, ms: 28.16 });
    expect(failureText(r, 0, false)).toBeNull();
  });

  it('reads the latency histogram and its quantiles', () => {
    const r = parseSysbenchOutput(fixture('sysbench-histogram-mariadb.txt'));
    expect(r.histogram.length).toBeGreaterThan(100);
    expect(r.histogram[0]).toEqual({ value: 0.028, count: 1 });
    expect(r.histogram[r.histogram.length - 1]).toEqual({ value: 7.297, count: 1 });
    expect(r.histogram.reduce((sum, b) => sum + b.count, 0)).toBe(r.transactions);
    expect(r.percentile).toEqual({ at: 99, ms: 0.38 });
    const p99 = histogramQuantile(r.histogram, 0.99)!;
    expect(Math.abs(p99 - 0.38)).toBeLessThan(0.02);
    expect(histogramQuantile(r.histogram, 0.5)).toBeGreaterThan(0.05);
    expect(histogramQuantile(r.histogram, 0.5)).toBeLessThan(0.08);
  });

  it('collects the FATAL lines of a run that failed, MySQL error text included', () => {
    const r = parseSysbenchOutput(fixture('sysbench-fatal-missing-table.txt'));
    expect(r.tps).toBeNull();
    expect(r.fatal).toContain(`MySQL error: 1146 "Table 'sbtest.sbtest2' doesn't exist"`);
    const text = failureText(r, 1, false)!;
    expect(text).toContain('mysql_stmt_prepare() failed');
    expect(text).toContain('1146');
  });

  it('words a connection failure, a timeout and a silent non-zero exit', () => {
    const refused = parseSysbenchOutput(fixture('sysbench-fatal-no-connection.txt'));
    expect(failureText(refused, 1, false)).toContain("error 2002: Can't connect to server");
    expect(failureText(parseSysbenchOutput(''), null, true)).toMatch(/did not finish in time/);
    expect(failureText(parseSysbenchOutput(''), 3, false)).toBe('sysbench exited with code 3');
    expect(failureText(parseSysbenchOutput('nothing useful'), 0, false)).toBe('sysbench printed no transaction rate');
  });

  it("reads bench/ledger.lua's per-thread lines", () => {
    const r = parseSysbenchOutput(fixture('sysbench-ledger-mariadb.txt'));
    expect(r.ledgerLines).toHaveLength(8);
    expect(r.ledgerLines[0]).toEqual({ thread: '2', transfers: '1263', overdrafts: '22', retries: '0' });
    expect(r.tps).toBe(2077.83);
    expect(r.percentile?.at).toBe(99);
  });
});

describe('parseKeyValues', () => {
  it('splits key=value words and ignores bare words', () => {
    expect(parseKeyValues('ledger: verify accounts=10 total=10000.00 min=-0.35')).toEqual({ accounts: '10', total: '10000.00', min: '-0.35' });
  });
});

describe('shorten', () => {
  it('keeps short lines and cuts the middle of a long quoted query, keeping the error text', () => {
    expect(shorten('short')).toBe('short');
    const line = `mysql_drv_query() returned error 2027 (Received malformed packet) for query 'INSERT INTO sbtest1(k, c, pad) VALUES${"(1, 'x', 'y'),".repeat(500)}'`;
    const cut = shorten(line);
    expect(cut.length).toBeLessThan(650);
    expect(cut.startsWith('mysql_drv_query() returned error 2027 (Received malformed packet)')).toBe(true);
    expect(cut.endsWith(line.slice(-100))).toBe(true);
  });
});

describe('ignored errors by kind (bench/oltp-errors.lua)', () => {
  it("sums every thread's counts per errno and message, and they add up to sysbench's total", () => {
    const r = parseSysbenchOutput(fixture('sysbench-write-only-ignored-errors-mariadb.txt'));
    expect(r.ignoredErrorKinds).toEqual([{ errno: 1213, message: 'Deadlock found when trying to get lock; try restarting transaction', count: 162 }]);
    expect(r.ignoredErrors).toBe(162);
  });

  it('keeps kinds apart and orders them by count', () => {
    const text = ['ignored-error: errno=1205 count=2 message=Lock wait timeout exceeded', 'ignored-error: errno=1213 count=3 message=Deadlock', 'ignored-error: errno=1205 count=4 message=Lock wait timeout exceeded'].join('\n');
    expect(parseSysbenchOutput(text).ignoredErrorKinds).toEqual([
      { errno: 1205, message: 'Lock wait timeout exceeded', count: 6 },
      { errno: 1213, message: 'Deadlock', count: 3 },
    ]);
  });
});
