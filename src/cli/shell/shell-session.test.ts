// Proves the shell session loop in its three modes (interactive prompt, piped batch, -e)
// against a tiny in-test SQL engine behind the ShellConnection interface: what is printed,
// where errors go, when it stops, its exit codes, and reconnection after a lost connection.
import { PassThrough } from 'node:stream';
import { describe, expect, test } from 'vitest';
import { TinySql } from '../slt/test-support/tiny-sql.js';
import type { ShellConnection, ShellResult } from './shell-connection.js';
import { runShellSession, type ShellSessionOptions } from './shell-session.js';

class FakeServerError extends Error {
  constructor(
    readonly errno: number,
    readonly sqlState: string,
    message: string,
  ) {
    super(message);
  }
}

/** ShellConnections over one TinySql; `breakAfter` makes a connection fail after that many queries. */
function fakeServer(breakAfter = Infinity) {
  const tiny = new TinySql();
  const stats = { connections: 0 };
  const connect = async (database: string | null): Promise<ShellConnection> => {
    stats.connections++;
    const session = { database };
    let queries = 0;
    const connection = {
      broken: false,
      query: async (sql: string): Promise<ShellResult> => {
        if (connection.broken || ++queries > breakAfter) {
          connection.broken = true;
          throw new FakeServerError(2013, 'HY000', 'Lost connection to MySQL server during query');
        }
        const outcome = tiny.run(sql, session);
        if (outcome.kind === 'error') throw new FakeServerError(outcome.errno, outcome.sqlState, outcome.message);
        if (outcome.kind === 'ok') return { ok: true, affectedRows: outcome.affectedRows, info: '', warningCount: 0 };
        if (outcome.kind === 'rows') return { rows: outcome.rows, columns: outcome.columns };
        throw new Error('hang not supported here');
      },
      close: async () => undefined,
    };
    return connection;
  };
  return { tiny, stats, connect };
}

async function session(options: Partial<ShellSessionOptions> & { input?: string; breakAfter?: number }) {
  const server = fakeServer(options.breakAfter);
  const stdin = new PassThrough();
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  let out = '';
  let err = '';
  stdout.on('data', (c: Buffer) => (out += c.toString()));
  stderr.on('data', (c: Buffer) => (err += c.toString()));
  if (options.input !== undefined) stdin.end(options.input);
  const code = await runShellSession({ connect: server.connect, stdin, stdout, stderr, now: () => 0, historyFile: null, interactive: false, ...options });
  return { code, out, err, server };
}

const setup = "CREATE DATABASE d; USE d; CREATE TABLE t(a INTEGER, b TEXT); INSERT INTO t VALUES(1,'x'); INSERT INTO t VALUES(22,NULL);";

describe('runShellSession', () => {
  test('-e without a terminal: tab-separated with a header, nothing for OK packets', async () => {
    const { code, out, err } = await session({ execute: setup + ' SELECT * FROM t', stdoutIsTerminal: false });
    expect([code, err]).toEqual([0, '']);
    expect(out).toBe('a\tb\n1\tx\n22\tNULL\n');
  });

  test('-e on a terminal: boxed tables without footers; \\G and -E print vertically', async () => {
    const table = await session({ execute: setup + ' SELECT * FROM t', stdoutIsTerminal: true });
    expect(table.out).toBe(['+----+------+', '| a  | b    |', '+----+------+', '|  1 | x    |', '| 22 | NULL |', '+----+------+', ''].join('\n'));
    const vertical = await session({ execute: setup + ' SELECT * FROM t\\G', stdoutIsTerminal: true });
    expect(vertical.out).toBe(['*************************** 1. row ***************************', 'a: 1', 'b: x', '*************************** 2. row ***************************', 'a: 22', 'b: NULL', ''].join('\n'));
    const dashE = await session({ execute: setup + ' SELECT * FROM t', stdoutIsTerminal: false, vertical: true });
    expect(dashE.out).toBe(vertical.out);
  });

  test('-e stops at the first error, reports it with its line, exit code 1', async () => {
    const { code, out, err, server } = await session({ execute: 'CREATE DATABASE d; USE d;\nSELECT * FROM nope; CREATE TABLE later(a INTEGER)' });
    expect(code).toBe(1);
    expect(out).toBe('');
    expect(err).toBe("ERROR 1146 (42S02) at line 2: Table 'd.nope' doesn't exist\n");
    expect(server.tiny.executed).not.toContain('CREATE TABLE later(a INTEGER)');
  });

  test('piped stdin runs a script in batch mode; multi-line statements; an error stops it', async () => {
    const script = [setup, 'SELECT *', '  FROM t;', '-- a comment; with a semicolon', 'SELECT 5', ';', 'SELECT * FROM', 'missing;', 'SELECT 6;'].join('\n');
    const { code, out, err } = await session({ input: script });
    expect(code).toBe(1);
    expect(out).toBe('a\tb\n1\tx\n22\tNULL\n5\n5\n');
    expect(err).toBe("ERROR 1146 (42S02) at line 7: Table 'd.missing' doesn't exist\n");
  });

  test('piped stdin without errors exits 0 and runs a last statement without ;', async () => {
    const { code, out } = await session({ input: 'SELECT 1\n' });
    expect([code, out]).toEqual([0, '1\n1\n']);
  });

  test('interactive: prompts, tables with footers, errors, \\G, \\c, quit', async () => {
    const input = [setup, 'SELECT *', 'FROM t;', 'SELECT * FROM nope;', "SELECT 'a", "b';", 'SELECT 7\\G', 'SELECT garbage \\c', 'quit', 'SELECT 8;'].join('\n') + '\n';
    const { code, out, err, server } = await session({ input, interactive: true });
    expect(code).toBe(0);
    expect(out.startsWith('Welcome to the Atoll SQL shell.')).toBe(true);
    expect(out).toContain('atoll> Query OK, 1 row affected (0.00 sec)\n\nQuery OK, 0 rows affected (0.00 sec)\n\n');
    expect(out).toContain(
      ['atoll>     -> +----+------+', '| a  | b    |', '+----+------+', '|  1 | x    |', '| 22 | NULL |', '+----+------+', '2 rows in set (0.00 sec)', '', 'atoll> '].join('\n'),
    );
    expect(err).toBe("ERROR 1146 (42S02): Table 'd.nope' doesn't exist\n\n");
    expect(out).toContain("atoll>     '> +-------+\n| 'a\nb' |\n");
    expect(out).toContain('*************************** 1. row ***************************\n7: 7\n1 row in set (0.00 sec)\n');
    expect(out.trimEnd().endsWith('Bye')).toBe(true);
    expect(server.tiny.executed).not.toContain('SELECT 8');
    expect(server.tiny.executed.some((sql) => sql.includes('garbage'))).toBe(false);
  });

  test('interactive: after a lost connection the next statement reconnects to the same database', async () => {
    const input = ['CREATE DATABASE d;', 'USE d;', 'CREATE TABLE t(a INTEGER);', 'SELECT * FROM t;', 'INSERT INTO t VALUES(1);', 'SELECT * FROM t;'].join('\n') + '\n';
    const { code, out, err, server } = await session({ input, interactive: true, breakAfter: 3 });
    expect(code).toBe(0);
    expect(err).toBe('ERROR 2013 (HY000): Lost connection to MySQL server during query\n\n');
    expect(out).toContain('No connection. Trying to reconnect...\nQuery OK, 1 row affected');
    expect(out).toContain('| 1 |\n+---+\n1 row in set');
    expect(server.stats.connections).toBe(2);
  });

  test('a server that cannot be reached: the error and exit code 1', async () => {
    const stdout = new PassThrough();
    const stderr = new PassThrough();
    let err = '';
    stderr.on('data', (c: Buffer) => (err += c.toString()));
    const code = await runShellSession({
      connect: async () => {
        throw new FakeServerError(2003, 'HY000', "Can't connect to MySQL server on '127.0.0.1:1' (ECONNREFUSED)");
      },
      execute: 'SELECT 1',
      stdin: new PassThrough(),
      stdout,
      stderr,
    });
    expect(code).toBe(1);
    expect(err).toBe("ERROR 2003 (HY000): Can't connect to MySQL server on '127.0.0.1:1' (ECONNREFUSED)\n");
  });
});
