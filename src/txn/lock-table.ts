/**
 * Exclusive row locks with waits, a lock wait timeout (errno 1205) and deadlock detection
 * (errno 1213), as InnoDB gives MySQL users: a second writer of a row waits for the first
 * instead of failing.
 *
 * Invariants: a key has at most one holder; a transaction waits for at most one key at a
 * time (its statements await each lock), so the wait-for graph is a set of chains and a
 * deadlock is a chain that returns to the requester.
 */
import { assert } from '../base/assert.js';
import { RetryableTxnError, SqlError } from '../base/errors.js';

/** A transaction's identity in the lock table. */
export type LockOwner = number;

interface Waiter {
  readonly owner: LockOwner;
  readonly grant: () => void;
  readonly fail: (error: Error) => void;
}

interface LockState {
  holder: LockOwner;
  readonly waiters: Waiter[];
}

/** The lock table of one node. */
export class LockTable {
  private readonly locks = new Map<string, LockState>();
  /** owner → the key it waits for (at most one). */
  private readonly waitingFor = new Map<LockOwner, string>();
  /** owner → keys it holds. */
  private readonly held = new Map<LockOwner, Set<string>>();

  constructor(private readonly lockWaitTimeoutMs: number) {}

  /** True when `owner` holds the lock on `key`. */
  holds(owner: LockOwner, key: string): boolean {
    return this.locks.get(key)?.holder === owner;
  }

  /**
   * Takes the exclusive lock on `key` for `owner`, waiting behind the holder. Rejects with
   * 1213 when waiting would close a cycle and with 1205 after the lock wait timeout.
   */
  acquire(owner: LockOwner, key: string): Promise<void> {
    const state = this.locks.get(key);
    if (state === undefined) {
      this.grant(owner, key);
      return Promise.resolve();
    }
    if (state.holder === owner) return Promise.resolve();
    if (this.wouldDeadlock(owner, state.holder)) {
      return Promise.reject(new RetryableTxnError('Deadlock found when trying to get lock; try restarting transaction'));
    }
    return new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.removeWaiter(key, waiter);
        reject(new SqlError('LOCK_WAIT_TIMEOUT', 'Lock wait timeout exceeded; try restarting transaction'));
      }, this.lockWaitTimeoutMs);
      const waiter: Waiter = {
        owner,
        grant: () => {
          clearTimeout(timer);
          resolve();
        },
        fail: (error) => {
          clearTimeout(timer);
          reject(error);
        },
      };
      state.waiters.push(waiter);
      this.waitingFor.set(owner, key);
    });
  }

  /** Releases every lock of `owner` and hands each to its first waiter. */
  releaseAll(owner: LockOwner): void {
    const keys = this.held.get(owner);
    this.held.delete(owner);
    if (keys === undefined) return;
    for (const key of keys) {
      const state = this.locks.get(key);
      assert(state !== undefined && state.holder === owner, 'released a lock that was not held');
      const next = state.waiters.shift();
      if (next === undefined) {
        this.locks.delete(key);
        continue;
      }
      this.waitingFor.delete(next.owner);
      state.holder = next.owner;
      this.heldBy(next.owner).add(key);
      next.grant();
    }
  }

  /** Number of keys locked (for metrics and tests). */
  get size(): number {
    return this.locks.size;
  }

  private grant(owner: LockOwner, key: string): void {
    this.locks.set(key, { holder: owner, waiters: [] });
    this.heldBy(owner).add(key);
  }

  private heldBy(owner: LockOwner): Set<string> {
    let keys = this.held.get(owner);
    if (keys === undefined) this.held.set(owner, (keys = new Set()));
    return keys;
  }

  /** Follows the chain holder → key it waits for → that key's holder …; a return to `owner` is a cycle. */
  private wouldDeadlock(owner: LockOwner, holder: LockOwner): boolean {
    let current: LockOwner | undefined = holder;
    for (let steps = 0; current !== undefined && steps <= this.waitingFor.size; steps++) {
      if (current === owner) return true;
      const key = this.waitingFor.get(current);
      current = key === undefined ? undefined : this.locks.get(key)?.holder;
    }
    return false;
  }

  private removeWaiter(key: string, waiter: Waiter): void {
    const state = this.locks.get(key);
    if (state === undefined) return;
    const i = state.waiters.indexOf(waiter);
    if (i >= 0) state.waiters.splice(i, 1);
    this.waitingFor.delete(waiter.owner);
  }
}
