/**
 * A user-space TCP proxy that adds latency (the kernel here has no netem): it accepts on a
 * local address, connects each client to the target, and forwards every chunk after
 * `delayMs`, in both directions, keeping byte order. The delay can change while connections
 * are open; a chunk is never sent before an earlier one of the same direction.
 */
import { createServer, connect, type AddressInfo, type Server, type Socket } from 'node:net';
import { assert } from '../../src/base/assert.js';
import { assertHarnessTarget } from '../harness/names.js';

/** Where the proxy listens and where it forwards. */
export interface LatencyProxyOptions {
  readonly listenHost: string;
  /** 0 picks a free port. */
  readonly listenPort: number;
  readonly targetHost: string;
  readonly targetPort: number;
  readonly delayMs?: number;
}

/** A running proxy. */
export class LatencyProxy {
  private delay = 0;
  private readonly sockets = new Set<Socket>();

  private constructor(
    private readonly server: Server,
    private readonly options: LatencyProxyOptions,
  ) {}

  /** Starts listening. */
  static async start(options: LatencyProxyOptions): Promise<LatencyProxy> {
    assertHarnessTarget(options.targetHost);
    const server = createServer();
    const proxy = new LatencyProxy(server, options);
    proxy.setDelay(options.delayMs ?? 0);
    server.on('connection', (client) => proxy.onConnection(client));
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(options.listenPort, options.listenHost, () => resolve());
    });
    return proxy;
  }

  /** The port clients connect to. */
  get port(): number {
    return (this.server.address() as AddressInfo).port;
  }

  /** The extra one-way delay now applied to each direction. */
  get delayMs(): number {
    return this.delay;
  }

  /** Changes the delay for chunks read from now on. */
  setDelay(delayMs: number): void {
    assert(Number.isFinite(delayMs) && delayMs >= 0 && delayMs <= 60_000, 'delay in 0..60000 ms');
    this.delay = delayMs;
  }

  /** Closes the listener and every proxied connection. */
  async close(): Promise<void> {
    for (const socket of this.sockets) socket.destroy();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private onConnection(client: Socket): void {
    const upstream = connect({ host: this.options.targetHost, port: this.options.targetPort });
    client.setNoDelay(true);
    upstream.setNoDelay(true);
    for (const s of [client, upstream]) {
      this.sockets.add(s);
      s.on('close', () => this.sockets.delete(s));
    }
    this.pipeDelayed(client, upstream);
    this.pipeDelayed(upstream, client);
  }

  /** Forwards `from` → `to`, each chunk after the current delay, in order; ends and errors propagate. */
  private pipeDelayed(from: Socket, to: Socket): void {
    // FIFO of chunks with their due times; one timer serves the head, so order is kept.
    const queue: Array<{ dueMs: number; chunk: Buffer | null }> = [];
    let timer: NodeJS.Timeout | null = null;
    const drain = (): void => {
      timer = null;
      while (queue.length > 0 && (queue[0] as { dueMs: number }).dueMs <= performance.now()) {
        const { chunk } = queue.shift() as { chunk: Buffer | null };
        if (to.destroyed) continue;
        if (chunk === null) to.end();
        else to.write(chunk);
      }
      if (queue.length > 0) timer = setTimeout(drain, Math.max(1, (queue[0] as { dueMs: number }).dueMs - performance.now()));
    };
    const enqueue = (chunk: Buffer | null): void => {
      const last = queue[queue.length - 1];
      queue.push({ dueMs: Math.max(performance.now() + this.delay, last?.dueMs ?? 0), chunk });
      if (timer === null) {
        if (this.delay === 0) drain();
        else timer = setTimeout(drain, this.delay);
      }
    };
    from.on('data', (chunk: Buffer) => enqueue(chunk));
    from.on('end', () => enqueue(null));
    from.on('error', () => to.destroy());
    from.on('close', () => {
      if (queue.length === 0 && !to.writableEnded) to.destroy();
    });
  }
}
