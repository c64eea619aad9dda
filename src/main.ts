/**
 * The composition root of one Atoll node: the only place that wires real clocks, disks and
 * sockets to the layers. Today one node serves everything (the embedded default); the
 * replicated topology grows from here.
 */
import { mkdirSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { resolve } from 'node:path';
import { systemClock } from './base/clock.js';
import { timestamp } from './base/ids.js';
import { createLogger, type Logger } from './base/logger.js';
import { TimestampOracle } from './meta/timestamp-oracle.js';
import { staticUsers } from './mysql/auth.js';
import { startMysqlServer } from './mysql/server.js';
import { startRpcServer } from './transport/grpc-transport.js';
import { LocalTxnKv } from './txn/local-txn-kv.js';
import { startVersionGc } from './txn/version-gc.js';
import { limits } from './base/limits.js';
import { isFatalStorageError } from '../storage/engine.js';
import { openLmdbMvccStore } from '../storage/lmdb-mvcc-store.js';
import { SqlEngine } from '../sql/sql-engine.js';

const version = '0.1.0';

/** Where a node keeps its data and which ports it listens on. */
export interface NodeOptions {
  readonly dataDir: string;
  readonly host: string;
  /** SQL on basePort, node RPC on basePort + 1, HTTP (health, metrics) on basePort + 2. */
  readonly basePort: number;
  /** Users and their passwords; default: root without a password. */
  readonly users?: Readonly<Record<string, string>>;
  readonly logger?: Logger;
}

/** A running node; `stop` closes sockets, then files. */
export interface RunningNode {
  readonly sqlPort: number;
  readonly rpcPort: number;
  readonly httpPort: number;
  stop(): Promise<void>;
}

/** Opens storage, builds the layers and starts listening. */
export async function startNode(options: NodeOptions): Promise<RunningNode> {
  const logger = options.logger ?? createLogger('node');
  const dataDir = resolve(options.dataDir);
  mkdirSync(dataDir, { recursive: true });
  const store = await openLmdbMvccStore({ path: resolve(dataDir, 'store') });
  const oracle = new TimestampOracle(systemClock, timestamp(store.maxCommitTs()));
  const testOnlyAckBeforeDurable = process.env['ATOLL_TESTONLY_ACK_BEFORE_DURABLE'] === '1';
  if (testOnlyAckBeforeDurable) logger.warn('TEST ONLY: commits are acknowledged before they are durable');
  const kv = new LocalTxnKv(store, oracle, {
    testOnlyAckBeforeDurable,
    onStorageError: (error) => {
      if (!isFatalStorageError(error)) return;
      // An fsync or checksum failure: stop rather than serve data that may not be on disk.
      logger.error('fatal storage error, stopping the node', { error: String(error) });
      process.exit(70);
    },
  });
  const gc = startVersionGc({ store, kv, intervalMs: limits.gcIntervalMs, versionsVisitedPerTurnMax: limits.gcVersionsVisitedPerTurnMax, logger: createLogger('gc') });
  const engine = new SqlEngine({ kv, clock: systemClock, logger: createLogger('sql') });
  await engine.init();
  const mysql = await startMysqlServer({
    host: options.host,
    port: options.basePort,
    sessions: engine,
    users: staticUsers(options.users ?? { root: '' }),
    logger: createLogger('mysql'),
  });
  const startedMs = systemClock.monotonicMs();
  const rpc = await startRpcServer(options.host, options.basePort === 0 ? 0 : options.basePort + 1, {
    status: () => ({
      node_id: '1',
      version,
      uptime_ms: String(Math.floor(systemClock.monotonicMs() - startedMs)),
      sql_connections: mysql.connectionCount(),
      max_commit_ts: String(store.maxCommitTs()),
    }),
  });
  const http = await startHttpServer(options.host, options.basePort === 0 ? 0 : options.basePort + 2, () => ({
    status: 'ok',
    version,
    connections: mysql.connectionCount(),
  }));
  logger.info('node started', { dataDir, sqlPort: mysql.port, rpcPort: rpc.port, httpPort: portOf(http) });
  return {
    sqlPort: mysql.port,
    rpcPort: rpc.port,
    httpPort: portOf(http),
    async stop() {
      await new Promise<void>((done) => http.close(() => done()));
      await rpc.close();
      await gc.stop();
      await mysql.close();
      await store.close();
      logger.info('node stopped');
    },
  };
}

/** Health as JSON on /health; more (metrics, system views) comes with the cluster. */
function startHttpServer(host: string, port: number, health: () => Record<string, unknown>): Promise<Server> {
  const server = createServer((request, response) => {
    if (request.url === '/health') {
      response.writeHead(200, { 'content-type': 'application/json' });
      response.end(JSON.stringify(health()));
      return;
    }
    response.writeHead(404).end();
  });
  return new Promise((done, fail) => {
    server.once('error', fail);
    server.listen(port, host, () => done(server));
  });
}

function portOf(server: Server): number {
  const address = server.address();
  return typeof address === 'object' && address !== null ? address.port : 0;
}
