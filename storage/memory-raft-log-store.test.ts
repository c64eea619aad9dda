// Runs the shared RaftLogStore contract against the in-memory twin, and against the deferred
// simulator table with its queue flushed at every await (so queued-write validation is used).
import { createDeferredMemoryKv } from './ordered-kv.js';
import { createMemoryRaftLogStore, createRaftLogStore } from './raft-log-store.js';
import { describeRaftLogContract } from './test-support/raft-log-contract.js';

describeRaftLogContract('memory', () => Promise.resolve({ store: createMemoryRaftLogStore(), close: () => Promise.resolve() }), 300);

describeRaftLogContract(
  'deferred memory',
  () => {
    const disk = createDeferredMemoryKv();
    // Flush the simulated disk on every macrotask, as LMDB's group commit does per loop turn.
    const timer = setInterval(() => disk.flush(), 0);
    return Promise.resolve({ store: createRaftLogStore(disk.kv), close: () => Promise.resolve(clearInterval(timer)) });
  },
  100,
);
