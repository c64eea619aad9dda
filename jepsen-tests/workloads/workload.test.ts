/**
 * Proves the workloads' pure parts: list values parse from the CONCAT text form, the
 * fail-versus-info rule follows Jepsen (server errors and refused connects certainly did
 * not happen; lost connections and timeouts may have), op generators are deterministic per
 * seed and produce the shapes the checkers read, and workload names parse.
 */
import { describe, expect, it } from 'vitest';
import { SeededRandom } from '../../src/base/clock.js';
import { ServerError } from '../../src/cli/mysql-client.js';
import { errorOutcome, QueryTimeoutError, sqlString } from '../harness/sql-client.js';
import { parseList } from './list-append.js';
import { createWorkload, parseWorkloadNames } from './workloads.js';

describe('workloads', () => {
  it('parses appended lists', () => {
    expect(parseList('')).toEqual([]);
    expect(parseList(null)).toEqual([]);
    expect(parseList(',3,1,2')).toEqual([3, 1, 2]);
    expect(() => parseList(',x')).toThrow(/not an integer/);
  });

  it('classifies errors as fail or info', () => {
    expect(errorOutcome(new ServerError(1213, '40001', 'deadlock', false))).toBe('fail');
    expect(errorOutcome(new ServerError(2003, 'HY000', 'cannot connect', true))).toBe('fail');
    expect(errorOutcome(new ServerError(2013, 'HY000', 'lost connection', true))).toBe('info');
    expect(errorOutcome(new QueryTimeoutError('slow'))).toBe('info');
    expect(errorOutcome(new Error('?'))).toBe('info');
  });

  it('generates deterministic ops of the checkers’ shapes', () => {
    const ops = (name: 'register' | 'bank' | 'append') => {
      const w = createWorkload(name);
      const r = new SeededRandom(5);
      return Array.from({ length: 50 }, () => w.nextOp(r, 0));
    };
    expect(ops('register')).toEqual(ops('register'));
    for (const op of ops('register')) {
      expect(['read', 'write', 'cas']).toContain(op.f);
      expect(typeof op.key).toBe('number');
      if (op.f === 'cas') expect((op.value as number[])[0]).not.toBe((op.value as number[])[1]);
    }
    for (const op of ops('bank')) if (op.f === 'transfer') expect((op.value as { from: number; to: number }).from).not.toBe((op.value as { to: number }).to);
    const appended = ops('append').flatMap((op) => (op.value as unknown[][]).filter((m) => m[0] === 'append').map((m) => m[2]));
    expect(new Set(appended).size).toBe(appended.length);
  });

  it('parses workload names', () => {
    expect(parseWorkloadNames('bank,list-append')).toEqual(['bank', 'append']);
    expect(parseWorkloadNames('all')).toEqual(['register', 'set', 'bank', 'append']);
    expect(() => parseWorkloadNames('queue')).toThrow(/unknown workload/);
    expect(sqlString("a'b\\")).toBe("'a\\'b\\\\'");
  });
});
