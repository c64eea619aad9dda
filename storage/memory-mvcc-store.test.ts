// Runs the shared MvccEngine contract against the in-memory twin, and against the engine on
// the deferred simulator table flushed once per macrotask (durable-only reads, like LMDB).
import { createMemoryMvccStore } from './memory-mvcc-store.js';
import { createMvccEngine } from './mvcc-store-core.js';
import { createDeferredMemoryKv } from './ordered-kv.js';
import { describeMvccContract } from './test-support/mvcc-contract.js';

describeMvccContract('memory', () => Promise.resolve(createMemoryMvccStore()), 200);

describeMvccContract(
  'deferred memory',
  () => {
    const disk = createDeferredMemoryKv();
    const timer = setInterval(() => disk.flush(), 0);
    return Promise.resolve(createMvccEngine(disk.kv, () => Promise.resolve(clearInterval(timer))));
  },
  50,
);
