/**
 * Proves the latency proxy forwards bytes unchanged and in order in both directions, adds at
 * least its delay each way (a round trip through a 150 ms proxy takes at least 300 ms), and
 * that changing the delay takes effect on open connections. Loopback only.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { connect, createServer, type AddressInfo, type Server } from 'node:net';
import { LatencyProxy } from './latency-proxy.js';

let echo: Server | null = null;
let proxy: LatencyProxy | null = null;

afterEach(async () => {
  await proxy?.close();
  await new Promise<void>((r) => (echo === null ? r() : echo.close(() => r())));
  proxy = null;
  echo = null;
});

async function startEcho(): Promise<number> {
  echo = createServer((s) => s.pipe(s));
  await new Promise<void>((r) => echo?.listen(0, '127.0.0.1', () => r()));
  return (echo.address() as AddressInfo).port;
}

function roundTrip(port: number, payload: Buffer): Promise<{ data: Buffer; ms: number }> {
  return new Promise((resolve, reject) => {
    const start = performance.now();
    const chunks: Buffer[] = [];
    let got = 0;
    const s = connect({ host: '127.0.0.1', port }, () => {
      // Many small writes: order must survive the proxy's per-chunk delays.
      for (let i = 0; i < payload.length; i += 100) s.write(payload.subarray(i, i + 100));
    });
    s.on('data', (d: Buffer) => {
      chunks.push(d);
      got += d.length;
      if (got >= payload.length) {
        s.end();
        resolve({ data: Buffer.concat(chunks), ms: performance.now() - start });
      }
    });
    s.on('error', reject);
  });
}

describe('latency proxy', () => {
  it('adds the delay in each direction and keeps bytes in order', async () => {
    const port = await startEcho();
    proxy = await LatencyProxy.start({ listenHost: '127.0.0.1', listenPort: 0, targetHost: '127.0.0.1', targetPort: port, delayMs: 150 });
    const payload = Buffer.from(Array.from({ length: 5_000 }, (_, i) => i % 251));
    const slow = await roundTrip(proxy.port, payload);
    expect(slow.data.equals(payload)).toBe(true);
    expect(slow.ms).toBeGreaterThanOrEqual(295);
    proxy.setDelay(0);
    const fast = await roundTrip(proxy.port, payload);
    expect(fast.data.equals(payload)).toBe(true);
    expect(fast.ms).toBeLessThan(slow.ms);
  });

  it('refuses targets outside loopback and live harness networks', async () => {
    await expect(LatencyProxy.start({ listenHost: '127.0.0.1', listenPort: 0, targetHost: '10.213.250.11', targetPort: 1 })).rejects.toThrow(/refusing to send traffic/);
  });
});
