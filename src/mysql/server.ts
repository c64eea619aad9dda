/**
 * The MySQL protocol server: accepts TCP connections, sets TCP_NODELAY, limits how many are
 * open, numbers them from 1 and hands each one's bytes to a MysqlConnection. One client's
 * bad bytes, failed session or slow reading never reaches another client or the process.
 */
import { createServer, type Server, type Socket } from 'node:net';
import type { SqlSessionFactory } from '../../sql/session-api.js';
import { assert } from '../base/assert.js';
import { type Clock, systemClock } from '../base/clock.js';
import { limits } from '../base/limits.js';
import { createLogger, type Logger } from '../base/logger.js';
import type { UserDirectory } from './auth.js';
import { type ConnectionIo, MysqlConnection } from './connection.js';
import { ProtocolErr } from './error-packets.js';
import { PacketWriter } from './payload-writer.js';
import { writeErr } from './result-writer.js';
import { AuthPlugin } from './protocol-constants.js';

export { credentialsFor, staticUsers, type UserCredentials, type UserDirectory } from './auth.js';

/** Atoll's version, announced after the MySQL version it speaks. */
export const ATOLL_VERSION = '0.1.0';
/** The server version string of the greeting: MySQL 8.0's dialect, then Atoll's own version. */
export const SERVER_VERSION = `8.0.36-atoll-${ATOLL_VERSION}`;

/** Options of `startMysqlServer`. */
export interface MysqlServerOptions {
  readonly host: string;
  /** 0 picks a free port. */
  readonly port: number;
  readonly sessions: SqlSessionFactory;
  readonly users: UserDirectory;
  readonly logger?: Logger;
  /** Plugin announced in the greeting; caching_sha2_password (MySQL 8's default) unless set. */
  readonly authPlugin?: (typeof AuthPlugin)[keyof typeof AuthPlugin];
  /** Overrides limits.connectionsMax (MySQL's max_connections). */
  readonly connectionsMax?: number;
  /** Overrides limits.packetBytesMax (MySQL's max_allowed_packet). */
  readonly packetBytesMax?: number;
  /** For COM_STATISTICS uptime; the system clock unless set. */
  readonly clock?: Clock;
  /** Nonce source; node:crypto's unless set. */
  readonly randomBytes?: (bytes: number) => Buffer;
}

/** A running server. */
export interface MysqlServer {
  /** The port it listens on (the chosen one when started with port 0). */
  readonly port: number;
  /** Stops accepting, closes every connection and its session. */
  close(): Promise<void>;
  /** Connections open now (authenticated or not). */
  connectionCount(): number;
}

/** Starts a MySQL protocol server on `host:port`. */
export async function startMysqlServer(options: MysqlServerOptions): Promise<MysqlServer> {
  const state = new ServerState(options);
  const server = createServer({ noDelay: true }, (socket) => state.accept(socket));
  await listen(server, options.host, options.port);
  const address = server.address();
  assert(address !== null && typeof address === 'object', 'server has no TCP address');
  state.logger.info('mysql protocol server listening', { host: options.host, port: address.port });
  return {
    port: address.port,
    connectionCount: () => state.connections.size,
    close: () => state.close(server),
  };
}

function listen(server: Server, host: string, port: number): Promise<void> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
}

/** The server's mutable state: open connections, id counter, counters for COM_STATISTICS. */
class ServerState {
  readonly logger: Logger;
  readonly connections = new Map<MysqlConnection, Socket>();
  private nextConnectionId = 1;
  private questions = 0;
  private readonly startedMs: number;
  private readonly clock: Clock;

  constructor(private readonly options: MysqlServerOptions) {
    this.logger = options.logger ?? createLogger('mysql');
    this.clock = options.clock ?? systemClock;
    this.startedMs = this.clock.monotonicMs();
  }

  accept(socket: Socket): void {
    socket.setNoDelay(true);
    socket.on('error', (error) => this.logger.debug('socket error', { error: error.message }));
    if (this.connections.size >= (this.options.connectionsMax ?? limits.connectionsMax)) {
      this.refuse(socket);
      return;
    }
    const connection = new MysqlConnection({
      connectionId: this.nextConnectionId++,
      sessions: this.options.sessions,
      users: this.options.users,
      io: socketIo(socket),
      logger: this.logger,
      serverVersion: SERVER_VERSION,
      clientHost: clientHostOf(socket),
      authPlugin: this.options.authPlugin ?? AuthPlugin.CACHING_SHA2,
      packetBytesMax: this.options.packetBytesMax ?? limits.packetBytesMax,
      statistics: () => this.statistics(),
      onCommand: () => this.questions++,
      ...(this.options.randomBytes === undefined ? {} : { randomBytes: this.options.randomBytes }),
    });
    this.connections.set(connection, socket);
    socket.on('data', (chunk) => connection.receive(chunk));
    socket.on('close', () => {
      this.connections.delete(connection);
      void connection.close();
    });
    connection.start();
  }

  /** ERR 1040 in place of the greeting, then close (as MySQL does past max_connections). */
  private refuse(socket: Socket): void {
    this.logger.warn('refusing a connection: too many connections', { open: this.connections.size });
    const w = new PacketWriter(0, 64);
    writeErr(w, ProtocolErr.tooManyConnections);
    socket.end(w.toBuffer());
  }

  private statistics(): string {
    const uptimeSeconds = Math.max(1, Math.floor((this.clock.monotonicMs() - this.startedMs) / 1000));
    const perSecond = (this.questions / uptimeSeconds).toFixed(3);
    return `Uptime: ${uptimeSeconds}  Threads: ${this.connections.size}  Questions: ${this.questions}  Slow queries: 0  Opens: 0  Open tables: 0  Queries per second avg: ${perSecond}`;
  }

  async close(server: Server): Promise<void> {
    const closed = new Promise<void>((resolve) => server.close(() => resolve()));
    const sessions = [...this.connections.keys()].map((connection) => connection.close());
    for (const socket of this.connections.values()) socket.destroy();
    this.connections.clear();
    await Promise.all(sessions);
    await closed;
  }
}

function socketIo(socket: Socket): ConnectionIo {
  return {
    write: (bytes) => socket.write(bytes),
    drained: () =>
      new Promise((resolve) => {
        if (!socket.writableNeedDrain || socket.destroyed) resolve();
        else {
          const done = (): void => {
            socket.off('drain', done);
            socket.off('close', done);
            resolve();
          };
          socket.on('drain', done);
          socket.on('close', done);
        }
      }),
    end: () => socket.end(),
    pauseReading: () => socket.pause(),
    resumeReading: () => socket.resume(),
  };
}

function clientHostOf(socket: Socket): string {
  const address = socket.remoteAddress ?? 'unknown';
  return address === '127.0.0.1' || address === '::1' || address === '::ffff:127.0.0.1' ? 'localhost' : address.replace(/^::ffff:/, '');
}
