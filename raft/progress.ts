/**
 * The leader's view of one follower: how far its log matches, what to send next and how
 * much may be in flight (flow control), as in etcd's tracker.Progress.
 */
import { assert } from '../src/base/assert.js';
import type { LogIndex } from '../src/base/ids.js';
import { logIndex } from '../src/base/ids.js';

/**
 * probe: one MsgApp per heartbeat interval until the follower's match is found.
 * replicate: pipelined MsgApps, optimistic `next`, bounded by the inflight window.
 * snapshot: a snapshot is on its way; nothing else is sent until it is reported.
 */
export type ProgressState = 'probe' | 'replicate' | 'snapshot';

/** A bounded FIFO of the last index of each MsgApp in flight, with their total bytes. */
export class Inflights {
  private readonly lastIndexes: LogIndex[] = [];
  private readonly sizes: number[] = [];
  private bytes = 0;

  constructor(
    private readonly countMax: number,
    private readonly bytesMax: number,
  ) {
    assert(countMax > 0, 'inflight count limit must be positive');
  }

  /** Records a MsgApp ending at `last` carrying `bytes`. Caller checks `full()` first. */
  add(last: LogIndex, bytes: number): void {
    assert(!this.full(), 'inflights full');
    const prev = this.lastIndexes[this.lastIndexes.length - 1];
    assert(prev === undefined || last > prev, `inflight ${last} not after ${prev}`);
    this.lastIndexes.push(last);
    this.sizes.push(bytes);
    this.bytes += bytes;
  }

  /** Frees every message ending at or before `to` (the follower acknowledged them). */
  freeLE(to: LogIndex): void {
    let n = 0;
    while (n < this.lastIndexes.length && this.lastIndexes[n]! <= to) {
      this.bytes -= this.sizes[n]!;
      n++;
    }
    this.lastIndexes.splice(0, n);
    this.sizes.splice(0, n);
  }

  /** Frees the oldest message (its answer was probably lost). */
  freeFirstOne(): void {
    if (this.lastIndexes.length === 0) return;
    this.bytes -= this.sizes[0]!;
    this.lastIndexes.shift();
    this.sizes.shift();
  }

  full(): boolean {
    return this.lastIndexes.length >= this.countMax || this.bytes >= this.bytesMax;
  }

  count(): number {
    return this.lastIndexes.length;
  }

  reset(): void {
    this.lastIndexes.length = 0;
    this.sizes.length = 0;
    this.bytes = 0;
  }
}

/** Replication progress of one peer, kept by the leader. Invariant: match < next. */
export class Progress {
  /** Highest index known to be durably replicated on the peer. */
  match: LogIndex = logIndex(0);
  /** Next index to send. */
  next: LogIndex;
  state: ProgressState = 'probe';
  /** Index of the snapshot being sent while in state snapshot. */
  pendingSnapshot: LogIndex = logIndex(0);
  /** The peer was heard from since the last check-quorum (or lease) round. */
  recentActive = false;
  /** In probe state: a MsgApp was sent and no answer came yet (wait for a heartbeat). */
  probeSent = false;
  /** Leader tick at which the newest heartbeat the peer acknowledged was sent (leases). */
  ackedLeaseTick = -1;
  readonly inflights: Inflights;
  isLearner: boolean;

  constructor(next: LogIndex, inflights: Inflights, isLearner: boolean) {
    this.next = next;
    this.inflights = inflights;
    this.isLearner = isLearner;
  }

  private resetState(state: ProgressState): void {
    this.probeSent = false;
    this.pendingSnapshot = logIndex(0);
    this.state = state;
    this.inflights.reset();
  }

  becomeProbe(): void {
    if (this.state === 'snapshot') {
      const pending = this.pendingSnapshot;
      this.resetState('probe');
      this.next = logIndex(Math.max(this.match + 1, pending + 1));
    } else {
      this.resetState('probe');
      this.next = logIndex(this.match + 1);
    }
  }

  becomeReplicate(): void {
    this.resetState('replicate');
    this.next = logIndex(this.match + 1);
  }

  becomeSnapshot(snapshotIndex: LogIndex): void {
    this.resetState('snapshot');
    this.pendingSnapshot = snapshotIndex;
  }

  /** The peer acknowledged `n`; returns true if that is news. */
  maybeUpdate(n: LogIndex): boolean {
    let updated = false;
    if (this.match < n) {
      this.match = n;
      updated = true;
      this.probeSent = false;
    }
    this.next = logIndex(Math.max(this.next, n + 1));
    return updated;
  }

  /** A MsgApp with entries up to `last` went out: advance next optimistically in replicate. */
  sentEntries(last: LogIndex, bytes: number, entryCount: number): void {
    if (this.state === 'replicate') {
      if (entryCount > 0) {
        this.next = logIndex(last + 1);
        this.inflights.add(last, bytes);
      }
    } else if (this.state === 'probe') {
      this.probeSent = true;
    }
  }

  /**
   * The peer rejected a MsgApp at `rejected` and hinted `matchHint`; returns false when the
   * rejection is stale. In replicate state `next` falls back to match + 1; in probe state it
   * jumps to the hint.
   */
  maybeDecrTo(rejected: LogIndex, matchHint: LogIndex): boolean {
    if (this.state === 'replicate') {
      if (rejected <= this.match) return false;
      this.next = logIndex(this.match + 1);
      return true;
    }
    if (this.next - 1 !== rejected) return false;
    this.next = logIndex(Math.max(Math.min(rejected, matchHint + 1), this.match + 1));
    this.probeSent = false;
    return true;
  }

  /** True when nothing more may be sent now (flow control). */
  isPaused(): boolean {
    switch (this.state) {
      case 'probe':
        return this.probeSent;
      case 'replicate':
        return this.inflights.full();
      case 'snapshot':
        return true;
    }
  }

  describe(): string {
    const flags = [this.isLearner ? ' learner' : '', this.isPaused() ? ' paused' : ''].join('');
    const snap = this.state === 'snapshot' ? ` pendingSnap=${this.pendingSnapshot}` : '';
    return `${this.state} match=${this.match} next=${this.next}${snap}${flags}`;
  }
}
