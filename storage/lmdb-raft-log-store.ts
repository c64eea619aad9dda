/**
 * The Raft log store on LMDB: `createRaftLogStore` over a journaled table of an LMDB
 * environment (`journaled-kv.ts`: appends are made durable as sequential journal records and
 * moved into the group-keyed table in batches, so 64 groups appending dirty a few pages a
 * commit, not 64).
 */
import { openJournaledKv, type JournalOptions } from './journaled-kv.js';
import { openLmdbEnv, type LmdbEnv } from './lmdb-env.js';
import { createRaftLogStore, type RaftLogStore } from './raft-log-store.js';

/** Table name of the Raft logs inside an environment. */
export const RAFT_LOG_TABLE = 'raft-log';
/** Table name of the Raft logs' journal. */
export const RAFT_JOURNAL_TABLE = 'raft-journal';

/** A Raft log store with its environment (shared with the MVCC store for one fsync a turn). */
export type LmdbRaftLogStore = RaftLogStore & { readonly env: LmdbEnv; close(): Promise<void> };

/** Opens the Raft log store in `env`, or in a new environment at `path` that `close` closes. */
export function openLmdbRaftLogStore(options: { readonly path: string; readonly env?: LmdbEnv; readonly journal?: JournalOptions }): LmdbRaftLogStore {
  const ownsEnv = options.env === undefined;
  const env = options.env ?? openLmdbEnv({ path: options.path });
  const kv = openJournaledKv(env.table(RAFT_LOG_TABLE), env.table(RAFT_JOURNAL_TABLE), options.journal);
  const store = createRaftLogStore(kv);
  return Object.assign(store, {
    env,
    close: async () => {
      await kv.close();
      if (ownsEnv) await env.close();
    },
  });
}
