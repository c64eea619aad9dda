/**
 * The child of the strace durability test: makes COMMITS MVCC commits and Raft appends one
 * after another, and after each resolved writes `ACK <n>` to stderr, so the trace shows
 * whether an fdatasync of data.mdb came between the write and its acknowledgement.
 *
 * Usage: node fsync-child.mjs <path>
 */
import { writeSync } from 'node:fs';
import { logIndex, logStreamId, term, timestamp } from '../../src/base/ids.js';
import { openLmdbEnv } from '../lmdb-env.js';
import { openLmdbMvccStore } from '../lmdb-mvcc-store.js';
import { openLmdbRaftLogStore } from '../lmdb-raft-log-store.js';

const COMMITS = 5;

async function main(path: string): Promise<void> {
  const env = openLmdbEnv({ path });
  const mvcc = await openLmdbMvccStore({ path, env });
  const log = openLmdbRaftLogStore({ path, env });
  writeSync(2, 'START\n');
  for (let n = 1; n <= COMMITS; n++) {
    await mvcc.commit([{ key: Uint8Array.of(n), value: Uint8Array.of(n, n) }], timestamp(BigInt(n)));
    writeSync(2, `ACK mvcc ${n}\n`);
    await log.append(logStreamId(1), [{ index: logIndex(n), term: term(1), data: Uint8Array.of(n) }]);
    writeSync(2, `ACK log ${n}\n`);
  }
  await env.close();
}

void main(process.argv[2]!);
