/**
 * One Jepsen-style run: start the cluster in namespaces, set up the workloads, run their
 * clients while the nemesis injects faults from a seeded schedule, heal everything, wait,
 * run the final reads, check each workload's history, and write the report folder. Every
 * process, namespace and link is removed at the end, whatever happened.
 *
 * Today every node is an independent single-node Atoll, so clients talk to node 1 only
 * (`clientNodes`), and process faults, loss and latency target those nodes; partitions cut
 * between all nodes (and so have nothing to disturb until replication exists).
 */
import { join } from 'node:path';
import { SeededRandom } from '../../src/base/clock.js';
import { mergeValidity, type Validity } from '../checkers/check-result.js';
import { buildSchedule } from '../nemesis/schedule.js';
import type { FaultKind, NemesisWindow } from '../nemesis/fault.js';
import { LatencyProxy } from '../nemesis/latency-proxy.js';
import { healAll, runSchedule, type NemesisContext } from '../nemesis/nemesis-runner.js';
import { offendingOps, trimAnomalies, type RunResult, type WorkloadResult } from '../report/run-result.js';
import { writeRunReport } from '../report/write-report.js';
import { runClients, runOne, sleep, tryConnect, type ClientCounts, type Endpoint } from '../workloads/client-runner.js';
import type { Workload, WorkloadName } from '../workloads/workload.js';
import { createWorkload } from '../workloads/workloads.js';
import { Cluster } from './cluster.js';
import { HistoryRecorder, workloadHistory } from './history-recorder.js';
import { atollProgram, repoRoot, type NodeProgram } from './node-program.js';
import { assertPrerequisites } from './preflight.js';
import type { SqlConnection } from './sql-client.js';

/** Options of one run. */
export interface JepsenRunOptions {
  readonly workloads: readonly WorkloadName[];
  readonly nemeses: readonly FaultKind[];
  readonly nodeCount: number;
  /** Length of the faulty part, in ms; the healed period and final reads come after it. */
  readonly timeMs: number;
  readonly seed: number;
  /** Clients per workload. */
  readonly concurrency?: number;
  /** Nodes the clients use (default [1]: the nodes are independent today). */
  readonly clientNodes?: readonly number[];
  /** Healed time before the final reads. */
  readonly healMs?: number;
  readonly opTimeoutMs?: number;
  /** Parent of the run folder (default jepsen-tests/store). */
  readonly storeDir?: string;
  readonly program?: NodeProgram;
  /** Start nodes with ATOLL_TESTONLY_ACK_BEFORE_DURABLE=1 (the planted bug). */
  readonly plantedBug?: boolean;
  /** Fault window lengths, for short test runs. */
  readonly faultMs?: { readonly min: number; readonly max: number };
  readonly quietMs?: { readonly min: number; readonly max: number };
  readonly log?: (line: string) => void;
}

/** What a run returns (also written to results.json). */
export interface JepsenRunOutcome extends RunResult {
  readonly dir: string;
}

/** Runs one test; resolves with its verdict (it rejects only when the harness itself broke). */
export async function runJepsen(options: JepsenRunOptions): Promise<JepsenRunOutcome> {
  const log = options.log ?? (() => undefined);
  assertPrerequisites({ netns: true, iptables: true, faketime: options.nemeses.includes('clock') });
  const startedAt = new Date();
  const runName = `${startedAt.toISOString().replace(/[:.]/g, '-')}-${options.workloads.join('+')}-${options.nemeses.join('+') || 'none'}-s${options.seed}`;
  const dir = join(options.storeDir ?? join(repoRoot(), 'jepsen-tests', 'store'), runName);
  const program = options.program ?? atollProgram(options.plantedBug === true ? { env: { ATOLL_TESTONLY_ACK_BEFORE_DURABLE: '1' } } : {});
  log(`run ${runName}: starting ${options.nodeCount} nodes`);
  const cluster = await Cluster.start({ nodeCount: options.nodeCount, program, logDir: dir, faketime: options.nemeses.includes('clock') });
  const proxies = new Map<number, LatencyProxy>();
  try {
    const clientNodes = options.clientNodes ?? [1];
    for (const n of options.nemeses.includes('latency') ? clientNodes : []) {
      const node = cluster.node(n);
      proxies.set(n, await LatencyProxy.start({ listenHost: '127.0.0.1', listenPort: 0, targetHost: node.address, targetPort: node.sqlPort }));
    }
    const endpoints: Endpoint[] = clientNodes.map((n) => {
      const proxy = proxies.get(n);
      const node = cluster.node(n);
      return proxy === undefined ? { node: n, host: node.address, port: node.sqlPort } : { node: n, host: '127.0.0.1', port: proxy.port };
    });
    const workloads = options.workloads.map((name) => createWorkload(name));
    for (const w of workloads) await setupWorkload(w, endpoints[0] as Endpoint);
    const recorder = new HistoryRecorder();
    const windows = buildSchedule({
      kinds: options.nemeses,
      seed: options.seed,
      nodes: cluster.nodes.map((n) => n.n),
      targets: clientNodes,
      durationMs: options.timeMs,
      ...(options.faultMs === undefined ? {} : { faultMsMin: options.faultMs.min, faultMsMax: options.faultMs.max }),
      ...(options.quietMs === undefined ? {} : { quietMsMin: options.quietMs.min, quietMsMax: options.quietMs.max }),
    });
    log(`run ${runName}: ${windows.length} fault windows over ${options.timeMs} ms`);
    const ctx: NemesisContext = { cluster, proxies, recorder };
    const { counts, errors } = await runPhases(options, ctx, workloads, endpoints, windows);
    const workloadResults = workloads.map((w, i) => checkWorkload(w, recorder, counts[i] as ClientCounts));
    const valid: Validity = mergeValidity(workloadResults.map((r) => r.valid));
    const result: RunResult = {
      run: runName,
      valid: errors.length > 0 && valid === true ? 'unknown' : valid,
      startedAt: startedAt.toISOString(),
      parameters: {
        workloads: [...options.workloads],
        nemeses: [...options.nemeses],
        nodes: options.nodeCount,
        timeMs: options.timeMs,
        seed: options.seed,
        concurrency: options.concurrency ?? 3,
        clientNodes: [...clientNodes],
        plantedBug: options.plantedBug === true,
        program: program.name,
      },
      workloads: workloadResults,
      nemesisWindows: windows.length,
      errors,
    };
    writeRunReport(dir, recorder.history(), result);
    log(`run ${runName}: ${String(result.valid)} → ${dir}`);
    return { ...result, dir };
  } finally {
    for (const proxy of proxies.values()) await proxy.close();
    await cluster.stop();
  }
}

/** Faulty period (clients + nemesis), heal, healed wait, final reads. */
async function runPhases(
  options: JepsenRunOptions,
  ctx: NemesisContext,
  workloads: readonly Workload[],
  endpoints: readonly Endpoint[],
  windows: readonly NemesisWindow[],
): Promise<{ counts: ClientCounts[]; errors: string[] }> {
  const { recorder } = ctx;
  const concurrency = options.concurrency ?? 3;
  const processStride = concurrency * workloads.length + 1;
  const done = (): boolean => recorder.elapsedMs() >= options.timeMs;
  const clientRuns = workloads.map((workload, i) =>
    runClients({
      workload,
      recorder,
      endpoints,
      concurrency,
      firstProcess: i * concurrency,
      processStride,
      seed: options.seed + i,
      done,
      connectTimeoutMs: 2_000,
      opTimeoutMs: options.opTimeoutMs ?? 3_000,
      thinkMsMax: 5,
    }),
  );
  const nemesisErrors = runSchedule(ctx, windows, done);
  const counts = await Promise.all(clientRuns);
  const errors = await nemesisErrors;
  recorder.nemesis('start', { kind: 'heal', description: 'heal everything' });
  await healAll(ctx, { clocks: options.nemeses.includes('clock') }).catch((e: unknown) => void errors.push(`heal all: ${String(e)}`));
  recorder.nemesis('stop', { kind: 'heal', description: 'heal everything' });
  await sleep(options.healMs ?? 2_000);
  const finalProcessBase = 1_000_000;
  for (const [i, workload] of workloads.entries()) {
    for (const [j, spec] of workload.finalOps().entries()) {
      const ok = await runFinal(workload, recorder, endpoints[0] as Endpoint, finalProcessBase + i * 1000 + j * 100, spec, counts[i] as ClientCounts);
      if (!ok) errors.push(`final ${spec.f} of ${workload.name} never succeeded`);
    }
  }
  return { counts, errors };
}

/** Retries a final read (a fresh process each attempt) until it succeeds or 30 s pass. */
async function runFinal(workload: Workload, recorder: HistoryRecorder, endpoint: Endpoint, process: number, spec: Parameters<Workload['invoke']>[1], counts: ClientCounts): Promise<boolean> {
  const deadline = Date.now() + 30_000;
  for (let attempt = 0; Date.now() < deadline; attempt++) {
    const conn = await tryConnect(endpoint, 2_000, 10_000);
    if (conn === null) {
      await sleep(250);
      continue;
    }
    const outcome = await runOne({ workload, recorder }, conn, endpoint, process + attempt, spec);
    await conn.close();
    counts[outcome]++;
    if (outcome === 'ok') return true;
    await sleep(250);
  }
  return false;
}

/** Runs a workload's setup, retrying while the node is still coming up. */
async function setupWorkload(workload: Workload, endpoint: Endpoint): Promise<void> {
  let lastError: unknown = null;
  for (let attempt = 0; attempt < 10; attempt++) {
    const conn: SqlConnection | null = await tryConnect(endpoint, 5_000, 20_000);
    if (conn !== null) {
      try {
        await workload.setup(conn);
        return;
      } catch (error) {
        lastError = error;
      } finally {
        await conn.close();
      }
    }
    await sleep(500);
  }
  throw new Error(`setup of ${workload.name} failed: ${String(lastError)}`);
}

function checkWorkload(workload: Workload, recorder: HistoryRecorder, counts: ClientCounts): WorkloadResult {
  const history = workloadHistory(recorder.history(), workload.name);
  const checked = workload.check(history);
  return {
    workload: workload.name,
    valid: checked.valid,
    counts: { ...counts },
    anomalies: trimAnomalies(checked.anomalies),
    offendingOps: offendingOps(history, checked.anomalies),
    details: checked.details,
  };
}

/** A seed from the clock, for runs without --seed. */
export function randomSeed(): number {
  return new SeededRandom(Date.now() >>> 0).int(1_000_000);
}
