/**
 * The durable log as Raft sees it: a small read-only interface the host implements (the LMDB
 * log store later, `MemoryStorage` for tests and the simulator). Raft never writes through it;
 * the host writes what a `Ready` asks for, then calls `advance`.
 */
import { assert } from '../src/base/assert.js';
import type { LogIndex, Term } from '../src/base/ids.js';
import { logIndex, term } from '../src/base/ids.js';
import type { ConfState, Entry, HardState, Snapshot } from './types.js';
import { EMPTY_CONF_STATE, EMPTY_HARD_STATE, NO_NODE, TERM_ZERO, entrySizeBytes } from './types.js';

/**
 * Read-only view of a node's durable Raft state.
 *
 * The log holds entries `firstIndex()..lastIndex()`; the entry just before `firstIndex()` is
 * covered by the latest snapshot, whose term `term(firstIndex() - 1)` must still answer.
 * Raft only asks for indexes in `[firstIndex() - 1, lastIndex()]` (terms) and
 * `[firstIndex(), lastIndex()]` (entries); an implementation may assert that.
 * Every method is synchronous and must not fail: a disk error stops the node.
 */
export interface RaftStorage {
  /** Hard state and membership as last persisted (membership from the last snapshot or conf apply). */
  initialState(): { hardState: HardState; confState: ConfState };
  /**
   * Entries in `[lo, hi)`, at least one if `lo < hi`, and no more than `bytesMax` worth beyond
   * the first. Precondition: `firstIndex() <= lo <= hi <= lastIndex() + 1`.
   */
  entries(lo: LogIndex, hi: LogIndex, bytesMax: number): Entry[];
  /** Term of entry `index`. Precondition: `firstIndex() - 1 <= index <= lastIndex()`. */
  term(index: LogIndex): Term;
  /** Index of the first entry still in the log (snapshot index + 1). */
  firstIndex(): LogIndex;
  /** Index of the last entry; `firstIndex() - 1` when the log is empty. */
  lastIndex(): LogIndex;
  /** The latest snapshot, or undefined when one is being built (Raft retries later). */
  snapshot(): Snapshot | undefined;
}

/**
 * An in-memory RaftStorage with the write methods a host needs. "Durable" here means "written
 * to this object": the simulator keeps one per node and loses everything not written on a crash.
 */
export class MemoryStorage implements RaftStorage {
  private hardState: HardState = EMPTY_HARD_STATE;
  private snap: Snapshot = {
    metadata: { index: logIndex(0), term: TERM_ZERO, confState: EMPTY_CONF_STATE },
    data: new Uint8Array(0),
  };
  /** Index and term of the last compacted entry. Invariant: compactedIndex <= snap index. */
  private compactedIndex: LogIndex = logIndex(0);
  private compactedTerm: Term = TERM_ZERO;
  /** Entries after the compacted one. Invariant: log[k].index === compactedIndex + 1 + k. */
  private log: Entry[] = [];
  /**
   * A storage for a founding member of a new group whose members are `confState`. The group
   * starts from a snapshot at index 1, term 1 holding `data` (the empty state machine): a node
   * added later receives it and so learns the founding membership.
   */
  static bootstrap(confState: ConfState, data: Uint8Array = new Uint8Array(0)): MemoryStorage {
    const storage = new MemoryStorage();
    storage.applySnapshot({ metadata: { index: logIndex(1), term: term(1), confState }, data });
    storage.hardState = { term: term(1), vote: NO_NODE, commit: logIndex(1) };
    return storage;
  }

  /**
   * The membership is the snapshot's: a host restarting on a MemoryStorage rebuilds its state
   * machine from the snapshot and re-applies later conf changes as it re-applies the log.
   */
  initialState(): { hardState: HardState; confState: ConfState } {
    return { hardState: this.hardState, confState: this.snap.metadata.confState };
  }

  entries(lo: LogIndex, hi: LogIndex, bytesMax: number): Entry[] {
    assert(lo >= this.firstIndex() && hi <= this.lastIndex() + 1 && lo <= hi, `entries [${lo},${hi}) out of range`);
    const offset = this.compactedIndex + 1;
    return limitSize(this.log.slice(lo - offset, hi - offset), bytesMax);
  }

  term(index: LogIndex): Term {
    if (index === this.compactedIndex) return this.compactedTerm;
    assert(index > this.compactedIndex && index <= this.lastIndex(), `term(${index}) out of range`);
    return this.log[index - this.compactedIndex - 1]!.term;
  }

  firstIndex(): LogIndex {
    return logIndex(this.compactedIndex + 1);
  }

  lastIndex(): LogIndex {
    return logIndex(this.compactedIndex + this.log.length);
  }

  snapshot(): Snapshot | undefined {
    return this.snap;
  }

  /** The persisted hard state (what a restarted node starts from). */
  getHardState(): HardState {
    return this.hardState;
  }

  /** Persists the hard state. */
  setHardState(hardState: HardState): void {
    assert(hardState.term >= this.hardState.term, 'term went backwards');
    this.hardState = hardState;
  }

  /**
   * Appends entries, replacing any stored entries at their indexes and after.
   * Entries at or below the compacted index are ignored.
   */
  append(entries: readonly Entry[]): void {
    if (entries.length === 0) return;
    const first = this.firstIndex();
    const live = entries.filter((e) => e.index >= first);
    if (live.length === 0) return;
    const start = live[0]!.index;
    assert(start <= this.lastIndex() + 1, `append at ${start} leaves a gap after ${this.lastIndex()}`);
    this.log.length = start - first;
    for (const e of live) this.log.push(e);
  }

  /** Replaces the whole state with a snapshot received from the leader. */
  applySnapshot(snapshot: Snapshot): void {
    assert(snapshot.metadata.index >= this.snap.metadata.index, 'snapshot out of date');
    this.snap = snapshot;
    this.compactedIndex = snapshot.metadata.index;
    this.compactedTerm = snapshot.metadata.term;
    this.log = [];
  }

  /** Takes a snapshot at applied index `index` holding the host's state `data`. */
  createSnapshot(index: LogIndex, confState: ConfState, data: Uint8Array): Snapshot {
    assert(index > this.snap.metadata.index && index <= this.lastIndex(), `snapshot at ${index} out of range`);
    this.snap = { metadata: { index, term: this.term(index), confState }, data };
    return this.snap;
  }

  /** Drops entries up to and including `index`, which the current snapshot must cover. */
  compact(index: LogIndex): void {
    assert(index <= this.snap.metadata.index, 'compact beyond the snapshot');
    if (index <= this.compactedIndex) return;
    const term = this.term(index);
    this.log = this.log.slice(index - this.compactedIndex);
    this.compactedIndex = index;
    this.compactedTerm = term;
  }
}

/** The longest prefix of `entries` within `bytesMax`, but always at least one entry. */
export function limitSize<T extends Entry>(entries: T[], bytesMax: number): T[] {
  if (entries.length === 0) return entries;
  let size = entrySizeBytes(entries[0]!);
  let count = 1;
  while (count < entries.length) {
    size += entrySizeBytes(entries[count]!);
    if (size > bytesMax) break;
    count++;
  }
  return count === entries.length ? entries : entries.slice(0, count);
}
