/**
 * Test support: serves a TinySql over the real MySQL client/server protocol, using mysql2's
 * own server side, on 127.0.0.1 and a port the OS picks. Lets the tools' tests go through
 * src/cli/mysql-client.ts and real sockets without a MySQL or MariaDB installation.
 */
import type { AddressInfo } from 'node:net';
import mysql from 'mysql2';
import { TinySql, type TinyColumn } from './tiny-sql.js';

const utf8mb4 = 45;
const binary = 63;
const typeVarString = 0xfd;
const typeLongLong = 0x08;

/** A running server; `close()` stops it and drops its connections. */
export interface TinyWireServer {
  readonly port: number;
  readonly sql: TinySql;
  close(): Promise<void>;
}

interface ServerConnection {
  serverHandshake(args: object): void;
  on(event: string, listener: (...args: never[]) => void): void;
  writeOk(args?: object): void;
  writeError(args: { code: number; message: string }): void;
  writeColumns(columns: object[]): void;
  writeTextRow(row: (string | null)[]): void;
  writeEof(): void;
  writePacket(packet: { buffer: Buffer }): void;
  stream: { destroy(): void };
  clientHelloReply?: { database?: string };
  sequenceId: number;
}

/** Starts a server over a fresh TinySql. */
export async function startTinyWireServer(): Promise<TinyWireServer> {
  const sql = new TinySql();
  const sockets = new Set<ServerConnection>();
  let connectionId = 0;
  const server = mysql.createServer((conn: unknown) => {
    const c = conn as ServerConnection;
    sockets.add(c);
    let handshakeDone = false;
    const session = { database: null as string | null };
    const sessionOf = (): { database: string | null } => {
      if (!handshakeDone) session.database = c.clientHelloReply?.database || null;
      handshakeDone = true;
      return session;
    };
    c.serverHandshake({ protocolVersion: 10, serverVersion: '8.0.0-tiny', connectionId: ++connectionId, statusFlags: 2, characterSet: utf8mb4, capabilityFlags: 0xf7ff,
      authCallback: (_params: unknown, done: (error: null) => void) => {
        done(null); // writes the OK packet
        c.sequenceId = 0;
      },
    });
    c.on('init_db', (name: string) => answer(c, sql.run(`USE ${name}`, sessionOf())));
    c.on('query', (text: string) => answer(c, sql.run(text, sessionOf())));
    c.on('error', () => sockets.delete(c));
  });
  const listen = server.listen.bind(server) as unknown as (port: number, host: string, ready: () => void) => void;
  await new Promise<void>((resolve) => listen(0, '127.0.0.1', resolve));
  const port = ((server as unknown as { _server: { address(): AddressInfo } })._server.address()).port;
  return {
    port,
    sql,
    close: () =>
      new Promise<void>((resolve) => {
        for (const c of sockets) c.stream.destroy();
        server.close(() => resolve());
      }),
  };
}

function answer(c: ServerConnection, outcome: ReturnType<TinySql['run']>): void {
  writeOutcome(c, outcome);
  c.sequenceId = 0; // the next command starts a new packet sequence (mysql2's server side forgets this)
}

function writeOutcome(c: ServerConnection, outcome: ReturnType<TinySql['run']>): void {
  switch (outcome.kind) {
    case 'hang':
      return;
    case 'ok':
      c.writeOk({ affectedRows: outcome.affectedRows });
      return;
    case 'error':
      writeErrorWithState(c, outcome.errno, outcome.sqlState, outcome.message);
      return;
    case 'rows':
      c.writeColumns(outcome.columns.map(columnDefinition));
      for (const row of outcome.rows) c.writeTextRow(row);
      c.writeEof();
      return;
  }
}

function columnDefinition(column: TinyColumn): object {
  return {
    catalog: 'def',
    schema: '',
    table: '',
    orgTable: '',
    name: column.name,
    orgName: column.name,
    characterSet: column.numeric ? binary : utf8mb4,
    columnLength: 255,
    columnType: column.numeric ? typeLongLong : typeVarString,
    flags: 0,
    decimals: 0,
  };
}

/** mysql2's server writes SQLSTATE '_____'; patch the real one into the packet on its way out. */
function writeErrorWithState(c: ServerConnection, errno: number, sqlState: string, message: string): void {
  const original = c.writePacket.bind(c);
  c.writePacket = (packet) => {
    c.writePacket = original;
    packet.buffer.write(sqlState, 8, 'ascii');
    original(packet);
  };
  c.writeError({ code: errno, message });
}
