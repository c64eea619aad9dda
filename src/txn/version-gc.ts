/**
 * Background garbage collection of MVCC versions: every turn removes, within a bounded number
 * of versions looked at, the versions that no open or future transaction can read (older than
 * the newest version at or below the safe point). Scans then stop stepping over dead versions.
 */
import type { Logger } from '../base/logger.js';
import type { MvccEngine } from '../../storage/engine.js';
import type { LocalTxnKv } from './local-txn-kv.js';

/** A running collector. */
export interface VersionGc {
  /** Stops after the turn in flight, if any. */
  stop(): Promise<void>;
}

/** Starts collecting: one bounded turn every `intervalMs`, resuming where the last turn ended. */
export function startVersionGc(options: {
  readonly store: MvccEngine;
  readonly kv: LocalTxnKv;
  readonly intervalMs: number;
  readonly versionsVisitedPerTurnMax: number;
  readonly logger: Logger;
}): VersionGc {
  let cursor: Uint8Array | undefined;
  let stopped = false;
  let inFlight: Promise<void> = Promise.resolve();
  let timer: NodeJS.Timeout | undefined;

  const turn = async (): Promise<void> => {
    const result = await options.store.gcVersions(options.kv.safePointTs(), {
      ...(cursor === undefined ? {} : { cursor }),
      versionsVisitedMax: options.versionsVisitedPerTurnMax,
    });
    cursor = result.cursor;
    if (result.versionsRemoved > 0) options.logger.debug('gc turn', { removed: result.versionsRemoved, visited: result.versionsVisited });
  };
  const schedule = (): void => {
    if (stopped) return;
    timer = setTimeout(() => {
      inFlight = turn().then(schedule, (error: unknown) => {
        options.logger.error('version gc failed', { error: String(error) });
        schedule();
      });
    }, options.intervalMs);
    timer.unref();
  };
  schedule();
  return {
    async stop() {
      stopped = true;
      if (timer !== undefined) clearTimeout(timer);
      await inFlight;
    },
  };
}
