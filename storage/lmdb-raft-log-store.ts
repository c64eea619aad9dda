/** The Raft log store on LMDB: `createRaftLogStore` over one table of an LMDB environment. */
import { openLmdbEnv, type LmdbEnv } from './lmdb-env.js';
import { createRaftLogStore, type RaftLogStore } from './raft-log-store.js';

/** Table name of the Raft logs inside an environment. */
export const RAFT_LOG_TABLE = 'raft-log';

/** A Raft log store with its environment (shared with the MVCC store for one fsync a turn). */
export type LmdbRaftLogStore = RaftLogStore & { readonly env: LmdbEnv; close(): Promise<void> };

/** Opens the Raft log store in `env`, or in a new environment at `path` that `close` closes. */
export function openLmdbRaftLogStore(options: { readonly path: string; readonly env?: LmdbEnv }): LmdbRaftLogStore {
  const ownsEnv = options.env === undefined;
  const env = options.env ?? openLmdbEnv({ path: options.path });
  const store = createRaftLogStore(env.table(RAFT_LOG_TABLE));
  return Object.assign(store, {
    env,
    close: async () => {
      if (ownsEnv) await env.close();
    },
  });
}
