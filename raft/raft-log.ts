/**
 * A node's view of its log: the durable part (RaftStorage) followed by the unstable part
 * (entries and possibly a snapshot received or proposed but not yet persisted by the host).
 */
import { assert } from '../src/base/assert.js';
import type { LogIndex, Term } from '../src/base/ids.js';
import { logIndex } from '../src/base/ids.js';
import type { RaftStorage } from './storage.js';
import { limitSize } from './storage.js';
import type { Entry, Snapshot } from './types.js';

/**
 * Entries and snapshot not yet handed to (or not yet persisted by) the host.
 * Invariant: entries[k].index === offset + k; with a snapshot, offset === snapshot index + 1.
 */
class Unstable {
  snapshot: Snapshot | undefined = undefined;
  entries: Entry[] = [];
  offset: LogIndex;

  constructor(offset: LogIndex) {
    this.offset = offset;
  }

  maybeFirstIndex(): LogIndex | undefined {
    return this.snapshot === undefined ? undefined : logIndex(this.snapshot.metadata.index + 1);
  }

  maybeLastIndex(): LogIndex | undefined {
    if (this.entries.length > 0) return logIndex(this.offset + this.entries.length - 1);
    return this.snapshot?.metadata.index;
  }

  maybeTerm(index: LogIndex): Term | undefined {
    if (index < this.offset) {
      const snap = this.snapshot;
      return snap !== undefined && snap.metadata.index === index ? snap.metadata.term : undefined;
    }
    const last = this.maybeLastIndex();
    if (last === undefined || index > last) return undefined;
    return this.entries[index - this.offset]!.term;
  }

  /** The host persisted entries up to `index` (of term `term`): drop them from here. */
  stableTo(index: LogIndex, term: Term): void {
    const t = this.maybeTerm(index);
    // If the entry was replaced since the Ready, the new one is still unstable.
    if (t === undefined || t !== term || index < this.offset) return;
    const count = index - this.offset + 1;
    this.entries = this.entries.slice(count);
    this.offset = logIndex(index + 1);
  }

  stableSnapTo(index: LogIndex): void {
    if (this.snapshot !== undefined && this.snapshot.metadata.index === index) {
      this.snapshot = undefined;
    }
  }

  restore(snapshot: Snapshot): void {
    this.offset = logIndex(snapshot.metadata.index + 1);
    this.entries = [];
    this.snapshot = snapshot;
  }

  truncateAndAppend(entries: readonly Entry[]): void {
    const first = entries[0]!.index;
    if (first === this.offset + this.entries.length) {
      this.entries.push(...entries);
    } else if (first <= this.offset) {
      // Replaces everything unstable; entries before `first` come from storage.
      this.offset = first;
      this.entries = [...entries];
    } else {
      this.entries = [...this.entries.slice(0, first - this.offset), ...entries];
    }
  }
}

/** The log of one node. Invariant: applied <= committed <= lastIndex. */
export class RaftLog {
  readonly storage: RaftStorage;
  readonly unstable: Unstable;
  /** Highest index known to be stored on a quorum. */
  committed: LogIndex;
  /** Highest index the host reported applied (in `advance`). Invariant: applied <= committed. */
  applied: LogIndex;
  /**
   * Highest index handed to the host in a Ready's committedEntries. Above `applied` exactly
   * while the host is applying those entries (between `ready()` and `advance()`).
   * Invariant: applied <= applying.
   */
  applying: LogIndex;
  /** Bytes of entries per Ready's committedEntries, beyond the first. */
  private readonly applyBytesMax: number;

  constructor(storage: RaftStorage, applyBytesMax: number) {
    this.storage = storage;
    this.applyBytesMax = applyBytesMax;
    const first = storage.firstIndex();
    this.unstable = new Unstable(logIndex(storage.lastIndex() + 1));
    this.committed = logIndex(first - 1);
    this.applied = logIndex(first - 1);
    this.applying = this.applied;
  }

  firstIndex(): LogIndex {
    return this.unstable.maybeFirstIndex() ?? this.storage.firstIndex();
  }

  lastIndex(): LogIndex {
    return this.unstable.maybeLastIndex() ?? this.storage.lastIndex();
  }

  lastTerm(): Term {
    const t = this.term(this.lastIndex());
    assert(t !== undefined, 'last term unknown');
    return t;
  }

  /** Term of entry `index`, or undefined when compacted or beyond the end. */
  term(index: LogIndex): Term | undefined {
    const unstableTerm = this.unstable.maybeTerm(index);
    if (unstableTerm !== undefined) return unstableTerm;
    if (index < this.storage.firstIndex() - 1 || index > this.storage.lastIndex()) return undefined;
    // Storage entries at or after the unstable offset have been replaced by unstable ones.
    if (index >= this.unstable.offset) return undefined;
    return this.storage.term(index);
  }

  matchTerm(index: LogIndex, term: Term): boolean {
    return this.term(index) === term;
  }

  /**
   * Appends the leader's entries after (index, logTerm) if they match; returns the new last
   * index, or undefined on a mismatch. Conflicting entries are replaced, never committed ones.
   */
  maybeAppend(index: LogIndex, logTerm: Term, committed: LogIndex, entries: readonly Entry[]): LogIndex | undefined {
    if (!this.matchTerm(index, logTerm)) return undefined;
    const lastNew = logIndex(index + entries.length);
    const conflict = this.findConflict(entries);
    if (conflict !== undefined) {
      assert(conflict > this.committed, `entry ${conflict} conflicts with committed ${this.committed}`);
      this.append(entries.slice(conflict - (index + 1)));
    }
    this.commitTo(logIndex(Math.min(committed, lastNew)));
    return lastNew;
  }

  /** Appends entries after lastIndex or replacing a suffix; returns the new last index. */
  append(entries: readonly Entry[]): LogIndex {
    if (entries.length === 0) return this.lastIndex();
    const after = entries[0]!.index - 1;
    assert(after >= this.committed, `append after ${after} would overwrite committed ${this.committed}`);
    this.unstable.truncateAndAppend(entries);
    return this.lastIndex();
  }

  /** First index whose entry differs from ours (new entries count as differing), if any. */
  findConflict(entries: readonly Entry[]): LogIndex | undefined {
    for (const e of entries) {
      if (!this.matchTerm(e.index, e.term)) return e.index;
    }
    return undefined;
  }

  /**
   * For a rejected append at (index, term): the largest index <= index whose term <= term,
   * which lets the leader skip a whole run of conflicting entries in one round trip.
   */
  findConflictByTerm(index: LogIndex, term: Term): LogIndex {
    let i = Math.min(index, this.lastIndex());
    for (; i > 0; i--) {
      const t = this.term(logIndex(i));
      if (t === undefined || t <= term) break;
    }
    return logIndex(i);
  }

  commitTo(index: LogIndex): void {
    if (index <= this.committed) return;
    assert(index <= this.lastIndex(), `commit ${index} beyond last index ${this.lastIndex()}`);
    this.committed = index;
  }

  appliedTo(index: LogIndex): void {
    assert(index <= this.committed && index >= this.applied, `applied ${index} outside [${this.applied}, ${this.committed}]`);
    this.applied = index;
    if (this.applying < index) this.applying = index;
  }

  /** The host was handed committed entries up to `index` to apply. */
  acceptApplying(index: LogIndex): void {
    assert(index <= this.committed && index > this.applied, `applying ${index} outside (${this.applied}, ${this.committed}]`);
    this.applying = index;
  }

  /** True while the host applies entries handed out and not yet reported applied. */
  isApplying(): boolean {
    return this.applying > this.applied;
  }

  /** True when a candidate's last (index, term) is at least as up to date as our log. */
  isUpToDate(lastIndex: LogIndex, lastTerm: Term): boolean {
    const ourTerm = this.lastTerm();
    return lastTerm > ourTerm || (lastTerm === ourTerm && lastIndex >= this.lastIndex());
  }

  /** Entries in [lo, hi) within `bytesMax` (at least one), or undefined if lo is compacted. */
  slice(lo: LogIndex, hi: LogIndex, bytesMax: number): Entry[] | undefined {
    if (lo < this.firstIndex()) return undefined;
    assert(hi <= this.lastIndex() + 1, `slice end ${hi} beyond ${this.lastIndex() + 1}`);
    if (lo >= hi) return [];
    const out: Entry[] = [];
    const split = this.unstable.offset;
    if (lo < split) {
      const stored = this.storage.entries(lo, logIndex(Math.min(hi, split)), bytesMax);
      out.push(...stored);
      if (stored.length < Math.min(hi, split) - lo) return out;
    }
    if (hi > split) {
      const from = Math.max(lo, split) - split;
      out.push(...this.unstable.entries.slice(from, hi - split));
    }
    return limitSize(out, bytesMax);
  }

  /** Entries after `index` up to the end, within `bytesMax`; undefined if compacted. */
  entriesAfter(index: LogIndex, bytesMax: number): Entry[] | undefined {
    return this.slice(logIndex(index + 1), logIndex(this.lastIndex() + 1), bytesMax);
  }

  /** Committed entries not yet handed to the host. */
  nextCommittedEntries(): Entry[] {
    const lo = logIndex(Math.max(this.applied + 1, this.firstIndex()));
    if (this.committed < lo) return [];
    return this.slice(lo, logIndex(this.committed + 1), this.applyBytesMax) ?? [];
  }

  hasNextCommittedEntries(): boolean {
    return this.committed > Math.max(this.applied, this.firstIndex() - 1);
  }

  /** Unstable entries: what the next Ready asks the host to persist. */
  entriesToPersist(): Entry[] {
    return this.unstable.entries.slice();
  }

  /** Replaces the log with a snapshot (follower catching up); committed jumps to it. */
  restore(snapshot: Snapshot): void {
    this.committed = snapshot.metadata.index;
    this.unstable.restore(snapshot);
  }

  /** The snapshot to send to a lagging follower: unstable one first, else storage's. */
  snapshot(): Snapshot | undefined {
    return this.unstable.snapshot ?? this.storage.snapshot();
  }

  /** Index up to which this node's log is durable and matches its current view. */
  stableLastIndex(): LogIndex {
    if (this.unstable.snapshot !== undefined) return logIndex(0);
    return logIndex(Math.min(this.unstable.offset - 1, this.storage.lastIndex()));
  }
}
