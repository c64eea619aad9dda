/**
 * Multi-version concurrency control over any OrderedKv: versions keyed by (user key, descending
 * commit timestamp), tombstones for deletes, checksummed values, pushed-down scans and bounded
 * garbage collection. The LMDB store and the in-memory twin are this one logic on two tables.
 *
 * Invariants:
 * - commit timestamps strictly increase across commits (asserted at `commit`);
 * - a read at `readTs` sees, per key, the newest version with commitTs <= readTs, or nothing
 *   when that version is a tombstone;
 * - every stored value is verified against its CRC32C before it is used.
 */
import { assert } from '../src/base/assert.js';
import type { Timestamp } from '../src/base/ids.js';
import { timestamp } from '../src/base/ids.js';
import { limits } from '../src/base/limits.js';
import type { GcResult, KeyRange, KvPair, MvccEngine, ScanOptions, ScanPushdown, Write } from './engine.js';
import { compareBytes } from './key-codec.js';
import {
  decodeStoredValue,
  encodeHeadPayload,
  encodeStoredValue,
  headKey,
  headTs,
  headValue,
  invertedTs,
  metaKey,
  sameStem,
  ValueKind,
  VERSION_SPACE_END,
  VERSION_SPACE_START,
  versionKey,
  versionPrefix,
  versionTs,
  versionUserKey,
  visibleAt,
} from './mvcc-layout.js';
import { exportChunk, ingestOps } from './mvcc-snapshot.js';
import type { KvOp, OrderedKv } from './ordered-kv.js';

const MAX_COMMIT_TS_KEY = metaKey('maxCommitTs');
const EMPTY = new Uint8Array(0);

/** Builds the MVCC engine on `kv`, reading the persisted largest commit timestamp. */
export function createMvccEngine(kv: OrderedKv, close: () => Promise<void>): MvccEngine {
  let maxTs = readMaxCommitTs(kv);
  const pending = new PendingCommits();
  return {
    get: (key, readTs) => getVisible(kv, key, readTs),
    scan: (range, readTs, options?: ScanOptions) => scanVisible(kv, range, readTs, { ...options, project: (key, value): KvPair => ({ key, value }) }),
    scanWith: (range, readTs, pushdown) => scanVisible(kv, range, readTs, pushdown),
    latestCommitTs: (key) => pending.latest(key) ?? latestCommitTs(kv, key),
    commit(writes, commitTs) {
      assert(commitTs > maxTs, `mvcc: commitTs ${commitTs} not above max ${maxTs}`);
      const ops = commitOps(writes, commitTs);
      maxTs = commitTs;
      return pending.track(writes, commitTs, kv.write(ops));
    },
    maxCommitTs: () => maxTs,
    gcVersions: (safePointTs, options) => gcVersions(kv, safePointTs, options),
    exportSnapshotChunk: (range, options) => exportChunk(kv, range, options.cursor, options.bytesMax),
    ingestSnapshotChunk(range, chunk, options) {
      const { ops, newestTs } = ingestOps(range, chunk, options.first);
      if (newestTs !== undefined && newestTs > maxTs) {
        maxTs = newestTs;
        ops.push(maxCommitTsOp(maxTs));
      }
      return kv.write(ops);
    },
    close,
  };
}

/**
 * Commits accepted but not yet durable, by key: `latestCommitTs` must see them at once, so a
 * transaction layer that pipelines commits (to share one fsync) still detects write-write
 * conflicts against a commit that is in flight.
 */
class PendingCommits {
  private readonly byKey = new Map<string, Timestamp>();

  latest(key: Uint8Array): Timestamp | undefined {
    return this.byKey.size === 0 ? undefined : this.byKey.get(keyId(key));
  }

  track(writes: readonly Write[], commitTs: Timestamp, durable: Promise<void>): Promise<void> {
    const ids = writes.map((w) => keyId(w.key));
    for (const id of ids) this.byKey.set(id, commitTs);
    const forget = (): void => {
      for (const id of ids) if (this.byKey.get(id) === commitTs) this.byKey.delete(id);
    };
    return durable.then(forget, (error: unknown) => {
      forget();
      throw error;
    });
  }
}

function keyId(key: Uint8Array): string {
  return Buffer.from(key.buffer, key.byteOffset, key.byteLength).toString('latin1');
}

function readMaxCommitTs(kv: OrderedKv): Timestamp {
  const stored = kv.get(MAX_COMMIT_TS_KEY);
  if (stored === undefined) return timestamp(0n);
  const { payload } = decodeStoredValue(MAX_COMMIT_TS_KEY, stored, 'mvcc meta');
  assert(payload.length === 8, 'mvcc: bad maxCommitTs payload');
  return timestamp(new DataView(payload.buffer, payload.byteOffset, 8).getBigUint64(0));
}

function commitOps(writes: readonly Write[], commitTs: Timestamp): KvOp[] {
  assert(writes.length <= limits.storageCommitWritesMax, 'mvcc: too many writes in one commit');
  const ops: KvOp[] = [];
  for (const w of writes) {
    assert(w.key.length <= limits.storageKeyBytesMax, `mvcc: key of ${w.key.length} bytes is too long`);
    const kind = w.value === null ? ValueKind.Tombstone : ValueKind.Put;
    const value = w.value ?? EMPTY;
    const key = versionKey(w.key, commitTs);
    ops.push({ op: 'put', key, value: encodeStoredValue(key, kind, value) });
    const head = headKey(w.key);
    ops.push({ op: 'put', key: head, value: encodeStoredValue(head, kind, encodeHeadPayload(commitTs, value)) });
  }
  ops.push(maxCommitTsOp(commitTs));
  return ops;
}

function maxCommitTsOp(commitTs: Timestamp): KvOp {
  const ts = new Uint8Array(8);
  new DataView(ts.buffer).setBigUint64(0, commitTs);
  return { op: 'put', key: MAX_COMMIT_TS_KEY, value: encodeStoredValue(MAX_COMMIT_TS_KEY, ValueKind.Meta, ts) };
}

/** One exact read of the head answers reads at or above the newest commit; older reads seek. */
function getVisible(kv: OrderedKv, key: Uint8Array, readTs: Timestamp): Uint8Array | undefined {
  const head = readHead(kv, key);
  if (head === undefined) return undefined;
  if (head.commitTs <= readTs) return head.kind === ValueKind.Put ? head.value : undefined;
  const start = versionKey(key, readTs);
  const e = kv.seek(start);
  if (e === undefined || !sameStem(e.key, start)) return undefined;
  const v = decodeStoredValue(e.key, e.value, 'mvcc get');
  return v.kind === ValueKind.Put ? v.payload : undefined;
}

function latestCommitTs(kv: OrderedKv, key: Uint8Array): Timestamp | undefined {
  return readHead(kv, key)?.commitTs;
}

function readHead(kv: OrderedKv, key: Uint8Array): { kind: ValueKind; commitTs: Timestamp; value: Uint8Array } | undefined {
  const k = headKey(key);
  const stored = kv.get(k);
  if (stored === undefined) return undefined;
  const v = decodeStoredValue(k, stored, 'mvcc head');
  return { kind: v.kind, commitTs: headTs(v.payload), value: headValue(v.payload) };
}

function versionRange(range: KeyRange): { start: Uint8Array; end: Uint8Array } {
  return { start: versionPrefix(range.start), end: range.end === undefined ? VERSION_SPACE_END : versionPrefix(range.end) };
}

function scanVisible<T>(kv: OrderedKv, range: KeyRange, readTs: Timestamp, p: ScanPushdown<T>): T[] {
  const out: T[] = [];
  const limit = p.limit ?? Number.POSITIVE_INFINITY;
  if (limit <= 0) return out;
  const { start, end } = versionRange(range);
  if (compareBytes(start, end) >= 0) return out;
  // Emits the visible version `e` (already chosen); false when the limit is reached.
  const emit = (e: KvPair): boolean => {
    const v = decodeStoredValue(e.key, e.value, 'mvcc scan');
    if (v.kind !== ValueKind.Put) return true;
    const userKey = versionUserKey(e.key);
    if (p.filter !== undefined && !p.filter(userKey, v.payload)) return true;
    out.push(p.project(userKey, v.payload));
    return out.length < limit;
  };
  const invertedReadTs = invertedTs(readTs);
  if (p.reverse === true) scanReverse(kv.range(start, end, true), invertedReadTs, emit);
  else scanForward(kv.range(start, end, false), invertedReadTs, emit);
  return out;
}

/** Forward: versions of a key arrive newest first; the first one at or below readTs wins. */
function scanForward(entries: Iterable<KvPair>, invertedReadTs: Uint8Array, emit: (e: KvPair) => boolean): void {
  let resolved: Uint8Array | undefined;
  for (const e of entries) {
    if (resolved !== undefined && sameStem(e.key, resolved)) continue;
    if (!visibleAt(e.key, invertedReadTs)) continue;
    resolved = e.key;
    if (!emit(e)) return;
  }
}

/** Reverse: versions of a key arrive oldest first; the last one at or below readTs wins. */
function scanReverse(entries: Iterable<KvPair>, invertedReadTs: Uint8Array, emit: (e: KvPair) => boolean): void {
  let candidate: KvPair | undefined;
  let previous: Uint8Array | undefined;
  for (const e of entries) {
    if (previous !== undefined && !sameStem(e.key, previous)) {
      if (candidate !== undefined && !emit(candidate)) return;
      candidate = undefined;
    }
    previous = e.key;
    if (visibleAt(e.key, invertedReadTs)) candidate = e;
  }
  if (candidate !== undefined) emit(candidate);
}

async function gcVersions(
  kv: OrderedKv,
  safePointTs: Timestamp,
  options: { readonly cursor?: Uint8Array; readonly versionsVisitedMax: number },
): Promise<GcResult> {
  assert(options.versionsVisitedMax > 0, 'mvcc gc: versionsVisitedMax must be positive');
  const plan = planGc(kv, safePointTs, options.cursor ?? VERSION_SPACE_START, options.versionsVisitedMax);
  if (plan.removals.length > 0) await kv.write(plan.removals);
  const removed = plan.removals.filter((op) => op.op === 'remove').length;
  const result = { versionsRemoved: removed, versionsVisited: plan.visited };
  return plan.cursor === undefined ? result : { ...result, cursor: plan.cursor };
}

interface GcPlan {
  removals: KvOp[];
  visited: number;
  cursor?: Uint8Array;
}

/**
 * Per key (newest first): keep versions above the safe point and the newest at or below it;
 * remove everything older. That newest one goes too when it is a tombstone, but only when all
 * older versions are removed in the same call — else a later call could see an older put as
 * visible and bring a deleted row back. A call that stops inside a key resumes at the exact
 * version; it then keeps one version too many at worst (never too few), fixed by the next pass.
 */
function planGc(kv: OrderedKv, safePointTs: Timestamp, from: Uint8Array, visitedMax: number): GcPlan {
  const plan: GcPlan = { removals: [], visited: 0 };
  let stem: Uint8Array | undefined;
  let sawVisible = false;
  let pendingTombstone: Uint8Array | undefined;
  for (const e of kv.range(from, VERSION_SPACE_END, false)) {
    const newKey = stem === undefined || !sameStem(e.key, stem);
    if (newKey && pendingTombstone !== undefined) removeTombstone(plan, pendingTombstone);
    if (newKey) pendingTombstone = undefined;
    if (plan.visited >= visitedMax) {
      plan.cursor = e.key.slice();
      return plan;
    }
    if (newKey) {
      stem = e.key;
      sawVisible = false;
    }
    plan.visited++;
    if (versionTs(e.key) > safePointTs) continue;
    if (sawVisible) {
      plan.removals.push({ op: 'remove', key: e.key });
      continue;
    }
    sawVisible = true;
    if (decodeStoredValue(e.key, e.value, 'mvcc gc').kind === ValueKind.Tombstone) pendingTombstone = e.key;
  }
  if (pendingTombstone !== undefined) removeTombstone(plan, pendingTombstone);
  return plan;
}

/**
 * Removes a tombstone version and, when the head still repeats exactly that tombstone (no
 * newer commit, checked inside the write transaction), the head too.
 */
function removeTombstone(plan: GcPlan, versionKeyBytes: Uint8Array): void {
  plan.removals.push({ op: 'remove', key: versionKeyBytes });
  const userKey = versionUserKey(versionKeyBytes);
  const head = headKey(userKey);
  plan.removals.push({ op: 'removeIfValue', key: head, value: encodeStoredValue(head, ValueKind.Tombstone, encodeHeadPayload(versionTs(versionKeyBytes), EMPTY)) });
}
