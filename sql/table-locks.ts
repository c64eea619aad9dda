/**
 * LOCK TABLES of one engine: which session holds which table READ or WRITE, and the waits
 * that follow from it. A READ lock lets every session read the table and none write it but
 * its holder; a WRITE lock keeps every other session out. A statement of another session
 * waits (`admit`) before it fetches anything while a lock it conflicts with is held, and
 * LOCK TABLES waits (`acquire`) for the locks it conflicts with; both give up with 1205 after
 * the lock wait timeout. Tables are named `db.table` in lower case.
 *
 * Locks are taken whole or not at all, so two LOCK TABLES never hold part of what the other
 * waits for. Not covered: a statement already compiled or running when the lock is granted finishes,
 * and DDL of another session is not held back (MySQL's metadata locks do both).
 */
import { SqlError } from '../src/base/errors.js';

export type TableLockMode = 'READ' | 'WRITE';

/** The name a table is locked under: `db.table` in lower case (names differing only in case share a lock: never too few). */
export function tableLockKey(db: string, table: string): string {
  return `${db}.${table}`.toLowerCase();
}

/** The engine's table locks. */
export class TableLockRegistry {
  /** Table → session → mode. */
  private readonly held = new Map<string, Map<number, TableLockMode>>();
  private waiters: (() => void)[] = [];

  /** True while any session holds a table lock (statements of others must then be admitted). */
  get active(): boolean {
    return this.held.size > 0;
  }

  /** Takes every lock of `wanted` for `session` at once, waiting for conflicting holders. */
  async acquire(session: number, wanted: ReadonlyMap<string, TableLockMode>, timeoutMs: number): Promise<void> {
    await this.waitUntil(() => [...wanted].every(([table, mode]) => !this.blocks(session, table, mode === 'WRITE')), timeoutMs);
    for (const [table, mode] of wanted) {
      let holders = this.held.get(table);
      if (holders === undefined) this.held.set(table, (holders = new Map()));
      holders.set(session, mode);
    }
  }

  /**
   * Waits until `session` may read `reads` and write `writes` (no other session's lock is in
   * the way); true when it had to wait.
   */
  async admit(session: number, reads: Iterable<string>, writes: Iterable<string>, timeoutMs: number): Promise<boolean> {
    const r = [...reads];
    const w = [...writes];
    const ready = (): boolean => r.every((t) => !this.blocks(session, t, false)) && w.every((t) => !this.blocks(session, t, true));
    if (ready()) return false;
    await this.waitUntil(ready, timeoutMs);
    return true;
  }

  /** Releases every lock of `session` and wakes the waiters. */
  release(session: number): void {
    let released = false;
    for (const [table, holders] of this.held) {
      if (holders.delete(session)) released = true;
      if (holders.size === 0) this.held.delete(table);
    }
    if (!released) return;
    const waiters = this.waiters;
    this.waiters = [];
    for (const wake of waiters) wake();
  }

  /** True when another session's lock on `table` stops `session` from reading it (or writing, with `write`). */
  private blocks(session: number, table: string, write: boolean): boolean {
    const holders = this.held.get(table);
    if (holders === undefined) return false;
    for (const [other, mode] of holders) if (other !== session && (write || mode === 'WRITE')) return true;
    return false;
  }

  private async waitUntil(ready: () => boolean, timeoutMs: number): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (!ready()) {
      const left = deadline - Date.now();
      if (left <= 0) throw new SqlError('LOCK_WAIT_TIMEOUT', 'Lock wait timeout exceeded; try restarting transaction');
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, Math.min(left, 2 ** 31 - 1));
        this.waiters.push(() => {
          clearTimeout(timer);
          resolve();
        });
      });
    }
  }
}
