/**
 * The child process of the SIGKILL crash test: it commits MVCC transactions and appends Raft
 * log entries (three groups) in one LMDB environment as fast as it can, a few in flight at a
 * time, and prints `ack <ts> <group> <index>` on stdout only after both writes resolved, i.e.
 * were durable. The parent kills it with SIGKILL at a random moment and checks every ack.
 *
 * Usage: node crash-child.mjs <path>
 */
import { writeSync } from 'node:fs';
import { logIndex, logStreamId, term, timestamp } from '../../src/base/ids.js';
import { openLmdbEnv } from '../lmdb-env.js';
import { openLmdbMvccStore } from '../lmdb-mvcc-store.js';
import { openLmdbRaftLogStore } from '../lmdb-raft-log-store.js';
import { crashTestKey, crashTestValue, CRASH_TEST_GROUPS, CRASH_TEST_HOT_KEYS } from './crash-layout.js';

const IN_FLIGHT = 4;

async function main(path: string): Promise<void> {
  const env = openLmdbEnv({ path });
  const mvcc = await openLmdbMvccStore({ path, env });
  const log = openLmdbRaftLogStore({ path, env });
  let ts = mvcc.maxCommitTs() + 1n;
  const nextIndex = new Map<number, number>();
  for (let g = 1; g <= CRASH_TEST_GROUPS; g++) nextIndex.set(g, log.lastIndex(logStreamId(g)) + 1);
  const writeOne = async (): Promise<void> => {
    const at = ts++;
    const group = Number(at % BigInt(CRASH_TEST_GROUPS)) + 1;
    const index = nextIndex.get(group)!;
    nextIndex.set(group, index + 1);
    const value = crashTestValue(at);
    const committed = mvcc.commit([
      { key: crashTestKey(`c/${at}`), value },
      { key: crashTestKey(`hot/${at % BigInt(CRASH_TEST_HOT_KEYS)}`), value },
    ], timestamp(at));
    const appended = log.append(logStreamId(group), [{ index: logIndex(index), term: term(1), data: value }]);
    await Promise.all([committed, appended]);
    writeSync(1, `ack ${at} ${group} ${index}\n`);
  };
  const lanes = Array.from({ length: IN_FLIGHT }, async () => {
    for (;;) await writeOne();
  });
  await Promise.all(lanes);
}

void main(process.argv[2]!);
