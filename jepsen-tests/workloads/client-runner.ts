/**
 * Runs a workload's clients against the cluster until a deadline, recording every operation.
 * Jepsen's rules: an operation whose outcome is unknown (timeout, lost connection) completes
 * as `info`, and its client process is retired — the worker carries on under a fresh process
 * id, so no process ever has two operations open. A worker that cannot connect waits and
 * retries without recording anything: an operation that never reached a node is not invoked.
 */
import { SeededRandom } from '../../src/base/clock.js';
import type { HistoryRecorder } from '../harness/history-recorder.js';
import { errorLabel, errorOutcome, openSqlConnection, type SqlConnection } from '../harness/sql-client.js';
import { DefiniteFailure, type OpSpec, type Workload } from './workload.js';

/** Where a client connects (a node, possibly through a latency proxy). */
export interface Endpoint {
  readonly node: number;
  readonly host: string;
  readonly port: number;
}

/** Options of `runClients`. */
export interface ClientRunOptions {
  readonly workload: Workload;
  readonly recorder: HistoryRecorder;
  readonly endpoints: readonly Endpoint[];
  readonly concurrency: number;
  /** First process id; workers use firstProcess + i, then + k·processStride after each info. */
  readonly firstProcess: number;
  readonly processStride: number;
  readonly seed: number;
  /** Clients stop invoking once this returns true. */
  readonly done: () => boolean;
  readonly connectTimeoutMs: number;
  readonly opTimeoutMs: number;
  /** Pause between two operations of one client, at most this long (random). */
  readonly thinkMsMax?: number;
}

/** Counts of completions, for the report. */
export interface ClientCounts {
  ok: number;
  fail: number;
  info: number;
}

/** Runs every worker until `done()`; resolves when all have stopped. */
export async function runClients(options: ClientRunOptions): Promise<ClientCounts> {
  const counts: ClientCounts = { ok: 0, fail: 0, info: 0 };
  const workers = Array.from({ length: options.concurrency }, (_, i) => runWorker(options, i, counts));
  await Promise.all(workers);
  return counts;
}

async function runWorker(options: ClientRunOptions, i: number, counts: ClientCounts): Promise<void> {
  const random = new SeededRandom(options.seed * 1009 + i);
  const endpoint = options.endpoints[i % options.endpoints.length] as Endpoint;
  let process = options.firstProcess + i;
  let conn: SqlConnection | null = null;
  const commitTsProbe: CommitTsProbe = { supported: true };
  while (!options.done()) {
    if (conn === null || conn.broken) {
      if (conn !== null) await conn.close();
      conn = await tryConnect(endpoint, options.connectTimeoutMs, options.opTimeoutMs);
      if (conn === null) {
        await sleep(200);
        continue;
      }
    }
    const outcome = await runOne(options, conn, endpoint, process, options.workload.nextOp(random, process), commitTsProbe);
    counts[outcome]++;
    if (outcome === 'info') process += options.processStride;
    if (options.thinkMsMax !== undefined && options.thinkMsMax > 0) await sleep(random.int(options.thinkMsMax + 1));
  }
  if (conn !== null) await conn.close();
}

/** Runs `spec` as process `process` on `conn`, recording invoke and completion. */
export async function runOne(
  options: Pick<ClientRunOptions, 'workload' | 'recorder'>,
  conn: SqlConnection,
  endpoint: Endpoint,
  process: number,
  spec: OpSpec,
  probe: CommitTsProbe = { supported: true },
): Promise<'ok' | 'fail' | 'info'> {
  const open = options.recorder.invoke({ process, f: spec.f, value: spec.value, workload: options.workload.name, node: endpoint.node, ...(spec.key === undefined ? {} : { key: spec.key }) });
  try {
    const result = await options.workload.invoke(conn, spec);
    const commitTs = result.wrote && probe.supported ? await lastCommitTs(conn, probe) : undefined;
    options.recorder.complete(open, 'ok', { ...(result.value === undefined ? {} : { value: result.value }), ...(commitTs === undefined ? {} : { commitTs }) });
    return 'ok';
  } catch (error) {
    const type = error instanceof DefiniteFailure ? 'fail' : errorOutcome(error);
    options.recorder.complete(open, type, { error: errorLabel(error) });
    return type;
  }
}

/** Whether the server answers `SELECT @@atoll_last_commit_ts` (learned on the first refusal). */
export interface CommitTsProbe {
  supported: boolean;
}

/** `@@atoll_last_commit_ts` of the connection's last commit, or undefined when not reported. */
async function lastCommitTs(conn: SqlConnection, probe: CommitTsProbe): Promise<string | undefined> {
  try {
    const rows = await conn.rows('SELECT @@atoll_last_commit_ts');
    const value = rows[0]?.[0];
    return value === null || value === undefined ? undefined : value;
  } catch (error) {
    // A server error (unknown variable) means it never will; a timeout or lost connection after
    // the commit leaves the op ok and the timestamp unknown.
    if (errorOutcome(error) === 'fail') probe.supported = false;
    return undefined;
  }
}

/** Opens a connection, or returns null when the node does not answer. */
export async function tryConnect(endpoint: Endpoint, connectTimeoutMs: number, opTimeoutMs = 10_000): Promise<SqlConnection | null> {
  try {
    return await openSqlConnection({ host: endpoint.host, port: endpoint.port, connectTimeoutMs, queryTimeoutMs: opTimeoutMs });
  } catch {
    return null;
  }
}

/** Sleeps `ms` milliseconds. */
export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
