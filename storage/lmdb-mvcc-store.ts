/** The MVCC engine on LMDB files: `createMvccEngine` over one table of an LMDB environment. */
import type { MvccEngine } from './engine.js';
import { openLmdbEnv, type LmdbEnv } from './lmdb-env.js';
import { createMvccEngine } from './mvcc-store-core.js';

/** Table name of the MVCC keyspace inside an environment. */
export const MVCC_TABLE = 'mvcc';

/** An MVCC engine on LMDB, with its environment (to share group commits with a Raft log). */
export type LmdbMvccStore = MvccEngine & { readonly env: LmdbEnv };

/**
 * Opens the MVCC store in the LMDB environment at `options.path` (a directory), or in `env`
 * when given (then `close` leaves the environment open for its other users).
 */
export async function openLmdbMvccStore(options: { readonly path: string; readonly env?: LmdbEnv }): Promise<LmdbMvccStore> {
  const ownsEnv = options.env === undefined;
  const env = options.env ?? openLmdbEnv({ path: options.path });
  const engine = createMvccEngine(env.table(MVCC_TABLE), async () => {
    if (ownsEnv) await env.close();
  });
  return Object.assign(engine, { env });
}
