// Runs the shared RaftLogStore contract on LMDB files, then proves what only files show: logs
// and hard state survive a reopen, and the appends of 64 groups in one loop turn — with an
// MVCC commit in the same environment — take one LMDB transaction (one fsync).
import { afterAll, describe, expect, it } from 'vitest';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { logIndex, logStreamId, nodeId, term, timestamp } from '../src/base/ids.js';
import { openLmdbEnv } from './lmdb-env.js';
import { openLmdbMvccStore } from './lmdb-mvcc-store.js';
import { openLmdbRaftLogStore } from './lmdb-raft-log-store.js';
import { describeRaftLogContract } from './test-support/raft-log-contract.js';

const root = mkdtempSync(join(tmpdir(), 'atoll-raftlog-'));
let n = 0;
afterAll(() => rmSync(root, { recursive: true, force: true }));

describeRaftLogContract(
  'lmdb',
  () => {
    const store = openLmdbRaftLogStore({ path: join(root, `db${n++}`) });
    return Promise.resolve({ store, close: () => store.close() });
  },
  25,
);

// The same contract with the journal checkpointed after every few ops: reads then merge the
// in-memory layers with the base table at every step, and checkpoints meet appends in flight.
describeRaftLogContract(
  'lmdb, checkpointing every 3 ops',
  () => {
    const store = openLmdbRaftLogStore({ path: join(root, `db${n++}`), journal: { checkpointOpsMax: 3, checkpointIntervalMs: 1 } });
    return Promise.resolve({ store, close: () => store.close() });
  },
  25,
);

describe('LMDB Raft log store on disk', () => {
  it('keeps entries, marks and hard state across reopen', async () => {
    const path = join(root, 'reopen');
    const first = openLmdbRaftLogStore({ path });
    await first.append(logStreamId(9), [1, 2, 3].map((i) => ({ index: logIndex(i), term: term(2), data: Uint8Array.of(i) })));
    await first.compactPrefix(logStreamId(9), logIndex(1), term(2));
    await first.saveHardState(logStreamId(9), { term: term(3), vote: nodeId(1), commit: logIndex(3) });
    await first.close();
    const second = openLmdbRaftLogStore({ path });
    expect(second.firstIndex(logStreamId(9))).toBe(2);
    expect(second.lastIndex(logStreamId(9))).toBe(3);
    expect(second.entries(logStreamId(9), logIndex(2), logIndex(4)).map((e) => e.data[0])).toEqual([2, 3]);
    expect(second.hardState(logStreamId(9))).toEqual({ term: 3, vote: 1, commit: 3 });
    await second.close();
  });

  it('group-commits every group of one loop turn, MVCC included, in one transaction', async () => {
    const env = openLmdbEnv({ path: join(root, 'shared') });
    const log = openLmdbRaftLogStore({ path: env.path, env });
    const mvcc = await openLmdbMvccStore({ path: env.path, env });
    const before = env.groupCommits;
    const appends = Array.from({ length: 64 }, (_, g) => log.append(logStreamId(g + 1), [{ index: logIndex(1), term: term(1), data: Uint8Array.of(g) }]));
    await Promise.all([...appends, mvcc.commit([{ key: Uint8Array.of(1), value: Uint8Array.of(2) }], timestamp(1n))]);
    expect(env.groupCommits - before).toBe(1);
    expect(log.groups()).toHaveLength(64);
    expect(log.lastIndex(logStreamId(64))).toBe(1);
    await mvcc.close();
    await log.close();
    await env.close();
  });
});
