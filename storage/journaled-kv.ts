/**
 * An OrderedKv whose writes are made durable as sequential journal records, and moved into
 * the ordered table later, many at a time: a write-ahead log on LMDB (as TiKV's raft-engine
 * or a LSM memtable do for multi-Raft logs).
 *
 * Why: the Raft logs of many groups live in one table keyed group-first. With 64 groups
 * appending, one group commit dirtied 64 scattered leaf pages (plus branches) and the
 * fdatasync wrote all of them: ~1 ms a commit instead of ~0.2 ms (measured here). Now the
 * writes of one burst of microtasks — every writer a commit resumed — are sealed into ONE
 * record at the end of a table keyed by sequence number and group-committed as before
 * (`write`: fdatasync on this thread before the promise resolves), so a commit dirties a few
 * pages whatever the number of groups. Once durable, the record's ops are applied to an
 * in-memory layer (`overlay-layer.ts`); every `checkpointOpsMax` ops or
 * `checkpointIntervalMs` that layer is written into the base table — each group's entries now
 * contiguous — together with the removal of the records it covers, through `writeBehind` when
 * the table has it (LMDB's writer thread does the B-tree work and the sync, not this loop).
 *
 * Atomicity: base and journal must be tables of one LMDB environment: the two halves of a
 * checkpoint are queued in one loop turn and commit in one transaction, so after a crash
 * either both or neither are there. Checkpoints run one at a time (a removed range is
 * expanded into the keys the base holds, read when no other checkpoint is writing). On open,
 * the records left in the journal are replayed into the layer in order; a gap is corruption.
 *
 * Reads merge top-down: the newest layer, layers being checkpointed, then the base table.
 * `removeIfValue` is not supported (its outcome depends on writes still queued; the Raft log
 * store does not use it).
 */
import { assert } from '../src/base/assert.js';
import { readU32, writeU32 } from './big-endian.js';
import { StorageCorruptionError, type KvPair } from './engine.js';
import { compareBytes } from './key-codec.js';
import { decodeStoredValue, sealStoredValue, STORED_VALUE_HEADER_BYTES, ValueKind } from './mvcc-layout.js';
import type { KvOp, OrderedKv } from './ordered-kv.js';
import { OverlayLayer, type LayerAnswer } from './overlay-layer.js';

/** When the in-memory layer is checkpointed into the base table. */
export interface JournalOptions {
  /** Checkpoint once the layer holds this many ops. */
  readonly checkpointOpsMax: number;
  /** Checkpoint a non-empty layer at the latest this long after its first op. */
  readonly checkpointIntervalMs: number;
}

/** Measured on this machine with 64 groups appending: smaller layers cost more checkpoints, larger ones slower inserts. */
export const JOURNAL_DEFAULTS: JournalOptions = { checkpointOpsMax: 4096, checkpointIntervalMs: 25 };

/** An OrderedKv backed by a journal; `checkpoint` and `close` are its own. */
export interface JournaledKv extends OrderedKv {
  /** Writes the layers into the base table now; resolves when that is durable. */
  checkpoint(): Promise<void>;
  /** Checkpoints performed (for tests and benchmarks). */
  readonly checkpoints: number;
  /** Ops held in memory, not yet checkpointed. */
  readonly layeredOps: number;
  /**
   * Stops the checkpoint timer and waits for a checkpoint in flight (the environment must not
   * close under it). The tables belong to their environment and stay open.
   */
  close(): Promise<void>;
}

/** Opens the journaled table over `base` and `journal`, replaying the journal's records. */
export function openJournaledKv(base: OrderedKv, journal: OrderedKv, options: JournalOptions = JOURNAL_DEFAULTS): JournaledKv {
  return new JournaledKvImpl(base, journal, options);
}

const SEQ_BYTES = 8;
const OP_PUT = 1;
const OP_REMOVE = 2;
const OP_REMOVE_RANGE = 3;
const JOURNAL_START = new Uint8Array(SEQ_BYTES);

class JournaledKvImpl implements JournaledKv {
  private active = new OverlayLayer();
  /** Layers whose checkpoint is queued or committing, newest first. */
  private frozen: OverlayLayer[] = [];
  private nextSeq = 1;
  /** The sequence number of the newest record applied to `active`. */
  private appliedSeq = 0;
  /** Records up to this one are in the base table (their removal is committed or queued). */
  private checkpointedSeq = 0;
  /** The writes gathered for the next record, sealed at the end of this burst of microtasks. */
  private gathering: { readonly writes: (readonly KvOp[])[]; readonly done: Promise<void> } | undefined;
  private inFlight: Promise<void> | undefined;
  private timer: NodeJS.Timeout | undefined;
  private failure: Error | undefined;
  private closed = false;
  checkpoints = 0;

  constructor(
    private readonly base: OrderedKv,
    private readonly journal: OrderedKv,
    private readonly options: JournalOptions,
  ) {
    this.replay();
  }

  get layeredOps(): number {
    return this.active.opCount + this.frozen.reduce((n, l) => n + l.opCount, 0);
  }

  get(key: Uint8Array): Uint8Array | undefined {
    const answer = this.lookup(key);
    if (answer === undefined) return this.base.get(key);
    return answer === null ? undefined : answer.slice();
  }

  seek(start: Uint8Array): KvPair | undefined {
    for (const pair of this.range(start, undefined, false)) return pair;
    return undefined;
  }

  range(start: Uint8Array, end: Uint8Array | undefined, reverse: boolean): Iterable<KvPair> {
    if (this.active.isEmpty && this.frozen.length === 0) return this.base.range(start, end, reverse);
    return mergeRange([this.active, ...this.frozen], this.base.range(start, end, reverse), start, end, reverse);
  }

  write(ops: readonly KvOp[]): Promise<void> {
    if (this.failure !== undefined) return Promise.reject(this.failure);
    assert(!this.closed, 'journaled kv: write after close');
    for (const op of ops) if (op.op === 'removeIfValue') assert(false, 'journaled kv: removeIfValue is not supported');
    let gathering = this.gathering;
    if (gathering === undefined) {
      // Writers resumed by one commit all append in the same burst of microtasks: seal their
      // writes into one record after it (one put, one promise, one apply for all of them).
      const writes: (readonly KvOp[])[] = [];
      const seq = this.nextSeq++;
      const done = Promise.resolve()
        .then(() => {
          this.gathering = undefined;
          return this.journal.write([encodeRecord(seq, writes)]);
        })
        .then(() => this.applied(seq, writes));
      gathering = this.gathering = { writes, done };
    }
    gathering.writes.push(ops);
    return gathering.done;
  }

  checkpoint(): Promise<void> {
    if (this.timer !== undefined) clearTimeout(this.timer);
    this.timer = undefined;
    if (this.failure !== undefined) return Promise.reject(this.failure);
    // One at a time: a checkpoint reads the base table to expand removed ranges.
    if (this.inFlight !== undefined) return this.inFlight.then(() => this.checkpoint());
    if (this.active.isEmpty) return Promise.resolve();
    const layer = this.active;
    this.active = new OverlayLayer();
    this.frozen.unshift(layer);
    const from = this.checkpointedSeq + 1;
    const through = this.appliedSeq;
    // Queued in the same loop turn: one transaction writes the layer and drops its records.
    const done = this.base.writeBehind !== undefined && this.journal.writeBehind !== undefined
      ? Promise.all([
          this.base.writeBehind(expandRanges(this.base, layer.toOps())),
          this.journal.writeBehind(Array.from({ length: through - from + 1 }, (_, i): KvOp => ({ op: 'remove', key: seqKey(from + i) }))),
        ])
      : Promise.all([
          this.base.write(layer.toOps()),
          this.journal.write([{ op: 'removeRange', start: JOURNAL_START, end: seqKey(through + 1) }]),
        ]);
    this.checkpoints++;
    const inFlight = done.then(
      () => {
        this.frozen = this.frozen.filter((l) => l !== layer);
        this.checkpointedSeq = through;
        this.inFlight = undefined;
      },
      (error: unknown) => {
        this.failure ??= error instanceof Error ? error : new Error(String(error));
        throw this.failure;
      },
    );
    this.inFlight = inFlight;
    return inFlight;
  }

  async close(): Promise<void> {
    if (this.timer !== undefined) clearTimeout(this.timer);
    this.timer = undefined;
    this.closed = true;
    // Its failure was recorded (and failed the writes); closing does not throw it again.
    await this.inFlight?.catch(() => undefined);
  }

  private applied(seq: number, writes: readonly (readonly KvOp[])[]): void {
    assert(seq === this.appliedSeq + 1, 'journaled kv: records applied out of order');
    this.appliedSeq = seq;
    for (const ops of writes) for (const op of ops) this.active.apply(op);
    if (this.closed) return;
    if (this.active.opCount >= this.options.checkpointOpsMax) this.checkpointInBackground();
    else if (this.timer === undefined) {
      this.timer = setTimeout(() => this.checkpointInBackground(), this.options.checkpointIntervalMs);
      this.timer.unref();
    }
  }

  /** A checkpoint nobody awaits: its failure is kept and fails every later write. */
  private checkpointInBackground(): void {
    this.checkpoint().catch(() => undefined);
  }

  private lookup(key: Uint8Array): LayerAnswer {
    const answer = this.active.lookup(key);
    if (answer !== undefined) return answer;
    for (const layer of this.frozen) {
      const a = layer.lookup(key);
      if (a !== undefined) return a;
    }
    return undefined;
  }

  /** Reads the journal's records in order into the layer. */
  private replay(): void {
    let expected: number | undefined;
    for (const { key, value } of this.journal.range(JOURNAL_START, undefined, false)) {
      const seq = readSeq(key);
      if (expected !== undefined && seq !== expected) throw new StorageCorruptionError(`journal: record ${expected} missing before ${seq}`);
      if (expected === undefined) this.checkpointedSeq = seq - 1;
      for (const op of decodeRecord(key, value)) this.active.apply(op);
      this.appliedSeq = seq;
      expected = seq + 1;
    }
    if (expected === undefined) {
      // An empty journal: continue after the base's last checkpoint, whatever its number was.
      this.checkpointedSeq = 0;
    }
    this.nextSeq = this.appliedSeq + 1;
  }
}

/** The ops with every removed range replaced by removes of the keys `kv` holds in it. */
function expandRanges(kv: OrderedKv, ops: readonly KvOp[]): KvOp[] {
  const out: KvOp[] = [];
  for (const op of ops) {
    if (op.op !== 'removeRange') out.push(op);
    else for (const { key } of kv.range(op.start, op.end, false)) out.push({ op: 'remove', key });
  }
  return out;
}

/**
 * Pairs of [start, end) in order: the distinct keys of the layers' points and the base's
 * pairs, each resolved top-down (the first layer with an answer decides; a layer's removed
 * range hides what lies below it).
 */
function* mergeRange(layers: readonly OverlayLayer[], baseRange: Iterable<KvPair>, start: Uint8Array, end: Uint8Array | undefined, reverse: boolean): Iterable<KvPair> {
  const dir = reverse ? -1 : 1;
  const streams = layers.map((l) => {
    const points = l.pointsIn(start, end);
    return reverse ? points.slice().reverse() : points;
  });
  const at = streams.map(() => 0);
  const baseIt = baseRange[Symbol.iterator]();
  // Closed however the caller stops: an lmdb range holds a cursor in the read transaction,
  // and a cursor left open past that transaction's reset crashes the process.
  try {
    let baseHead = baseIt.next();
    for (;;) {
      let next: Uint8Array | undefined = baseHead.done === true ? undefined : baseHead.value.key;
      for (let s = 0; s < streams.length; s++) {
        const p = streams[s]![at[s]!];
        if (p !== undefined && (next === undefined || compareBytes(p.key, next) * dir < 0)) next = p.key;
      }
      if (next === undefined) return;
      const key = next;
      let baseValue: Uint8Array | undefined;
      if (baseHead.done !== true && compareBytes(baseHead.value.key, key) === 0) {
        baseValue = baseHead.value.value;
        baseHead = baseIt.next();
      }
      for (let s = 0; s < streams.length; s++) {
        const p = streams[s]![at[s]!];
        if (p !== undefined && compareBytes(p.key, key) === 0) at[s]!++;
      }
      let answer: LayerAnswer;
      for (const layer of layers) {
        answer = layer.lookup(key);
        if (answer !== undefined) break;
      }
      if (answer === null) continue;
      if (answer !== undefined) yield { key: key.slice(), value: answer.slice() };
      else if (baseValue !== undefined) yield { key: key.slice(), value: baseValue };
    }
  } finally {
    baseIt.return?.();
  }
}

function seqKey(seq: number): Uint8Array {
  const out = new Uint8Array(SEQ_BYTES);
  writeU32(out, 0, Math.floor(seq / 2 ** 32));
  writeU32(out, 4, seq >>> 0);
  return out;
}

function readSeq(key: Uint8Array): number {
  if (key.length !== SEQ_BYTES) throw new StorageCorruptionError(`journal: key of ${key.length} bytes`);
  return readU32(key, 0) * 2 ** 32 + readU32(key, 4);
}

/**
 * One record: key `be64(seq)`, value `crc ‖ kind ‖ ops`, each op `type ‖ be32(len) ‖ bytes`
 * for its key (or range start), then for a put its value and for a range its end. Key and
 * value share one allocation, sealed in place as `entryPut` does for Raft entries.
 */
function encodeRecord(seq: number, writes: readonly (readonly KvOp[])[]): KvOp {
  let size = SEQ_BYTES + STORED_VALUE_HEADER_BYTES;
  for (const ops of writes) {
    for (const op of ops) {
      if (op.op === 'put') size += 9 + op.key.length + op.value.length;
      else if (op.op === 'remove') size += 5 + op.key.length;
      else if (op.op === 'removeRange') size += 9 + op.start.length + op.end.length;
    }
  }
  const bytes = new Uint8Array(size);
  bytes.set(seqKey(seq));
  let at = SEQ_BYTES + STORED_VALUE_HEADER_BYTES;
  const field = (b: Uint8Array): void => {
    writeU32(bytes, at, b.length);
    bytes.set(b, at + 4);
    at += 4 + b.length;
  };
  for (const op of writes.flat()) {
    if (op.op === 'put') {
      bytes[at++] = OP_PUT;
      field(op.key);
      field(op.value);
    } else if (op.op === 'remove') {
      bytes[at++] = OP_REMOVE;
      field(op.key);
    } else if (op.op === 'removeRange') {
      bytes[at++] = OP_REMOVE_RANGE;
      field(op.start);
      field(op.end);
    }
  }
  sealStoredValue(bytes, { at: 0, end: SEQ_BYTES }, SEQ_BYTES, size, ValueKind.Journal);
  return { op: 'put', key: bytes.subarray(0, SEQ_BYTES), value: bytes.subarray(SEQ_BYTES) };
}

function decodeRecord(key: Uint8Array, stored: Uint8Array): KvOp[] {
  const { kind, payload } = decodeStoredValue(key, stored, 'journal');
  if (kind !== ValueKind.Journal) throw new StorageCorruptionError(`journal: record ${readSeq(key)} has kind ${kind}`);
  const ops: KvOp[] = [];
  let at = 0;
  const field = (): Uint8Array => {
    if (at + 4 > payload.length) throw new StorageCorruptionError(`journal: record ${readSeq(key)} is cut short`);
    const length = readU32(payload, at);
    if (at + 4 + length > payload.length) throw new StorageCorruptionError(`journal: record ${readSeq(key)} is cut short`);
    at += 4 + length;
    return payload.subarray(at - length, at);
  };
  while (at < payload.length) {
    const type = payload[at++];
    if (type === OP_PUT) ops.push({ op: 'put', key: field(), value: field() });
    else if (type === OP_REMOVE) ops.push({ op: 'remove', key: field() });
    else if (type === OP_REMOVE_RANGE) ops.push({ op: 'removeRange', start: field(), end: field() });
    else throw new StorageCorruptionError(`journal: record ${readSeq(key)} has op type ${type}`);
  }
  return ops;
}
