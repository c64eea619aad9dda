/**
 * Proves the server speaks MySQL to a real driver: the `mysql2` client connects over
 * 127.0.0.1 to a server backed by the fake SQL layer and runs queries, prepared statements
 * with every parameter type it can send, multi-statements, errors, pings and auth failures;
 * every value is checked on both sides (what the session received, what the driver parsed).
 */
import { randomBytes } from 'node:crypto';
import { connect as connectTcp } from 'node:net';
import mysql from 'mysql2/promise';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { staticUsers } from './auth.js';
import { type MysqlServer, startMysqlServer } from './server.js';
import { FakeSessionFactory, silentLogger } from './test-support/fake-sessions.js';

const users = staticUsers({ root: '', alice: 's3cret-pässword' });
let server: MysqlServer;
let nativeServer: MysqlServer;
const sessions = new FakeSessionFactory();
const quiet = silentLogger;

beforeAll(async () => {
  server = await startMysqlServer({ host: '127.0.0.1', port: 0, sessions, users, logger: quiet });
  nativeServer = await startMysqlServer({ host: '127.0.0.1', port: 0, sessions, users, logger: quiet, authPlugin: 'mysql_native_password' });
});

afterAll(async () => {
  await server.close();
  await nativeServer.close();
});

type Options = Parameters<typeof mysql.createConnection>[0] & object;
function connect(options: Partial<Options> = {}): Promise<mysql.Connection> {
  return mysql.createConnection({
    host: '127.0.0.1',
    port: server.port,
    user: 'root',
    password: '',
    database: 'test',
    supportBigNumbers: true,
    bigNumberStrings: true,
    dateStrings: true,
    timezone: 'Z',
    ...options,
  });
}

describe('mysql2 text protocol', () => {
  it('runs a query and reads typed columns', async () => {
    const conn = await connect();
    try {
      const [rows, fields] = await conn.query<mysql.RowDataPacket[]>("SELECT 1, 'héllo ✓', 2.50, 0.1e0, NULL");
      expect(rows).toEqual([{ '1': '1', 'héllo ✓': 'héllo ✓', '2.50': '2.50', '0.1e0': 0.1, NULL: null }]);
      expect(fields.map((f) => f.columnType)).toEqual([0x08, 0xfd, 0xf6, 0x05, 0x06]);
      expect(conn.threadId).toBeGreaterThanOrEqual(1);
    } finally {
      await conn.end();
    }
  });

  it('reads every column type of a table in text format', async () => {
    const conn = await connect();
    try {
      const [rows] = await conn.query<mysql.RowDataPacket[]>({ sql: 'SELECT * FROM t', rowsAsArray: true });
      const [first, second, third] = rows as unknown as unknown[][];
      expect(first).toEqual([
        '-128', '-32768', '-8388608', '-2147483648', '-9223372036854775808', '18446744073709551615', 2024,
        1.5, 0.1, '-12345.67', '2024-02-29', '2024-02-29 23:59:58.123456', '1970-01-01 00:00:01', '-838:59:59',
        'héllo wörld ✓ 😀', 'a text column', Buffer.from([0, 1, 2, 255]),
      ].map((v, i) => (i < 4 ? Number(v) : v)));
      expect(second![8]).toBe(1e21);
      expect(second![6]).toBe(1901);
      expect(third!.every((v) => v === null)).toBe(true);
    } finally {
      await conn.end();
    }
  });

  it('reports OK packets: affected rows, insert id, status flags', async () => {
    const conn = await connect();
    try {
      const [ok] = await conn.query<mysql.ResultSetHeader>('INSERT INTO x VALUES (1)');
      expect(ok.affectedRows).toBe(1);
      expect(ok.insertId).toBe(42);
      const [begin] = await conn.query<mysql.ResultSetHeader>('BEGIN');
      expect(begin.serverStatus & 1).toBe(1); // SERVER_STATUS_IN_TRANS
      const [commit] = await conn.query<mysql.ResultSetHeader>('COMMIT');
      expect(commit.serverStatus & 1).toBe(0);
      expect(commit.serverStatus & 2).toBe(2); // SERVER_STATUS_AUTOCOMMIT
    } finally {
      await conn.end();
    }
  });

  it('returns one result per statement with multipleStatements', async () => {
    const conn = await connect({ multipleStatements: true });
    try {
      const [results] = await conn.query<mysql.RowDataPacket[][]>("SELECT 1; INSERT INTO x VALUES (2); SELECT 'two', 3");
      expect(results).toHaveLength(3);
      expect(results[0]).toEqual([{ '1': '1' }]);
      expect((results[1] as unknown as mysql.ResultSetHeader).insertId).toBe(42);
      expect(results[2]).toEqual([{ two: 'two', '3': '3' }]);
      await expect(conn.query('SELECT 1; SELECT * FROM missing; SELECT 2')).rejects.toMatchObject({ errno: 1146, sqlState: '42S02' });
      const [after] = await conn.query<mysql.RowDataPacket[]>('SELECT 5');
      expect(after).toEqual([{ '5': '5' }]);
    } finally {
      await conn.end();
    }
  });

  it('refuses a second statement when multi-statements are off, without running anything', async () => {
    const conn = await connect();
    try {
      // The protocol passes the client's flag; the session refuses the text before running any of it.
      await expect(conn.query('SELECT 1; SELECT 2')).rejects.toMatchObject({ errno: 1064, sqlState: '42000' });
      expect(sessions.log.refused).toContain('SELECT 1; SELECT 2');
      const [rows] = await conn.query<mysql.RowDataPacket[]>("SELECT 'a;b';  ");
      expect(rows).toEqual([{ 'a;b': 'a;b' }]);
    } finally {
      await conn.end();
    }
  });

  it('turns SqlErrors into ERR packets and a crashing session into ERR 1105, keeping the connection', async () => {
    const conn = await connect();
    try {
      await expect(conn.query('SELECT * FROM missing')).rejects.toMatchObject({ errno: 1146, sqlState: '42S02', sqlMessage: "Table 'test.missing' doesn't exist" });
      await expect(conn.query('CRASH')).rejects.toMatchObject({ errno: 1105, sqlState: 'HY000' });
      await expect(conn.query('')).rejects.toMatchObject({ errno: 1065 });
      const [rows] = await conn.query<mysql.RowDataPacket[]>('SELECT 7');
      expect(rows).toEqual([{ '7': '7' }]);
      await conn.ping();
    } finally {
      await conn.end();
    }
  });
});

describe('mysql2 prepared statements (binary protocol)', () => {
  const T = mysql.TypedParameter;

  it('decodes every parameter type mysql2 infers from JavaScript values', async () => {
    const conn = await connect();
    try {
      const big = 12345678901234567890n;
      const when = new Date(Date.UTC(2024, 1, 29, 13, 14, 15, 678));
      const params = [7, -42, big, 3.5, 'héllo ✓ 😀', Buffer.from([0, 255, 1]), when, null, true, false, Number.MAX_SAFE_INTEGER];
      await conn.execute('SELECT ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?', params);
      const got = sessions.log.executions.at(-1)!.params;
      expect(got).toEqual([
        7, -42, '12345678901234567890', 3.5, 'héllo ✓ 😀', Uint8Array.of(0, 255, 1), '2024-02-29 13:14:15.678000', null, 1n, 0n,
        Number.MAX_SAFE_INTEGER,
      ]);
    } finally {
      await conn.end();
    }
  });

  it('decodes explicitly typed parameters: integer widths, unsigned, float, decimal, temporals, blobs', async () => {
    const conn = await connect();
    try {
      const params = [
        T.TINY(-128), T.TINY.unsigned(255), T.SHORT(-32768), T.SHORT.unsigned(65535), T.INT24(-8388608), T.LONG(-2147483648),
        T.LONG.unsigned(4294967295), T.LONGLONG(-(2n ** 63n)), T.LONGLONG(2n ** 53n + 1n), T.LONGLONG.unsigned(2n ** 64n - 1n),
        T.YEAR(2024), T.FLOAT(1.5), T.DOUBLE(-0.1), T.NEWDECIMAL('12345678901234567890.123456789'),
        T.DATE(new Date(Date.UTC(2024, 1, 29))), T.DATETIME(new Date(Date.UTC(1999, 11, 31, 23, 59, 59))),
        T.TIMESTAMP(new Date(Date.UTC(2038, 0, 19, 3, 14, 7, 5))), T.TIME('-838:59:59'), T.TIME('12:34:56.789'),
        T.BLOB(Buffer.from('raw bytes')), T.VARCHAR('text ✓'), T.NULL(),
      ];
      await conn.execute(`SELECT ${params.map(() => '?').join(', ')}`, params);
      expect(sessions.log.executions.at(-1)!.params).toEqual([
        -128n, 255n, -32768n, 65535n, -8388608n, -2147483648n, 4294967295n, -(2n ** 63n), 2n ** 53n + 1n, 2n ** 64n - 1n,
        2024n, 1.5, -0.1, '12345678901234567890.123456789',
        '2024-02-29', '1999-12-31 23:59:59', '2038-01-19 03:14:07.005000', '-838:59:59', '12:34:56.789000',
        Uint8Array.from(Buffer.from('raw bytes')), 'text ✓', null,
      ]);
    } finally {
      await conn.end();
    }
  });

  it('echoes parameters back in binary rows that mysql2 parses to the same values', async () => {
    const conn = await connect();
    try {
      const [rows] = await conn.execute<mysql.RowDataPacket[]>({ sql: 'SELECT ?, ?, ?, ?, ?', rowsAsArray: true }, [
        T.LONGLONG(-(2n ** 62n)), 2.25, 'ünïcode', Buffer.from([9, 8]), null,
      ]);
      expect(rows).toEqual([[String(-(2n ** 62n)), 2.25, 'ünïcode', Buffer.from([9, 8]), null]]);
    } finally {
      await conn.end();
    }
  });

  it('sends every column type of a table as binary rows', async () => {
    const conn = await connect();
    try {
      const [rows] = await conn.execute<mysql.RowDataPacket[]>({ sql: 'SELECT * FROM t', rowsAsArray: true });
      const [first, second, third] = rows as unknown as unknown[][];
      expect(first).toEqual([
        -128, -32768, -8388608, -2147483648, '-9223372036854775808', '18446744073709551615', 2024,
        1.5, 0.1, '-12345.67', '2024-02-29', '2024-02-29 23:59:58.123456', '1970-01-01 00:00:01', '-838:59:59',
        'héllo wörld ✓ 😀', 'a text column', Buffer.from([0, 1, 2, 255]),
      ]);
      expect(second).toEqual([
        127, 32767, 8388607, 2147483647, '9223372036854775807', '0', 1901,
        -3.25, 1e21, '0.00', '1000-01-01', '2000-01-01 00:00:00', '2038-01-19 03:14:07', '00:00:00',
        '', '', Buffer.alloc(0),
      ]);
      expect(third!.every((v) => v === null)).toBe(true);
    } finally {
      await conn.end();
    }
  });

  it('reports OK for a prepared INSERT and ERR for a failing prepare, keeping the connection', async () => {
    const conn = await connect();
    try {
      const [ok] = await conn.execute<mysql.ResultSetHeader>('INSERT INTO x VALUES (?)', [1]);
      expect(ok.insertId).toBe(42);
      await expect(conn.prepare('CRASH')).rejects.toMatchObject({ errno: 1105 });
      const statement = await conn.prepare('SELECT ?');
      await statement.execute(['again']);
      statement.close();
      const [rows] = await conn.query<mysql.RowDataPacket[]>('SELECT 1');
      expect(rows).toHaveLength(1);
      expect(sessions.log.closedStatements.length).toBeGreaterThan(0);
    } finally {
      await conn.end();
    }
  });
});

describe('mysql2 authentication and connection management', () => {
  it('accepts the right password with caching_sha2_password and mysql_native_password', async () => {
    for (const port of [server.port, nativeServer.port]) {
      const conn = await connect({ port, user: 'alice', password: 's3cret-pässword' });
      const [rows] = await conn.query<mysql.RowDataPacket[]>('SELECT DATABASE()');
      expect(rows).toEqual([{ 'DATABASE()': 'test' }]);
      await conn.end();
    }
  });

  it('refuses a wrong password, an unknown user and a password for a passwordless account with ERR 1045', async () => {
    for (const port of [server.port, nativeServer.port]) {
      await expect(connect({ port, user: 'alice', password: 'wrong' })).rejects.toMatchObject({
        errno: 1045,
        sqlState: '28000',
        sqlMessage: "Access denied for user 'alice'@'localhost' (using password: YES)",
      });
      await expect(connect({ port, user: 'alice', password: '' })).rejects.toMatchObject({
        errno: 1045,
        sqlMessage: "Access denied for user 'alice'@'localhost' (using password: NO)",
      });
      await expect(connect({ port, user: 'mallory', password: 'x' })).rejects.toMatchObject({ errno: 1045 });
      await expect(connect({ port, user: 'root', password: 'not-empty' })).rejects.toMatchObject({ errno: 1045 });
    }
  });

  it('changes user with COM_CHANGE_USER, opening a new session', async () => {
    for (const port of [server.port, nativeServer.port]) {
      const conn = await connect({ port });
      const opened = sessions.log.opened.length;
      await conn.changeUser({ user: 'alice', password: 's3cret-pässword', database: 'other' });
      expect(sessions.log.opened.slice(opened)).toEqual([{ user: 'alice', database: 'other', connectionId: conn.threadId }]);
      const [rows] = await conn.query<mysql.RowDataPacket[]>('SELECT DATABASE()');
      expect(rows).toEqual([{ 'DATABASE()': 'other' }]);
      await expect(conn.changeUser({ user: 'alice', password: 'wrong' })).rejects.toMatchObject({ errno: 1045 });
      conn.destroy();
    }
  });

  it('refuses an unknown initial database with ERR 1049', async () => {
    await expect(connect({ database: 'nope' })).rejects.toMatchObject({ errno: 1049, sqlMessage: "Unknown database 'nope'" });
  });

  it('numbers connections upwards, counts them, and closes sessions when clients leave', async () => {
    const a = await connect();
    const b = await connect();
    expect(b.threadId).toBeGreaterThan(a.threadId);
    expect(server.connectionCount()).toBeGreaterThanOrEqual(2);
    await a.ping();
    const closedBefore = sessions.log.closedSessions;
    await a.end();
    await b.end();
    await waitFor(() => sessions.log.closedSessions >= closedBefore + 2);
  });

  it('survives clients that send garbage or oversized packets, serving others meanwhile', async () => {
    const small = await startMysqlServer({ host: '127.0.0.1', port: 0, sessions, users, logger: quiet, packetBytesMax: 1024 });
    try {
      const bystander = await connect({ port: small.port });
      for (const bytes of [randomBytes(5000), Buffer.from([0xff, 0xff, 0xff, 0x01, 1, 2, 3])]) {
        const socket = connectTcp(small.port, '127.0.0.1');
        const received: Buffer[] = [];
        socket.on('data', (chunk) => received.push(chunk));
        await new Promise((resolve) => socket.once('connect', resolve));
        socket.write(bytes);
        await new Promise((resolve) => socket.once('close', resolve));
        expect(Buffer.concat(received).length).toBeGreaterThan(0);
      }
      const [rows] = await bystander.query<mysql.RowDataPacket[]>('SELECT 1');
      expect(rows).toEqual([{ '1': '1' }]);
      await expect(bystander.query(`SELECT '${'x'.repeat(2000)}'`)).rejects.toMatchObject({ errno: 1153 });
      await bystander.end().catch(() => undefined);
      const after = await connect({ port: small.port });
      await after.ping();
      await after.end();
    } finally {
      await small.close();
    }
  });

  it('refuses connections past the limit with ERR 1040', async () => {
    const limited = await startMysqlServer({ host: '127.0.0.1', port: 0, sessions, users, logger: quiet, connectionsMax: 1 });
    try {
      const first = await connect({ port: limited.port });
      await expect(connect({ port: limited.port })).rejects.toMatchObject({ errno: 1040 });
      await first.end();
      await waitFor(() => limited.connectionCount() === 0);
      const again = await connect({ port: limited.port });
      await again.end();
    } finally {
      await limited.close();
    }
  });
});

async function waitFor(condition: () => boolean, timeoutMs = 5000): Promise<void> {
  const start = Date.now();
  while (!condition()) {
    if (Date.now() - start > timeoutMs) throw new Error('condition not reached in time');
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}
