/**
 * Proves a stock C client (libmariadb) works against the server: the `mariadb` command-line
 * client and `mariadb-admin`, run as real processes against a server on 127.0.0.1 backed by
 * the fake SQL layer, with both password plugins. Their printed output is checked exactly.
 * CI installs them (Debian's mariadb-client); a missing binary fails these tests.
 */
import { execFile } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { staticUsers } from './auth.js';
import { type MysqlServer, startMysqlServer } from './server.js';
import { FakeSessionFactory, silentLogger } from './test-support/fake-sessions.js';

const users = staticUsers({ root: '', alice: 'pässword' });
const sessions = new FakeSessionFactory();
let sha2Server: MysqlServer;
let nativeServer: MysqlServer;

beforeAll(async () => {
  sha2Server = await startMysqlServer({ host: '127.0.0.1', port: 0, sessions, users, logger: silentLogger });
  nativeServer = await startMysqlServer({ host: '127.0.0.1', port: 0, sessions, users, logger: silentLogger, authPlugin: 'mysql_native_password' });
});

afterAll(async () => {
  await sha2Server.close();
  await nativeServer.close();
});

interface Run {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

/** Runs a client binary with a time limit; resolves with its exit code and output. */
function run(binary: string, args: readonly string[]): Promise<Run> {
  return new Promise((resolve, reject) => {
    execFile(binary, args, { timeout: 15_000, env: { ...process.env, HOME: '/nonexistent', MYSQL_PWD: '' } }, (error, stdout, stderr) => {
      if (error !== null && typeof error.code !== 'number') {
        reject(error);
        return;
      }
      resolve({ code: error === null ? 0 : (error.code as number), stdout, stderr });
    });
  });
}

function mariadb(server: MysqlServer, args: readonly string[]): Promise<Run> {
  return run('/usr/bin/mariadb', ['--no-defaults', '-h', '127.0.0.1', '-P', String(server.port), '--ssl=0', ...args]);
}

describe('the mariadb command-line client', () => {
  it('runs a select and prints tab-separated results (batch mode)', async () => {
    const result = await mariadb(sha2Server, ['-u', 'root', '-e', "select 1, 'héllo ✓', 2.50, 1.5e0, NULL", 'test']);
    expect(result).toEqual({ code: 0, stdout: "1\théllo ✓\t2.50\t1.5e0\tNULL\n1\théllo ✓\t2.50\t1.5\tNULL\n", stderr: '' });
  });

  it('prints every column type of a table as a grid', async () => {
    const result = await mariadb(sha2Server, ['-u', 'root', '-t', '-e', 'select * from t', 'test']);
    expect(result.code).toBe(0);
    const lines = result.stdout.trim().split('\n');
    expect(lines).toHaveLength(7);
    const cells = (line: string): string[] => line.split('|').slice(1, -1).map((c) => c.trim());
    expect(cells(lines[1]!).slice(0, 16)).toEqual(['tiny', 'small', 'medium', 'int', 'big', 'ubig', 'yr', 'flt', 'dbl', 'dec', 'd', 'dt', 'ts', 'tm', 's', 'txt']);
    expect(cells(lines[3]!).slice(0, 16)).toEqual([
      '-128', '-32768', '-8388608', '-2147483648', '-9223372036854775808', '18446744073709551615', '2024', '1.5', '0.1', '-12345.67',
      '2024-02-29', '2024-02-29 23:59:58.123456', '1970-01-01 00:00:01', '-838:59:59', 'héllo wörld ✓ 😀', 'a text column',
    ]);
    expect(cells(lines[4]!).slice(0, 10)).toEqual(['127', '32767', '8388607', '2147483647', '9223372036854775807', '0', '1901', '-3.25', '1e21', '0.00']);
    expect(cells(lines[5]!).every((c) => c === 'NULL')).toBe(true);
  });

  it('authenticates a password user with caching_sha2_password and with mysql_native_password', async () => {
    for (const server of [sha2Server, nativeServer]) {
      const result = await mariadb(server, ['-u', 'alice', '-ppässword', '-N', '-e', 'select database()', 'test']);
      expect(result).toEqual({ code: 0, stdout: 'test\n', stderr: '' });
    }
  });

  it('is refused with ERROR 1045 for a wrong password', async () => {
    for (const server of [sha2Server, nativeServer]) {
      const result = await mariadb(server, ['-u', 'alice', '-pwrong', '-e', 'select 1', 'test']);
      expect(result.code).toBe(1);
      expect(result.stderr).toContain("ERROR 1045 (28000): Access denied for user 'alice'@'localhost' (using password: YES)");
    }
  });

  it('runs several statements, switches database with USE (COM_INIT_DB), and stops at an error', async () => {
    const ok = await mariadb(sha2Server, ['-u', 'root', '-N', '-e', 'select 1; use other; select database(); select 2', 'test']);
    expect(ok).toEqual({ code: 0, stdout: '1\nother\n2\n', stderr: '' });
    const failed = await mariadb(sha2Server, ['-u', 'root', '-N', '-e', 'select 1; select * from missing; select 3', 'test']);
    expect(failed.code).toBe(1);
    expect(failed.stdout).toBe('1\n');
    expect(failed.stderr).toContain("ERROR 1146 (42S02) at line 1: Table 'test.missing' doesn't exist");
  });

  it('reports ERROR 1049 for an unknown database', async () => {
    const result = await mariadb(sha2Server, ['-u', 'root', '-e', 'select 1', 'nope']);
    expect(result.code).toBe(1);
    expect(result.stderr).toContain("ERROR 1049 (42000): Unknown database 'nope'");
  });
});

describe('mariadb-admin', () => {
  it('pings (COM_PING) and reads status (COM_STATISTICS)', async () => {
    const args = ['--no-defaults', '-h', '127.0.0.1', '-P', String(sha2Server.port), '--ssl=0', '-u', 'root'];
    expect(await run('/usr/bin/mariadb-admin', [...args, 'ping'])).toEqual({ code: 0, stdout: 'mysqld is alive\n', stderr: '' });
    const status = await run('/usr/bin/mariadb-admin', [...args, 'status']);
    expect(status.code).toBe(0);
    expect(status.stdout).toMatch(/^Uptime: \d+ {2}Threads: \d+ {2}Questions: \d+ {2}Slow queries: 0 .*Queries per second avg: [\d.]+\n$/);
  });
});
