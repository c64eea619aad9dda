/**
 * Wing & Gong's linearizability search with Lowe's memoization (as in porcupine and knossos'
 * `wgl`): walk the history's call/return events as a doubly linked list; try to linearize the
 * first pending call whose model step succeeds, lifting it (and its return) out of the list;
 * when a return is reached with its call not yet linearized, backtrack. A cache of
 * (linearized set, model state) pairs prunes configurations already explored. Operations whose
 * outcome is unknown return at +∞: they may take effect at any point after their invocation,
 * or (placed after everything else) not at all.
 */
import { assert } from '../../src/base/assert.js';

/** A sequential specification: states, and the step function that the history must follow. */
export interface Model<State, Input> {
  readonly name: string;
  init(): State;
  /** The state after `input`, or undefined when `input` could not have happened in `state`. */
  step(state: State, input: Input): State | undefined;
  /** A string equal for equal states (memoization key). */
  key(state: State): string;
}

/** One operation to linearize: the model input, and its call/return positions. */
export interface LinearizableOp<Input> {
  readonly input: Input;
  readonly call: number;
  /** +Infinity when the outcome is unknown. */
  readonly ret: number;
}

/** Outcome of one search. */
export interface WglOutcome {
  readonly valid: boolean | 'unknown';
  /** Search steps taken (calls tried plus backtracks). */
  readonly steps: number;
  /** Ops (by position in the input array) of the longest linearizable prefix found. */
  readonly longestPrefix: readonly number[];
}

interface Entry {
  readonly id: number;
  readonly isCall: boolean;
  match: Entry | null;
  prev: Entry | null;
  next: Entry | null;
}

/** Searches for a linearization of `ops` under `model`, giving up after `stepsMax` steps. */
export function wglSearch<S, I>(model: Model<S, I>, ops: readonly LinearizableOp<I>[], stepsMax: number): WglOutcome {
  const head = buildEntries(ops);
  const linearized = new Uint32Array(Math.ceil(ops.length / 32) + 1);
  const cache = new LinearizationCache(ops.length);
  const stateIds = new Map<string, number>();
  const calls: Array<{ entry: Entry; state: S }> = [];
  let state = model.init();
  let entry = head.next;
  let steps = 0;
  let longest: number[] = [];
  while (head.next !== null) {
    if (++steps > stepsMax) return { valid: 'unknown', steps, longestPrefix: longest };
    assert(entry !== null, 'wgl: walked off the event list');
    if (entry.isCall) {
      const next = model.step(state, (ops[entry.id] as LinearizableOp<I>).input);
      if (next !== undefined) {
        setBit(linearized, entry.id, true);
        const stateKey = model.key(next);
        let stateId = stateIds.get(stateKey);
        if (stateId === undefined) stateIds.set(stateKey, (stateId = stateIds.size));
        if (cache.addIfAbsent(linearized, stateId, entry.id)) {
          calls.push({ entry, state });
          state = next;
          lift(entry);
          if (calls.length > longest.length) longest = calls.map((c) => c.entry.id);
          entry = head.next;
          continue;
        }
        setBit(linearized, entry.id, false);
        cache.undo(entry.id);
      }
      entry = entry.next;
    } else {
      const top = calls.pop();
      if (top === undefined) return { valid: false, steps, longestPrefix: longest };
      state = top.state;
      setBit(linearized, top.entry.id, false);
      cache.undo(top.entry.id);
      unlift(top.entry);
      entry = top.entry.next;
    }
  }
  return { valid: true, steps, longestPrefix: longest };
}

function buildEntries<I>(ops: readonly LinearizableOp<I>[]): Entry {
  type Ev = { at: number; entry: Entry };
  const events: Ev[] = [];
  ops.forEach((op, id) => {
    assert(op.ret > op.call, 'wgl: an op must return after its call');
    const call: Entry = { id, isCall: true, match: null, prev: null, next: null };
    const ret: Entry = { id, isCall: false, match: null, prev: null, next: null };
    call.match = ret;
    events.push({ at: op.call, entry: call }, { at: op.ret, entry: ret });
  });
  // Unknown-outcome returns all sit at +∞; among equal positions calls go first.
  events.sort((a, b) => a.at - b.at || Number(a.entry.isCall ? 0 : 1) - Number(b.entry.isCall ? 0 : 1) || a.entry.id - b.entry.id);
  const head: Entry = { id: -1, isCall: false, match: null, prev: null, next: null };
  let last = head;
  for (const ev of events) {
    last.next = ev.entry;
    ev.entry.prev = last;
    last = ev.entry;
  }
  return head;
}

function lift(call: Entry): void {
  const ret = call.match as Entry;
  (call.prev as Entry).next = call.next;
  if (call.next !== null) call.next.prev = call.prev;
  (ret.prev as Entry).next = ret.next;
  if (ret.next !== null) ret.next.prev = ret.prev;
}

function unlift(call: Entry): void {
  const ret = call.match as Entry;
  (ret.prev as Entry).next = ret;
  if (ret.next !== null) ret.next.prev = ret;
  (call.prev as Entry).next = call;
  if (call.next !== null) call.next.prev = call;
}

function setBit(bits: Uint32Array, i: number, on: boolean): void {
  const w = i >>> 5;
  const m = 1 << (i & 31);
  bits[w] = on ? (bits[w] as number) | m : (bits[w] as number) & ~m;
}

/**
 * The set of (linearized ops, state) configurations already explored. The op set is hashed
 * incrementally (Zobrist: xor of a random 32-bit code per op) into small-integer buckets, and
 * each entry keeps a copy of the bitset, so a hash collision is resolved exactly and never
 * prunes a configuration wrongly.
 */
class LinearizationCache {
  private readonly codes: Int32Array;
  private hash = 0;
  private readonly buckets = new Map<number, Array<{ stateId: number; bits: Uint32Array }>>();

  constructor(opCount: number) {
    // A fixed-seed xorshift: the search stays deterministic run to run.
    let seed = 0x9e3779b9 | 0;
    this.codes = new Int32Array(opCount);
    for (let i = 0; i < opCount; i++) {
      seed ^= seed << 13;
      seed ^= seed >>> 17;
      seed ^= seed << 5;
      this.codes[i] = seed;
    }
  }

  /** Toggles op `id` into the running hash; true when (bits, state) was not seen before. */
  addIfAbsent(bits: Uint32Array, stateId: number, id: number): boolean {
    this.hash ^= this.codes[id] as number;
    const key = (this.hash ^ Math.imul(stateId + 1, 0x9e3779b1)) & 0x3fffffff;
    const bucket = this.buckets.get(key);
    if (bucket !== undefined) {
      for (const e of bucket) if (e.stateId === stateId && sameBits(e.bits, bits)) return false;
    }
    const entry = { stateId, bits: bits.slice() };
    if (bucket === undefined) this.buckets.set(key, [entry]);
    else bucket.push(entry);
    return true;
  }

  /** Removes op `id` from the running hash (after a rejected add, or on backtrack). */
  undo(id: number): void {
    this.hash ^= this.codes[id] as number;
  }
}

function sameBits(a: Uint32Array, b: Uint32Array): boolean {
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}
