/**
 * The walking skeleton's acceptance, tried as a user would: a real `atoll demo` process on
 * loopback, the stock `mariadb` client, `mysql2` with server-side prepared statements, the
 * built-in `atoll sql` shell, and `kill -9` followed by a restart that must keep every row.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import mysql from 'mysql2/promise';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freeBasePort, repoRoot, startNodeProcess, type NodeProcess } from './node-process.js';

const bankSql =
  'CREATE DATABASE bank; CREATE TABLE bank.acct(id BIGINT PRIMARY KEY, bal DECIMAL(20,2) NOT NULL); ' +
  'INSERT INTO bank.acct VALUES (1,100.10),(2,0.20); SELECT SUM(bal) FROM bank.acct';

function mariadb(port: number, sql: string, extra: string[] = []): string {
  return execFileSync('mariadb', ['-h127.0.0.1', `-P${port}`, '-uroot', '--skip-ssl', ...extra, '-e', sql], { encoding: 'utf8', timeout: 20_000 });
}

describe('walking skeleton, end to end', () => {
  let dataDir: string;
  let node: NodeProcess;
  let port: number;

  beforeAll(async () => {
    dataDir = mkdtempSync(join(tmpdir(), 'atoll-e2e-'));
    port = await freeBasePort();
    node = await startNodeProcess(dataDir, port);
  });

  afterAll(async () => {
    await node?.kill('SIGTERM');
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('answers the mariadb client: SUM over DECIMAL is exact', () => {
    const out = mariadb(port, bankSql, ['--batch', '--skip-column-names']);
    expect(out.trim()).toBe('100.30');
  });

  it('prints aligned tables in the mariadb client, like MySQL', () => {
    const out = mariadb(port, 'SELECT id, bal FROM bank.acct ORDER BY id', ['--table']);
    expect(out).toContain('| id | bal    |');
    expect(out).toContain('|  1 | 100.10 |');
  });

  it('serves mysql2 prepared statements (binary protocol)', async () => {
    const conn = await mysql.createConnection({ host: '127.0.0.1', port, user: 'root', database: 'bank' });
    try {
      const [rows] = await conn.execute('SELECT SUM(bal) AS total FROM acct WHERE id >= ?', [1]);
      expect(rows).toEqual([{ total: '100.30' }]);
      await conn.execute('INSERT INTO acct VALUES (?, ?)', [3, '5.05']);
      const [after] = await conn.execute('SELECT bal FROM acct WHERE id = ?', [3]);
      expect(after).toEqual([{ bal: '5.05' }]);
      await expect(conn.execute('INSERT INTO acct VALUES (?, ?)', [3, '1.00'])).rejects.toMatchObject({ errno: 1062 });
      await expect(conn.query('SELECT * FROM nope')).rejects.toMatchObject({ errno: 1146 });
    } finally {
      await conn.end();
    }
  });

  it('answers the built-in shell: atoll sql -e', () => {
    const out = execFileSync(process.execPath, ['dist/src/cli/main.js', 'sql', '-P', String(port), '-e', 'SELECT SUM(bal) FROM bank.acct'], {
      cwd: repoRoot,
      encoding: 'utf8',
      timeout: 20_000,
    });
    expect(out).toContain('105.35');
  });

  it('keeps every acknowledged row across kill -9 and a restart', async () => {
    const conn = await mysql.createConnection({ host: '127.0.0.1', port, user: 'root', database: 'bank' });
    for (let id = 100; id < 150; id++) await conn.query('INSERT INTO acct VALUES (?, ?)', [id, `${id}.01`]);
    await conn.end().catch(() => undefined);
    await node.kill('SIGKILL');
    node = await startNodeProcess(dataDir, port);
    const out = mariadb(port, 'SELECT COUNT(*), SUM(bal) FROM bank.acct', ['--batch', '--skip-column-names']);
    const expectedSum = (100.3 + 5.05 + Array.from({ length: 50 }, (_, i) => 100 + i + 0.01).reduce((a, b) => a + b, 0)).toFixed(2);
    expect(out.trim()).toBe(`53\t${expectedSum}`);
  });
});
