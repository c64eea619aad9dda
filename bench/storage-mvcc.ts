/**
 * Storage benchmark: MVCC point get vs a raw LMDB get, MVCC scan rows/s (plain and with a
 * pushed-down filter), and durable Raft log appends/s with 1, 8 and 64 concurrent appenders
 * (each appender its own Raft group, as on a multi-Raft node). Runs in a temporary directory
 * on the machine's disk (or in `workDir`) and removes it; `logCpu…PerAppendUs` is the process CPU
 * time per append, the figure that disk noise hardly moves. Figures are named camelCase with
 * their unit last (`…PerSec`), as `bench/module-bench.ts` reads them.
 * Standalone: `node dist/bench/storage-mvcc.js`; through the harness: `npm run bench -- storage`.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { SeededRandom } from '../src/base/clock.js';
import { logIndex, logStreamId, term, timestamp } from '../src/base/ids.js';
import { encodeKey } from '../storage/key-codec.js';
import { openLmdbEnv, type LmdbEnv } from '../storage/lmdb-env.js';
import { openLmdbMvccStore } from '../storage/lmdb-mvcc-store.js';
import { openLmdbRaftLogStore, type LmdbRaftLogStore } from '../storage/lmdb-raft-log-store.js';

const ROWS = 20_000;
const GETS = 100_000;
const SCANS = 5;
const APPEND_SEC_DEFAULT = 1;

/** What the bench harness may pass (a subset of its ModuleBenchOptions). */
export interface StorageBenchOptions {
  /** Scratch folder; a temporary one when absent. */
  readonly workDir?: string;
  /** Seconds each append measurement runs (default 1). */
  readonly timeSec?: number;
}

const rowKey = (i: number): Uint8Array => encodeKey([{ kind: 'int', value: 7n }, { kind: 'int', value: BigInt(i) }]);
const rowValue = (i: number): Uint8Array => new TextEncoder().encode(`row-${i}-${'v'.repeat(80)}`);

/** Runs every measurement; returns figures keyed by name (units in the names). */
export async function runStorageBench(options: StorageBenchOptions = {}): Promise<Record<string, number>> {
  const dir = mkdtempSync(join(options.workDir ?? tmpdir(), 'atoll-bench-storage-'));
  const env = openLmdbEnv({ path: dir });
  try {
    const reads = await benchReads(env);
    const appends = await benchAppends(env, (options.timeSec ?? APPEND_SEC_DEFAULT) * 1000);
    return { ...reads, mvccGetToRawRatio: Math.round((reads['mvccPointGetsPerSec']! / reads['rawLmdbGetsPerSec']!) * 100) / 100, ...appends };
  } finally {
    await env.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

async function benchReads(env: LmdbEnv): Promise<Record<string, number>> {
  const mvcc = await openLmdbMvccStore({ path: env.path, env });
  const raw = env.table('bench-raw');
  const keys = Array.from({ length: ROWS }, (_, i) => rowKey(i));
  const writes = keys.map((key, i) => ({ key, value: rowValue(i) }));
  await mvcc.commit(writes, timestamp(1n));
  // A second version on every tenth row, so gets and scans skip versions too.
  await mvcc.commit(writes.filter((_, i) => i % 10 === 0), timestamp(2n));
  await raw.write(writes.map((w) => ({ op: 'put' as const, key: w.key, value: w.value })));
  const random = new SeededRandom(1);
  const order = Array.from({ length: GETS }, () => keys[random.int(ROWS)]!);
  const readTs = timestamp(5n);
  const out: Record<string, number> = {};
  out['mvccPointGetsPerSec'] = rate(GETS, () => {
    for (const k of order) if (mvcc.get(k, readTs) === undefined) throw new Error('missing row');
  });
  out['rawLmdbGetsPerSec'] = rate(GETS, () => {
    for (const k of order) if (raw.get(k) === undefined) throw new Error('missing row');
  });
  const all = { start: rowKey(0) };
  out['mvccScanRowsPerSec'] = rate(SCANS * ROWS, () => {
    for (let i = 0; i < SCANS; i++) if ([...mvcc.scan(all, readTs)].length !== ROWS) throw new Error('short scan');
  });
  out['mvccFilteredScanRowsPerSec'] = rate(SCANS * ROWS, () => {
    for (let i = 0; i < SCANS; i++) mvcc.scanWith(all, readTs, { filter: (_k, v) => v[5] === 0x39, project: (k) => k });
  });
  return out;
}

async function benchAppends(env: LmdbEnv, windowMs: number): Promise<Record<string, number>> {
  const log = openLmdbRaftLogStore({ path: env.path, env });
  try {
    return await measureAppends(log, env, windowMs);
  } finally {
    await log.close(); // stops the journal's checkpoint timer before the environment closes
  }
}

async function measureAppends(log: LmdbRaftLogStore, env: LmdbEnv, windowMs: number): Promise<Record<string, number>> {
  const out: Record<string, number> = {};
  const data = new Uint8Array(128).fill(7);
  let groupBase = 0;
  for (const appenders of [1, 8, 64]) {
    const commitsBefore = env.groupCommits;
    const cpuBefore = process.cpuUsage();
    let appended = 0;
    const deadline = performance.now() + windowMs;
    const started = performance.now();
    await Promise.all(
      Array.from({ length: appenders }, async (_, a) => {
        const group = logStreamId(groupBase + a + 1);
        for (let index = 1; performance.now() < deadline; index++) {
          await log.append(group, [{ index: logIndex(index), term: term(1), data }]);
          appended++;
        }
      }),
    );
    const seconds = (performance.now() - started) / 1000;
    out[`logAppends${appenders}xPerSec`] = Math.round(appended / seconds);
    out[`logFsyncs${appenders}xPerSec`] = Math.round((env.groupCommits - commitsBefore) / seconds);
    // Process CPU (user + system, fsync syscalls included) per append: unlike appends/s it
    // barely moves with how slow the shared disk is today.
    const cpu = process.cpuUsage(cpuBefore);
    out[`logCpu${appenders}xPerAppendUs`] = Math.round(((cpu.user + cpu.system) / Math.max(1, appended)) * 10) / 10;
    groupBase += appenders;
  }
  return out;
}

function rate(operations: number, body: () => void): number {
  body(); // warm up
  const started = performance.now();
  body();
  return Math.round(operations / ((performance.now() - started) / 1000));
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const figures = await runStorageBench();
  process.stdout.write(JSON.stringify(figures, null, 2) + '\n');
}
