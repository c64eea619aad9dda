/**
 * N database nodes, each a real process in its own network namespace, with the controls the
 * nemeses use: kill -9 and restart, SIGSTOP/SIGCONT, a libfaketime clock file per node, and
 * iptables inside a node's namespace. `stop` removes every process, namespace, link and
 * temp folder it made, and the exit guard does the same if the harness dies first.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { createWriteStream, mkdirSync, rmSync, writeFileSync, type WriteStream } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { assert } from '../../src/base/assert.js';
import { onExitUndo } from './exit-guard.js';
import { assertHarnessTarget, resourcePrefix, type NodeNumber } from './names.js';
import { createNetwork, type Network } from './netns.js';
import type { NodeProgram } from './node-program.js';
import { faketimeLibraryPath } from './preflight.js';

/** Options of `Cluster.start`. */
export interface ClusterOptions {
  readonly nodeCount: number;
  readonly program: NodeProgram;
  /** Where node logs go (`n<i>.log`). */
  readonly logDir: string;
  /** Preload libfaketime into every node so the clock nemesis can move its clock. */
  readonly faketime: boolean;
  /** How long a node may take to print its ready line. */
  readonly startTimeoutMs?: number;
}

/** A cluster failed to start; everything it had made is removed by then. */
export class ClusterStartError extends Error {
  override readonly name = 'ClusterStartError';
  constructor(
    readonly runId: string,
    cause: unknown,
  ) {
    super(`cluster ${runId} failed to start: ${cause instanceof Error ? cause.message : String(cause)}`, { cause });
  }
}

/** Process state of a node, as the harness last left it. */
export type NodeState = 'down' | 'running' | 'paused';

/** One node of the cluster. */
export interface ClusterNode {
  readonly n: NodeNumber;
  readonly namespace: string;
  readonly address: string;
  readonly sqlPort: number;
  readonly dataDir: string;
  /** libfaketime's timestamp file (re-read on every clock call: FAKETIME_NO_CACHE=1). */
  readonly clockFile: string;
  state: NodeState;
  pid: number | null;
}

const startTimeoutMsDefault = 60_000;
const stopTimeoutMs = 10_000;

/** A running cluster. */
export class Cluster {
  private readonly children = new Map<NodeNumber, { child: ChildProcess; exited: Promise<void>; log: WriteStream; unregister: () => void }>();
  private stopped = false;

  private constructor(
    readonly network: Network,
    readonly nodes: readonly ClusterNode[],
    private readonly options: ClusterOptions,
    readonly workDir: string,
    private readonly unregisterWorkDir: () => void,
  ) {}

  /** Creates the network and starts every node; tears everything down if any step fails. */
  static async start(options: ClusterOptions): Promise<Cluster> {
    assert(options.nodeCount >= 1 && options.nodeCount <= 9, 'node count in 1..9');
    if (options.faketime) assert(faketimeLibraryPath() !== null, 'libfaketime is not installed (Debian package faketime)');
    mkdirSync(options.logDir, { recursive: true });
    const network = createNetwork(options.nodeCount);
    const workDir = join(tmpdir(), `${resourcePrefix}${network.names.runId}`);
    const unregisterWorkDir = onExitUndo(`folder ${workDir}`, () => rmSync(workDir, { recursive: true, force: true }));
    const nodes = network.nodes.map((nn): ClusterNode => ({
      n: nn.n,
      namespace: nn.namespace,
      address: nn.address,
      sqlPort: options.program.sqlPort,
      dataDir: join(workDir, `n${nn.n}`),
      clockFile: join(workDir, `n${nn.n}.faketime`),
      state: 'down',
      pid: null,
    }));
    const cluster = new Cluster(network, nodes, options, workDir, unregisterWorkDir);
    try {
      for (const node of nodes) {
        mkdirSync(node.dataDir, { recursive: true });
        writeFileSync(node.clockFile, '+0\n');
      }
      await Promise.all(nodes.map((node) => cluster.startNode(node.n)));
      return cluster;
    } catch (error) {
      await cluster.stop();
      throw new ClusterStartError(network.names.runId, error);
    }
  }

  /** Node `n` (1-based). */
  node(n: NodeNumber): ClusterNode {
    const node = this.nodes[n - 1];
    assert(node !== undefined && node.n === n, `no node ${n}`);
    return node;
  }

  /** Starts node `n`'s process and waits until it serves SQL. */
  async startNode(n: NodeNumber): Promise<void> {
    const node = this.node(n);
    assert(node.state === 'down', `node ${n} is already running`);
    const { file, args, env } = this.options.program.command({
      n,
      address: node.address,
      dataDir: node.dataDir,
      peers: this.nodes.map((x) => x.address),
    });
    const envArgs = Object.entries({ ...env, ...this.faketimeEnv(node) }).map(([k, v]) => `${k}=${v}`);
    const child = spawn('ip', ['netns', 'exec', node.namespace, 'env', ...envArgs, file, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
    assert(child.pid !== undefined, 'spawn gave no pid');
    const pid = child.pid;
    const log = createWriteStream(join(this.options.logDir, `n${n}.log`), { flags: 'a' });
    log.write(`--- ${new Date().toISOString()} harness starts node ${n} (pid ${pid})\n`);
    child.stdout?.pipe(log, { end: false });
    child.stderr?.pipe(log, { end: false });
    const exited = new Promise<void>((done) => child.once('exit', () => done()));
    const unregister = onExitUndo(`node ${n} pid ${pid}`, () => killQuietly(pid, 'SIGKILL'));
    this.children.set(n, { child, exited, log, unregister });
    node.pid = pid;
    node.state = 'running';
    exited.then(() => this.onExit(n, child));
    await this.waitReady(node, child);
  }

  /** kill -9 node `n` and waits until the process is gone. */
  async kill(n: NodeNumber): Promise<void> {
    const entry = this.children.get(n);
    if (entry === undefined) return;
    killQuietly(entry.child.pid, 'SIGKILL');
    await entry.exited;
  }

  /** Stops node `n` gracefully (SIGTERM), falling back to SIGKILL after a while. */
  async stopNode(n: NodeNumber): Promise<void> {
    const entry = this.children.get(n);
    if (entry === undefined) return;
    killQuietly(entry.child.pid, 'SIGCONT');
    killQuietly(entry.child.pid, 'SIGTERM');
    const timer = setTimeout(() => killQuietly(entry.child.pid, 'SIGKILL'), stopTimeoutMs);
    await entry.exited;
    clearTimeout(timer);
  }

  /** SIGSTOP: the process stays, its sockets stay open, nothing answers. */
  pause(n: NodeNumber): void {
    const node = this.node(n);
    if (node.state !== 'running' || node.pid === null) return;
    killQuietly(node.pid, 'SIGSTOP');
    node.state = 'paused';
  }

  /** SIGCONT after `pause`. */
  resume(n: NodeNumber): void {
    const node = this.node(n);
    if (node.state !== 'paused' || node.pid === null) return;
    killQuietly(node.pid, 'SIGCONT');
    node.state = 'running';
  }

  /**
   * Sets node `n`'s clock, as a libfaketime spec: `+0` (real time), `+120s`, `-5s`,
   * `+0 x1.5` (runs 1.5× fast). Takes effect on the node's next clock read.
   */
  setClock(n: NodeNumber, spec: string): void {
    assert(this.options.faketime, 'the cluster was started without libfaketime');
    assert(/^[+-]\d+(\.\d+)?[smhd]?( x\d+(\.\d+)?)?$/.test(spec), `not a libfaketime offset spec: ${spec}`);
    writeFileSync(this.node(n).clockFile, spec + '\n');
  }

  /** Runs `iptables -w args…` inside node `n`'s namespace. */
  async iptables(n: NodeNumber, args: readonly string[]): Promise<string> {
    return this.network.execIn(n, 'iptables', ['-w', ...args]);
  }

  /** Stops every node (gracefully, then by force), removes the network and temp folder. */
  async stop(options: { keepData?: boolean } = {}): Promise<void> {
    if (this.stopped) return;
    this.stopped = true;
    try {
      await Promise.all([...this.children.keys()].map((n) => this.stopNode(n)));
    } finally {
      this.network.destroy();
      if (options.keepData !== true) rmSync(this.workDir, { recursive: true, force: true });
      this.unregisterWorkDir();
    }
  }

  private faketimeEnv(node: ClusterNode): Record<string, string> {
    if (!this.options.faketime) return {};
    return {
      LD_PRELOAD: faketimeLibraryPath() ?? '',
      FAKETIME_TIMESTAMP_FILE: node.clockFile,
      FAKETIME_NO_CACHE: '1',
      // Only the wall clock moves; timers and timeouts run on the real monotonic clock.
      FAKETIME_DONT_FAKE_MONOTONIC: '1',
    };
  }

  private onExit(n: NodeNumber, child: ChildProcess): void {
    const entry = this.children.get(n);
    if (entry === undefined || entry.child !== child) return;
    entry.log.write(`--- ${new Date().toISOString()} node ${n} exited (code ${child.exitCode}, signal ${child.signalCode})\n`);
    entry.log.end();
    entry.unregister();
    this.children.delete(n);
    const node = this.node(n);
    node.state = 'down';
    node.pid = null;
  }

  private async waitReady(node: ClusterNode, child: ChildProcess): Promise<void> {
    const timeoutMs = this.options.startTimeoutMs ?? startTimeoutMsDefault;
    let seen = '';
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => finish(new Error(`node ${node.n} did not print ${this.options.program.readyPattern} within ${timeoutMs} ms`)), timeoutMs);
      const onData = (chunk: Buffer): void => {
        seen = (seen + chunk.toString('utf8')).slice(-4096);
        if (this.options.program.readyPattern.test(seen)) finish(null);
      };
      const onExit = (): void => finish(new Error(`node ${node.n} exited before it was ready (code ${child.exitCode}, signal ${child.signalCode}); see n${node.n}.log`));
      const finish = (error: Error | null): void => {
        clearTimeout(timer);
        child.stdout?.off('data', onData);
        child.off('exit', onExit);
        if (error === null) resolve();
        else reject(error);
      };
      child.stdout?.on('data', onData);
      child.once('exit', onExit);
    });
    await waitForPort(node.address, node.sqlPort, timeoutMs);
  }
}

/** Resolves once a TCP connection to `host:port` succeeds; rejects after `timeoutMs`. */
export async function waitForPort(host: string, port: number, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if ((await tcpProbe(host, port, 1_000)) === 'open') return;
    if (Date.now() > deadline) throw new Error(`${host}:${port} does not accept connections`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** One TCP connect attempt: open, refused (RST), or timeout (no answer). */
export function tcpProbe(host: string, port: number, timeoutMs: number): Promise<'open' | 'refused' | 'timeout' | 'error'> {
  assertHarnessTarget(host);
  return new Promise((resolve) => {
    const socket = connect({ host, port });
    const done = (outcome: 'open' | 'refused' | 'timeout' | 'error'): void => {
      clearTimeout(timer);
      socket.destroy();
      resolve(outcome);
    };
    const timer = setTimeout(() => done('timeout'), timeoutMs);
    socket.once('connect', () => done('open'));
    socket.once('error', (e: NodeJS.ErrnoException) => done(e.code === 'ECONNREFUSED' ? 'refused' : 'error'));
  });
}

function killQuietly(pid: number | undefined, signal: NodeJS.Signals): void {
  if (pid === undefined) return;
  try {
    process.kill(pid, signal);
  } catch {
    // already gone
  }
}
