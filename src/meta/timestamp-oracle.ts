/**
 * The timestamp oracle (GTS/TSO). Timestamps are hybrid: physical milliseconds shifted left by
 * `logicalBits`, plus a logical counter, so they order commits exactly and still read as time.
 * Single-node today; the replicated oracle on the meta log stream will persist a window.
 */
import type { Clock } from '../base/clock.js';
import { timestamp, type Timestamp } from '../base/ids.js';
import { assert } from '../base/assert.js';

/** Bits of a timestamp below the physical milliseconds. */
export const logicalBits = 18n;

/** Hands out strictly increasing timestamps. */
export class TimestampOracle {
  // Invariant: every timestamp handed out is > last.
  private last: bigint;

  /** `floor`: every timestamp handed out will be greater than it (e.g. the store's max commit ts). */
  constructor(
    private readonly clock: Clock,
    floor: Timestamp,
  ) {
    this.last = floor;
  }

  /** The next timestamp: at least the clock's physical time, always above the previous one. */
  next(): Timestamp {
    const physical = BigInt(Math.floor(this.clock.nowMs())) << logicalBits;
    const next = physical > this.last ? physical : this.last + 1n;
    assert(next > this.last, 'timestamp oracle went backwards');
    this.last = next;
    return timestamp(next);
  }

  /** The physical milliseconds of a timestamp. */
  static physicalMs(ts: Timestamp): number {
    return Number(ts >> logicalBits);
  }
}
