// Proves the sqllogictest runner end to end against a tiny in-test fake server (a few
// statements over in-memory tables behind the SltConnection interface): files and folders,
// a fresh database per file, pass/fail/skip counting, hashes, labels, halt, timeouts with
// reconnection, stop-on-first-error, record limits and the report's total line.
import { mkdtempSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import type { SltConnection, SltQueryResult } from './slt-connection.js';
import { hashValues } from './slt-format.js';
import { runSlt, runSltWith } from './slt-runner.js';
import { TinySql } from './test-support/tiny-sql.js';
import { startTinyWireServer } from './test-support/tiny-wire-server.js';

/** SltConnections over a TinySql, counting connections opened and still open. */
class FakeServer {
  readonly tiny = new TinySql();
  readonly databases = this.tiny.databases;
  readonly executed = this.tiny.executed;
  connections = 0;
  open = 0;

  connect = async (database: string | null): Promise<SltConnection> => {
    if (database !== null && !this.databases.has(database)) throw new Error(`Unknown database '${database}'`);
    this.connections++;
    this.open++;
    const session = { database };
    let closed = false;
    return {
      query: (sql) => {
        if (closed) return Promise.reject(new Error('closed'));
        const outcome = this.tiny.run(sql, session);
        switch (outcome.kind) {
          case 'hang':
            return new Promise<SltQueryResult>(() => undefined);
          case 'error':
            return Promise.reject(new Error(outcome.message));
          case 'ok':
            return Promise.resolve({ ok: true });
          case 'rows':
            return Promise.resolve({ rows: outcome.rows });
        }
      },
      close: async () => {
        if (!closed) this.open--;
        closed = true;
      },
    };
  };
}

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'slt-runner-test-'));
});
afterAll(() => {
  rmSync(dir, { recursive: true, force: true });
});

function script(name: string, lines: string[]): string {
  const path = join(dir, name);
  mkdirSync(join(path, '..'), { recursive: true });
  writeFileSync(path, lines.join('\n') + '\n');
  return path;
}

async function run(paths: string[], extra: { stopOnFirstError?: boolean; recordLimit?: number; verbose?: boolean } = {}) {
  const server = new FakeServer();
  const out = new PassThrough();
  let text = '';
  out.on('data', (chunk: Buffer) => (text += chunk.toString()));
  const totals = await runSltWith({ paths, connect: server.connect, out, recordTimeoutMs: 100, ...extra });
  return { totals, text, lines: text.trimEnd().split('\n'), server };
}

const hashOf = (values: string[]): string => hashValues(values);

describe('runSltWith', () => {
  test('a passing file: statements, queries of each sort mode, hashes, labels, skipif/onlyif', async () => {
    const file = script('pass.test', [
      'hash-threshold 4',
      '',
      'statement ok',
      'CREATE TABLE t1(a INTEGER, b TEXT)',
      '',
      'statement ok',
      "INSERT INTO t1 VALUES(3,'x')",
      '',
      'statement ok',
      "INSERT INTO t1 VALUES(10,'')",
      '',
      'statement ok',
      'INSERT INTO t1 VALUES(2.7,NULL)',
      '',
      'statement error',
      'INSERT INTO missing VALUES(1)',
      '',
      'query IT rowsort label-all',
      'SELECT * FROM t1',
      '----',
      `6 values hashing to ${hashOf(['10', '(empty)', '2', 'NULL', '3', 'x'])}`,
      '',
      'query IT rowsort label-all',
      'SELECT * FROM t1',
      '----',
      '10',
      '(empty)',
      '2',
      'NULL',
      '3',
      'x',
      '',
      'query TT valuesort',
      "SELECT 'b','a'",
      '----',
      'a',
      'b',
      '',
      'skipif mysql',
      'query I nosort',
      'SELECT no such syntax here',
      '',
      'onlyif mysql # only here',
      'query RI nosort',
      'SELECT 2.5,7',
      '----',
      '2.500',
      '7',
      '',
      'onlyif sqlite',
      'statement ok',
      'THIS WOULD FAIL',
    ]);
    const { totals, lines, server } = await run([file]);
    expect(totals).toEqual({ perFile: [{ file, passed: 9, failed: 0, skipped: 2 }], passed: 9, failed: 0, skipped: 2 });
    expect(lines.at(-1)).toBe('9 passed, 0 failed, 2 skipped');
    expect(lines[0]).toMatch(new RegExp(`^${file}: 9 passed, 0 failed, 2 skipped \\(\\d+\\.\\d\\d s\\)$`));
    expect(server.databases.size).toBe(0); // the file's database was dropped
    expect(server.open).toBe(0);
    expect(server.executed[0]).toMatch(/^CREATE DATABASE slt_\d+_1$/);
  });

  test('failures are counted and reported, never thrown', async () => {
    const file = script('fail.test', [
      'statement ok',
      'CREATE TABLE t1(a INTEGER)',
      '',
      'statement ok',
      'INSERT INTO nowhere VALUES(1)',
      '',
      'statement error',
      'SELECT 1',
      '',
      'query I nosort',
      'SELECT 5',
      '----',
      '6',
      '',
      'query II nosort',
      'SELECT 5',
      '----',
      '5',
      '5',
      '',
      'query I nosort',
      'SELECT 1,2',
      '----',
      `2 values hashing to ${hashOf(['2', '1'])}`,
      '',
      'query I nosort lbl',
      'SELECT 1',
      '----',
      '1',
      '',
      'query R nosort lbl',
      'SELECT 1',
      '----',
      '1.000',
      '',
      'bogus record',
      '',
      'statement ok',
      'SELECT 1',
    ]);
    const { totals, text, lines } = await run([file], { verbose: true });
    expect(totals.passed).toBe(3);
    expect(totals.failed).toBe(7);
    expect(text).toMatch(new RegExp(`FAIL ${file}:4: statement failed: Table 'slt_\\d+_1.nowhere' doesn't exist`));
    expect(text).toContain(`FAIL ${file}:7: statement succeeded but an error was expected`);
    expect(text).toContain(`FAIL ${file}:10: value 1 is '5', expected '6'`);
    expect(text).toContain(`FAIL ${file}:15: expected 2 columns, got 1`);
    expect(text).toContain(`FAIL ${file}:21: expected 1 columns, got 2`);
    expect(text).toContain(`FAIL ${file}:31: label lbl: result differs from the query at line 26`);
    expect(text).toContain(`FAIL ${file}:36: unparseable record: unknown record type 'bogus'`);
    expect(text).toContain("    expected: 6\n    actual:   5\n");
    expect(lines.at(-1)).toBe('3 passed, 7 failed, 0 skipped');
  });

  test('a hash mismatch shows the actual hash', async () => {
    const file = script('hash.test', ['query II rowsort', 'SELECT 1,2', '----', `2 values hashing to ${hashOf(['1', '3'])}`]);
    const { totals, text } = await run([file], { verbose: true });
    expect(totals.failed).toBe(1);
    expect(text).toContain(`values hash to ${hashOf(['1', '2'])}, expected ${hashOf(['1', '3'])}`);
    expect(text).toContain(`actual:   2 values hashing to ${hashOf(['1', '2'])} | 1 | 2`);
  });

  test('folders are searched recursively, files sorted, and each file has its own database', async () => {
    const folder = join(dir, 'tree');
    script('tree/b/second.test', ['statement error', 'SELECT * FROM t1', '', 'statement ok', 'CREATE TABLE t1(a INTEGER)']);
    script('tree/a.test', ['statement ok', 'CREATE TABLE t1(a INTEGER)', '', 'statement ok', 'INSERT INTO t1 VALUES(1)']);
    script('tree/notes.txt', ['not a test']);
    const { totals } = await run([folder]);
    expect(totals.perFile.map((f) => f.file)).toEqual([join(folder, 'a.test'), join(folder, 'b/second.test')]);
    expect(totals.failed).toBe(0);
    expect(totals.passed).toBe(4);
  });

  test('halt ends the file only for the engine it names', async () => {
    const file = script('halt.test', ['statement ok', 'SELECT 1', '', 'onlyif oracle', 'halt', '', 'statement ok', 'SELECT 2', '', 'halt', '', 'statement ok', 'SELECT 3']);
    const { totals, lines } = await run([file]);
    expect(totals.passed).toBe(2);
    expect(lines[0]).toContain('2 passed, 0 failed, 0 skipped, halted');
  });

  test('a record that times out fails, and the next record runs on a new connection in the same database', async () => {
    const file = script('timeout.test', [
      'statement ok',
      'CREATE TABLE t1(a INTEGER)',
      '',
      'statement error',
      'SELECT SLEEP(100)',
      '',
      'statement ok',
      'INSERT INTO t1 VALUES(1)',
      '',
      'query I nosort',
      'SELECT * FROM t1',
      '----',
      '1',
    ]);
    const { totals, text, server } = await run([file]);
    expect(totals.failed).toBe(1);
    expect(totals.passed).toBe(3);
    expect(text).toContain('query did not finish within 100 ms');
    expect(server.connections).toBe(2);
    expect(server.open).toBe(0);
  });

  test('stopOnFirstError stops the whole run; recordLimit bounds each file', async () => {
    const one = script('stop/1.test', ['statement ok', 'SELECT 1', '', 'statement ok', 'BROKEN', '', 'statement ok', 'SELECT 2']);
    const two = script('stop/2.test', ['statement ok', 'SELECT 1']);
    const stopped = await run([one, two], { stopOnFirstError: true });
    expect(stopped.totals).toMatchObject({ passed: 1, failed: 1, skipped: 0 });
    expect(stopped.totals.perFile).toHaveLength(1);
    const limited = await run([one, two], { recordLimit: 1 });
    expect(limited.totals).toMatchObject({ passed: 2, failed: 0 });
  });

  test('a server that cannot be reached fails each file once, and a missing path is an error', async () => {
    const file = script('unreachable.test', ['statement ok', 'SELECT 1']);
    const out = new PassThrough();
    let text = '';
    out.on('data', (c: Buffer) => (text += c.toString()));
    const refuse = async (): Promise<SltConnection> => {
      throw new Error('connect ECONNREFUSED');
    };
    const totals = await runSltWith({ paths: [file, file], connect: refuse, out, recordTimeoutMs: 100 });
    expect(totals).toMatchObject({ passed: 0, failed: 2 });
    expect(text).toContain('setup failed: cannot connect: connect ECONNREFUSED');
    await expect(runSltWith({ paths: [join(dir, 'nope')], connect: refuse, out })).rejects.toThrow(/no such test file or folder/);
  });

  test('runSlt over the MySQL protocol: mysql2 client, real sockets, a fresh database per file', async () => {
    const server = await startTinyWireServer();
    try {
      const first = script('wire/1.test', [
        'statement ok',
        'CREATE TABLE t1(a INTEGER, b TEXT)',
        '',
        'statement ok',
        "INSERT INTO t1 VALUES(1,'one')",
        '',
        'statement ok',
        'INSERT INTO t1 VALUES(NULL,\'\')',
        '',
        'query IT rowsort',
        'SELECT * FROM t1',
        '----',
        '1',
        'one',
        'NULL',
        '(empty)',
        '',
        'statement error',
        'SELECT * FROM missing',
        '',
        'query I nosort',
        'SELECT 2',
        '----',
        '3',
      ]);
      const second = script('wire/2.test', ['statement error', 'SELECT * FROM t1']);
      const out = new PassThrough();
      let text = '';
      out.on('data', (c: Buffer) => (text += c.toString()));
      const totals = await runSlt({ paths: [join(dir, 'wire')], host: '127.0.0.1', port: server.port, user: 'root', out });
      expect(totals.perFile).toEqual([
        { file: first, passed: 5, failed: 1, skipped: 0 },
        { file: second, passed: 1, failed: 0, skipped: 0 },
      ]);
      expect(text.trimEnd().split('\n').at(-1)).toBe('6 passed, 1 failed, 0 skipped');
      expect(text).toContain("value 1 is '2', expected '3'");
      expect(server.sql.databases.size).toBe(0);
    } finally {
      await server.close();
    }
  });
});
