/** The in-memory twin of the LMDB MVCC store, for simulators and fast unit tests. */
import type { MvccEngine } from './engine.js';
import { createMvccEngine } from './mvcc-store-core.js';
import { createMemoryOrderedKv } from './ordered-kv.js';

/** A fresh, empty MVCC engine held in memory (same logic and layout as the LMDB store). */
export function createMemoryMvccStore(): MvccEngine {
  return createMvccEngine(createMemoryOrderedKv(), () => Promise.resolve());
}
