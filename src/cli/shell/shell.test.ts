// Proves `runShell` end to end over the MySQL protocol (mysql2's server side serving a tiny
// in-test SQL engine on 127.0.0.1): -e and piped scripts through src/cli/mysql-client.ts, and
// the persistent history's bound.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { limits } from '../../base/limits.js';
import { startTinyWireServer, type TinyWireServer } from '../slt/test-support/tiny-wire-server.js';
import { runShell } from './shell.js';
import { historyFilePath, loadHistory, saveHistory } from './shell-history.js';

let server: TinyWireServer;
let dir: string;
beforeAll(async () => {
  server = await startTinyWireServer();
  dir = mkdtempSync(join(tmpdir(), 'shell-test-'));
});
afterAll(async () => {
  await server.close();
  rmSync(dir, { recursive: true, force: true });
});

function capture(): { stream: PassThrough; text: () => string } {
  const stream = new PassThrough();
  let text = '';
  stream.on('data', (c: Buffer) => (text += c.toString()));
  return { stream, text: () => text };
}

describe('runShell over the MySQL protocol', () => {
  test('-e prints batch output; an error goes to the only stream given and exits 1', async () => {
    const out = capture();
    const setup = "CREATE DATABASE e1; USE e1; CREATE TABLE t(a INTEGER, b TEXT); INSERT INTO t VALUES(1,'x');";
    const ok = await runShell({ host: '127.0.0.1', port: server.port, user: 'root', execute: setup + ' SELECT * FROM t', stdout: out.stream });
    expect([ok, out.text()]).toEqual([0, 'a\tb\n1\tx\n']);
    const failed = capture();
    const code = await runShell({ host: '127.0.0.1', port: server.port, user: 'root', database: 'e1', execute: 'SELECT * FROM nope', stdout: failed.stream });
    expect([code, failed.text()]).toEqual([1, "ERROR 1146 (42S02) at line 1: Table 'e1.nope' doesn't exist\n"]);
  });

  test('a piped script runs in batch mode', async () => {
    const out = capture();
    const err = capture();
    const stdin = new PassThrough();
    stdin.end('CREATE DATABASE p1;\nUSE p1;\nCREATE TABLE t(a INTEGER);\nINSERT INTO t VALUES(5);\nSELECT *\nFROM t\\G\n');
    const code = await runShell({ host: '127.0.0.1', port: server.port, user: 'root', stdin, stdout: out.stream, stderr: err.stream });
    expect([code, out.text(), err.text()]).toEqual([0, '*************************** 1. row ***************************\na: 5\n', '']);
  });

  test('no server: ERROR 2003 and exit code 1', async () => {
    const other = await startTinyWireServer();
    const port = other.port;
    await other.close();
    const out = capture();
    const code = await runShell({ host: '127.0.0.1', port, user: 'root', execute: 'SELECT 1', stdout: out.stream });
    expect(code).toBe(1);
    expect(out.text()).toMatch(/^ERROR 2003 \(HY000\): Can't connect to MySQL server on '127\.0\.0\.1:\d+' \(ECONNREFUSED\)\n$/);
  });
});

describe('shell history', () => {
  test('round trip, newest first in memory, oldest first on disk, bounded', () => {
    const path = join(dir, 'history');
    saveHistory(path, ['third', 'second', 'first']);
    expect(readFileSync(path, 'utf8')).toBe('first\nsecond\nthird\n');
    expect(loadHistory(path)).toEqual(['third', 'second', 'first']);
    const many = Array.from({ length: limits.shellHistoryLinesMax + 10 }, (_, i) => `line ${i}`);
    writeFileSync(path, many.join('\n') + '\n');
    const loaded = loadHistory(path);
    expect(loaded).toHaveLength(limits.shellHistoryLinesMax);
    expect(loaded[0]).toBe(`line ${many.length - 1}`);
    saveHistory(path, [...many].reverse());
    expect(readFileSync(path, 'utf8').split('\n').filter(Boolean)).toHaveLength(limits.shellHistoryLinesMax);
    expect(loadHistory(join(dir, 'missing'))).toEqual([]);
  });

  test('the history file comes from ATOLL_HISTFILE, else the home folder; /dev/null turns it off', () => {
    expect(historyFilePath({ ATOLL_HISTFILE: '/x/h' })).toBe('/x/h');
    expect(historyFilePath({ ATOLL_HISTFILE: '/dev/null' })).toBeNull();
    expect(historyFilePath({})).toMatch(/\.atoll_history$/);
  });
});
