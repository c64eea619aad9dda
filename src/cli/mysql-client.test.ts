// Proves the mysql2-backed text client against a real MySQL-protocol server (mysql2's own
// server side serving a tiny in-test SQL engine over 127.0.0.1): raw text values, NULLs,
// OK packets, server errors with errno and SQLSTATE, and connection failures as 2003/2013.
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { connectTextClient, ServerError } from './mysql-client.js';
import { startTinyWireServer, type TinyWireServer } from './slt/test-support/tiny-wire-server.js';

let server: TinyWireServer;
beforeAll(async () => {
  server = await startTinyWireServer();
});
afterAll(async () => {
  await server.close();
});

describe('connectTextClient', () => {
  test('statements, result sets as raw text, NULL, and errors with errno and SQLSTATE', async () => {
    const client = await connectTextClient({ host: '127.0.0.1', port: server.port, user: 'root' });
    try {
      expect(await client.query('CREATE DATABASE d1')).toMatchObject({ ok: true, affectedRows: 1 });
      await client.query('USE d1');
      await client.query('CREATE TABLE t(a INTEGER, b TEXT)');
      expect(await client.query("INSERT INTO t VALUES(007, 'x y')")).toMatchObject({ ok: true, affectedRows: 1 });
      await client.query('INSERT INTO t VALUES(2.50, NULL)');
      expect(await client.query('SELECT * FROM t')).toEqual({
        rows: [
          ['007', 'x y'],
          ['2.50', null],
        ],
        columns: [
          { name: 'a', numeric: true },
          { name: 'b', numeric: false },
        ],
      });
      const failure = await client.query('SELECT * FROM nope').catch((e: unknown) => e);
      expect(failure).toBeInstanceOf(ServerError);
      expect(failure).toMatchObject({ errno: 1146, sqlState: '42S02', message: "Table 'd1.nope' doesn't exist", fatal: false });
      expect(client.broken).toBe(false);
    } finally {
      await client.close();
    }
  });

  test('a database given at connect is in use', async () => {
    const client = await connectTextClient({ host: '127.0.0.1', port: server.port, user: 'root' });
    await client.query('CREATE DATABASE d2');
    await client.close();
    const inD2 = await connectTextClient({ host: '127.0.0.1', port: server.port, user: 'root', database: 'd2' });
    await inD2.query('CREATE TABLE u(a INTEGER)');
    await inD2.close();
    expect([...server.sql.databases.get('d2')!.keys()]).toEqual(['u']);
  });

  test('no server: ServerError 2003; a connection that dies: 2013 and broken', async () => {
    const unused = await startTinyWireServer();
    const port = unused.port;
    await unused.close();
    const refused = await connectTextClient({ host: '127.0.0.1', port, user: 'root' }).catch((e: unknown) => e);
    expect(refused).toMatchObject({ errno: 2003, sqlState: 'HY000' });
    expect((refused as Error).message).toContain(`Can't connect to MySQL server on '127.0.0.1:${port}'`);

    const doomed = await startTinyWireServer();
    const client = await connectTextClient({ host: '127.0.0.1', port: doomed.port, user: 'root' });
    const pending = client.query('SELECT SLEEP(10)').catch((e: unknown) => e);
    await doomed.close();
    expect(await pending).toMatchObject({ errno: 2013, fatal: true });
    expect(client.broken).toBe(true);
    await client.close();
  });
});
