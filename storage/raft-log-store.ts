/**
 * Durable Raft logs of many Raft groups in one ordered table (one LMDB environment): entries,
 * hard state and the compaction mark of every group. It knows nothing of the Raft algorithm;
 * ids are plain branded numbers from src/base.
 *
 * Layout (all big-endian, every value checksummed as in `mvcc-layout.ts`):
 * - `'e' ‖ be32(group) ‖ be64(index)` → term ‖ data
 * - `'h' ‖ be32(group)`               → term ‖ vote ‖ commit
 * - `'c' ‖ be32(group)`               → compacted index ‖ its term
 *
 * Reads show durable state: a write's effect is visible once its promise resolved. Writes are
 * checked against the state after every earlier write, queued ones included, and applied in
 * call order; on LMDB every group's writes of one loop turn share one transaction and fsync.
 *
 * Invariants per group: entries are contiguous from compacted+1 to last; compacted only grows;
 * an append never reaches at or below the compaction mark.
 */
import { assert } from '../src/base/assert.js';
import type { LogIndex, LogStreamId, NodeId, Term } from '../src/base/ids.js';
import { logIndex, logStreamId, nodeId, term as asTerm } from '../src/base/ids.js';
import { readU32, writeU32 } from './big-endian.js';
import { ByteSlab } from './byte-slab.js';
import { decodeStoredValue, encodeStoredValue, sealStoredValue, STORED_VALUE_HEADER_BYTES, ValueKind } from './mvcc-layout.js';
import { createMemoryOrderedKv, type KvOp, type OrderedKv } from './ordered-kv.js';

/** One log entry as stored. */
export interface RaftLogEntry {
  readonly index: LogIndex;
  readonly term: Term;
  readonly data: Uint8Array;
}

/** What a Raft node must persist before it answers a vote or an append. */
export interface RaftHardState {
  readonly term: Term;
  /** Who this node voted for in `term`; null when it has not voted. */
  readonly vote: NodeId | null;
  readonly commit: LogIndex;
}

/** Durable Raft logs for many groups. */
export interface RaftLogStore {
  /**
   * Appends contiguous `entries`; stored entries at or after `entries[0].index` are replaced
   * (a conflicting suffix is truncated). `entries[0].index` must be in (compacted, last + 1].
   */
  append(group: LogStreamId, entries: readonly RaftLogEntry[]): Promise<void>;
  /** Removes every entry with index >= `fromIndex` (which must be above the compaction mark). */
  truncateSuffix(group: LogStreamId, fromIndex: LogIndex): Promise<void>;
  /**
   * Removes entries up to and including `throughIndex` and records (throughIndex, termAt) as the
   * compaction mark; past the last entry (a snapshot was installed) it empties the log.
   */
  compactPrefix(group: LogStreamId, throughIndex: LogIndex, termAt: Term): Promise<void>;
  /** Persists the hard state. */
  saveHardState(group: LogStreamId, state: RaftHardState): Promise<void>;
  /** The durable hard state, if one was ever saved. */
  hardState(group: LogStreamId): RaftHardState | undefined;
  /** Index of the first entry held: compaction mark + 1. */
  firstIndex(group: LogStreamId): LogIndex;
  /** Index of the last entry, or the compaction mark when no entry is held. */
  lastIndex(group: LogStreamId): LogIndex;
  /** Term of the entry at `index` (or of the compaction mark); undefined outside the log. */
  term(group: LogStreamId, index: LogIndex): Term | undefined;
  /**
   * Entries with fromIndex <= index < toIndex, stopping once `bytesMax` of data is reached
   * (at least one entry is returned when any is in range).
   */
  entries(group: LogStreamId, fromIndex: LogIndex, toIndex: LogIndex, bytesMax?: number): RaftLogEntry[];
  /** Removes everything of `group` (its replica left this node). */
  dropGroup(group: LogStreamId): Promise<void>;
  /** Every group with a log, hard state or compaction mark. */
  groups(): LogStreamId[];
}

const ENTRY = 0x65; // 'e'
const HARD = 0x68; // 'h'
const COMPACT = 0x63; // 'c'
const INDEX_MAX = Number.MAX_SAFE_INTEGER;

/** The tail of a group after every queued write: what the next write is checked against. */
interface QueuedTail {
  last: number;
  compacted: number;
}

/** A Raft log store held in memory (writes durable at once), for simulators and tests. */
export function createMemoryRaftLogStore(): RaftLogStore {
  return new OrderedKvRaftLogStore(createMemoryOrderedKv());
}

/**
 * A Raft log store on `kv`: an LMDB table, or a memory twin — `createDeferredMemoryKv()` gives
 * a simulator control over when writes become durable and what a crash loses.
 */
export function createRaftLogStore(kv: OrderedKv): RaftLogStore {
  return new OrderedKvRaftLogStore(kv);
}

class OrderedKvRaftLogStore implements RaftLogStore {
  private readonly tails = new Map<number, QueuedTail>();

  constructor(private readonly kv: OrderedKv) {}

  append(group: LogStreamId, entries: readonly RaftLogEntry[]): Promise<void> {
    assert(entries.length > 0, 'raft log: empty append');
    const tail = this.tail(group);
    const first = entries[0]!.index;
    // Messages are built only on failure: this is the per-entry hot path of every Raft group.
    if (!(first > tail.compacted && first <= tail.last + 1)) assert(false, `raft log ${group}: append at ${first} outside (${tail.compacted}, ${tail.last + 1}]`);
    const ops: KvOp[] = [];
    if (first <= tail.last) ops.push({ op: 'removeRange', start: entryKey(group, first), end: entryKey(group, INDEX_MAX) });
    for (let i = 0; i < entries.length; i++) {
      const e = entries[i]!;
      assert(e.index === first + i, 'raft log: entries not contiguous');
      assert(i === 0 || e.term >= entries[i - 1]!.term, 'raft log: terms decrease');
      ops.push(entryPut(group, e));
    }
    tail.last = entries[entries.length - 1]!.index;
    return this.kv.write(ops);
  }

  truncateSuffix(group: LogStreamId, fromIndex: LogIndex): Promise<void> {
    const tail = this.tail(group);
    assert(fromIndex > tail.compacted, `raft log ${group}: truncate at ${fromIndex} reaches the compaction mark ${tail.compacted}`);
    tail.last = Math.min(tail.last, fromIndex - 1);
    return this.kv.write([{ op: 'removeRange', start: entryKey(group, fromIndex), end: entryKey(group, INDEX_MAX) }]);
  }

  compactPrefix(group: LogStreamId, throughIndex: LogIndex, termAt: Term): Promise<void> {
    const tail = this.tail(group);
    assert(throughIndex >= tail.compacted, `raft log ${group}: compaction mark would go back`);
    tail.compacted = throughIndex;
    tail.last = Math.max(tail.last, throughIndex);
    const key = groupKey(COMPACT, group);
    return this.kv.write([
      { op: 'removeRange', start: entryKey(group, 0), end: entryKey(group, throughIndex + 1) },
      { op: 'put', key, value: encodeStoredValue(key, ValueKind.LogState, concat(u64(throughIndex), u64(termAt))) },
    ]);
  }

  saveHardState(group: LogStreamId, state: RaftHardState): Promise<void> {
    const key = groupKey(HARD, group);
    const payload = concat(concat(u64(state.term), u64(state.vote ?? 0)), u64(state.commit));
    return this.kv.write([{ op: 'put', key, value: encodeStoredValue(key, ValueKind.LogState, payload) }]);
  }

  hardState(group: LogStreamId): RaftHardState | undefined {
    const p = this.readState(groupKey(HARD, group));
    if (p === undefined) return undefined;
    const vote = readU64(p, 8);
    return { term: asTerm(readU64(p, 0)), vote: vote === 0 ? null : nodeId(vote), commit: logIndex(readU64(p, 16)) };
  }

  firstIndex(group: LogStreamId): LogIndex {
    return logIndex(this.compaction(group).index + 1);
  }

  lastIndex(group: LogStreamId): LogIndex {
    for (const e of this.kv.range(entryKey(group, 0), entryKey(group, INDEX_MAX), true)) return logIndex(entryIndex(e.key));
    return logIndex(this.compaction(group).index);
  }

  term(group: LogStreamId, index: LogIndex): Term | undefined {
    const mark = this.compaction(group);
    if (index === mark.index) return asTerm(mark.term);
    if (index < mark.index) return undefined;
    const key = entryKey(group, index);
    const stored = this.kv.get(key);
    if (stored === undefined) return undefined;
    return asTerm(readU64(decodeStoredValue(key, stored, 'raft log').payload, 0));
  }

  entries(group: LogStreamId, fromIndex: LogIndex, toIndex: LogIndex, bytesMax = Number.POSITIVE_INFINITY): RaftLogEntry[] {
    const out: RaftLogEntry[] = [];
    if (fromIndex >= toIndex) return out;
    let bytes = 0;
    let expected: number = fromIndex;
    for (const e of this.kv.range(entryKey(group, fromIndex), entryKey(group, toIndex), false)) {
      const index = entryIndex(e.key);
      assert(index === expected, `raft log ${group}: hole at ${expected}`);
      const payload = decodeStoredValue(e.key, e.value, 'raft log').payload;
      const data = new Uint8Array(payload.subarray(8));
      if (out.length > 0 && bytes + data.length > bytesMax) break;
      out.push({ index: logIndex(index), term: asTerm(readU64(payload, 0)), data });
      bytes += data.length;
      expected++;
    }
    return out;
  }

  dropGroup(group: LogStreamId): Promise<void> {
    this.tails.set(group, { last: 0, compacted: 0 });
    return this.kv.write([
      { op: 'removeRange', start: entryKey(group, 0), end: entryKey(group, INDEX_MAX) },
      { op: 'remove', key: groupKey(HARD, group) },
      { op: 'remove', key: groupKey(COMPACT, group) },
    ]);
  }

  groups(): LogStreamId[] {
    const ids = new Set<number>();
    for (const prefix of [COMPACT, ENTRY, HARD]) {
      // Hop from group to group: one read per group, not per entry.
      let from: Uint8Array = Uint8Array.of(prefix);
      for (;;) {
        let found: number | undefined;
        for (const e of this.kv.range(from, Uint8Array.of(prefix + 1), false)) {
          found = readU32(e.key, 1);
          break;
        }
        if (found === undefined) break;
        ids.add(found);
        from = groupKey(prefix, logStreamId(found + 1));
        if (found === 0xffffffff) break;
      }
    }
    return [...ids].sort((a, b) => a - b).map(logStreamId);
  }

  private tail(group: LogStreamId): QueuedTail {
    let t = this.tails.get(group);
    if (t === undefined) {
      t = { last: this.lastIndex(group), compacted: this.compaction(group).index };
      this.tails.set(group, t);
    }
    return t;
  }

  private compaction(group: LogStreamId): { index: number; term: number } {
    const p = this.readState(groupKey(COMPACT, group));
    return p === undefined ? { index: 0, term: 0 } : { index: readU64(p, 0), term: readU64(p, 8) };
  }

  private readState(key: Uint8Array): Uint8Array | undefined {
    const stored = this.kv.get(key);
    return stored === undefined ? undefined : decodeStoredValue(key, stored, 'raft state').payload;
  }
}

const GROUP_KEY_BYTES = 5;
const ENTRY_KEY_BYTES = 13;
/** Where an entry's stored value, its term and its data start in its `entryPut` allocation. */
const ENTRY_VALUE_AT = ENTRY_KEY_BYTES;
const ENTRY_TERM_AT = ENTRY_VALUE_AT + STORED_VALUE_HEADER_BYTES;
const ENTRY_DATA_AT = ENTRY_TERM_AT + 8;
const ENTRY_KEY_SPAN = { at: 0, end: ENTRY_KEY_BYTES } as const;
/** Where appended entries are encoded: see `byte-slab.ts` for why not one array each. */
const entrySlab = new ByteSlab();

function checkGroup(group: LogStreamId): void {
  if (!(Number.isInteger(group) && group >= 0 && group <= 0xffffffff)) assert(false, `raft log: bad group ${group}`);
}

function groupKey(prefix: number, group: LogStreamId): Uint8Array {
  checkGroup(group);
  const out = new Uint8Array(GROUP_KEY_BYTES);
  out[0] = prefix;
  writeU32(out, 1, group);
  return out;
}

function entryKey(group: LogStreamId, index: number): Uint8Array {
  const out = new Uint8Array(ENTRY_KEY_BYTES);
  writeEntryKey(out, group, index);
  return out;
}

function writeEntryKey(out: Uint8Array, group: LogStreamId, index: number): void {
  checkGroup(group);
  if (!(Number.isSafeInteger(index) && index >= 0)) assert(false, `raft log: bad index ${index}`);
  out[0] = ENTRY;
  writeU32(out, 1, group);
  writeU64(out, 5, index);
}

/**
 * The put of one entry with its key and checksummed value in ONE allocation (views of it):
 * `key ‖ crc ‖ kind ‖ be64(term) ‖ data`. The stored bytes equal `encodeStoredValue`'s.
 */
function entryPut(group: LogStreamId, e: RaftLogEntry): KvOp {
  const end = ENTRY_DATA_AT + e.data.length;
  const bytes = entrySlab.alloc(end);
  writeEntryKey(bytes, group, e.index);
  writeU64(bytes, ENTRY_TERM_AT, e.term);
  bytes.set(e.data, ENTRY_DATA_AT);
  sealStoredValue(bytes, ENTRY_KEY_SPAN, ENTRY_VALUE_AT, end, ValueKind.LogEntry);
  return { op: 'put', key: bytes.subarray(0, ENTRY_KEY_BYTES), value: bytes.subarray(ENTRY_VALUE_AT) };
}

function entryIndex(key: Uint8Array): number {
  return readU64(key, 5);
}

function u64(n: number): Uint8Array {
  const out = new Uint8Array(8);
  writeU64(out, 0, n);
  return out;
}

/** Big-endian u64 of a safe integer, byte by byte (a DataView would materialize a small array's buffer). */
function writeU64(out: Uint8Array, at: number, n: number): void {
  if (!(Number.isSafeInteger(n) && n >= 0)) assert(false, `raft log: bad number ${n}`);
  writeU32(out, at, Math.floor(n / 2 ** 32));
  writeU32(out, at + 4, n >>> 0);
}

function readU64(bytes: Uint8Array, at: number): number {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  return view.getUint32(at) * 2 ** 32 + view.getUint32(at + 4);
}

function concat(a: Uint8Array, b: Uint8Array): Uint8Array {
  const out = new Uint8Array(a.length + b.length);
  out.set(a);
  out.set(b, a.length);
  return out;
}
