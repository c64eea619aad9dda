// Proves durability under SIGKILL with real processes: a child writes MVCC commits and Raft
// appends and acknowledges each only after its promise resolved; the test kills it with
// SIGKILL at seeded random moments, reopens the files, and checks that every acknowledged
// write is present, commits form a gap-free sequence, logs have no holes, and every
// checksum holds. Then it restarts the child on the same files for the next round.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SeededRandom } from '../src/base/clock.js';
import { logIndex, logStreamId, timestamp } from '../src/base/ids.js';
import { openLmdbEnv } from './lmdb-env.js';
import { openLmdbMvccStore } from './lmdb-mvcc-store.js';
import { openLmdbRaftLogStore } from './lmdb-raft-log-store.js';
import { bundleChild } from './test-support/bundle-child.js';
import { crashTestKey, crashTestValue, CRASH_TEST_GROUPS, CRASH_TEST_HOT_KEYS } from './test-support/crash-layout.js';

const SEED = Number(process.env['ATOLL_CRASH_SEED'] ?? 20240611);
const ROUNDS = 6;
const root = mkdtempSync(join(tmpdir(), 'atoll-crash-'));
let childFile = '';

beforeAll(async () => {
  childFile = await bundleChild('storage/test-support/crash-child.ts', root);
});
afterAll(() => rmSync(root, { recursive: true, force: true }));

interface Ack {
  ts: bigint;
  group: number;
  index: number;
}

/** Runs the child until it has acknowledged, then kills it `killAfterMs` later. */
function runChildAndKill(path: string, killAfterMs: number): Promise<Ack[]> {
  return new Promise((resolvePromise, reject) => {
    const child = spawn(process.execPath, [childFile, path], { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    let timer: NodeJS.Timeout | undefined;
    const guard = setTimeout(() => child.kill('SIGKILL'), 10_000);
    child.stdout.on('data', (chunk: Buffer) => {
      out += chunk.toString();
      if (timer === undefined) timer = setTimeout(() => child.kill('SIGKILL'), killAfterMs);
    });
    child.stderr.on('data', (chunk: Buffer) => (err += chunk.toString()));
    child.on('error', reject);
    child.on('close', (code, signal) => {
      clearTimeout(guard);
      if (timer !== undefined) clearTimeout(timer);
      if (signal !== 'SIGKILL') return reject(new Error(`child ended ${code}/${signal}: ${err}`));
      const acks = out
        .split('\n')
        .filter((line) => line.startsWith('ack '))
        .map((line) => {
          const [, ts, group, index] = line.split(' ');
          return { ts: BigInt(ts!), group: Number(group), index: Number(index) };
        });
      resolvePromise(acks);
    });
  });
}

/** Reopens the files and checks every invariant; returns the largest commit timestamp. */
async function verify(path: string, acks: readonly Ack[]): Promise<bigint> {
  const env = openLmdbEnv({ path });
  const mvcc = await openLmdbMvccStore({ path, env });
  const log = openLmdbRaftLogStore({ path, env });
  try {
    const max = mvcc.maxCommitTs();
    for (const a of acks) expect(a.ts <= max).toBe(true);
    for (let ts = 1n; ts <= max; ts++) expect(mvcc.get(crashTestKey(`c/${ts}`), timestamp(max))).toEqual(crashTestValue(ts));
    expect(mvcc.get(crashTestKey(`c/${max + 1n}`), timestamp(max + 1n))).toBeUndefined();
    for (let h = 0n; h < BigInt(CRASH_TEST_HOT_KEYS) && h <= max; h++) {
      const newest = max - ((max - h) % BigInt(CRASH_TEST_HOT_KEYS));
      if (newest >= 1n) expect(mvcc.get(crashTestKey(`hot/${h}`), timestamp(max))).toEqual(crashTestValue(newest));
    }
    // A full scan decodes (and so checksums) every visible value.
    expect([...mvcc.scan({ start: new Uint8Array(0) }, timestamp(max))].length).toBeGreaterThanOrEqual(Number(max));
    for (let g = 1; g <= CRASH_TEST_GROUPS; g++) {
      const group = logStreamId(g);
      const entries = log.entries(group, logIndex(1), logIndex(log.lastIndex(group) + 1));
      expect(entries.map((e) => e.index)).toEqual(entries.map((_, i) => i + 1));
      for (const a of acks.filter((x) => x.group === g)) expect(entries[a.index - 1]?.data).toEqual(crashTestValue(a.ts));
    }
    return max;
  } finally {
    await mvcc.close();
    await log.close();
    await env.close();
  }
}

describe('SIGKILL crash test', () => {
  it(`keeps every acknowledged write across ${ROUNDS} kills (seed ${SEED})`, async () => {
    const random = new SeededRandom(SEED);
    const path = join(root, 'db');
    mkdirSync(path);
    let previousMax = 0n;
    let totalAcks = 0;
    for (let round = 0; round < ROUNDS; round++) {
      const acks = await runChildAndKill(path, 5 + random.int(150));
      totalAcks += acks.length;
      if (process.env["ATOLL_CRASH_VERBOSE"]) process.stderr.write(`round ${round}: ${acks.length} acks\n`);
      const max = await verify(path, acks);
      expect(max).toBeGreaterThanOrEqual(previousMax);
      previousMax = max;
    }
    expect(totalAcks).toBeGreaterThan(0);
  });
});
