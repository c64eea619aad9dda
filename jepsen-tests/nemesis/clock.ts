/**
 * Clock faults through libfaketime: each node runs with libfaketime preloaded and reads its
 * fake offset from its own timestamp file on every clock call (FAKETIME_NO_CACHE=1), so the
 * harness moves a running node's wall clock by rewriting that file. Only the wall clock moves
 * (FAKETIME_DONT_FAKE_MONOTONIC=1): jumps forward or back, and drift (a rate other than 1).
 */
import { assert } from '../../src/base/assert.js';
import type { Random } from '../../src/base/clock.js';

/** libfaketime spec for a wall clock `offsetMs` away from real time. */
export function offsetSpec(offsetMs: number): string {
  assert(Number.isInteger(offsetMs), 'offset in whole milliseconds');
  const sign = offsetMs < 0 ? '-' : '+';
  return `${sign}${(Math.abs(offsetMs) / 1000).toFixed(3)}s`;
}

/** libfaketime spec for a clock that starts `offsetMs` away and runs `rate` times as fast. */
export function driftSpec(offsetMs: number, rate: number): string {
  assert(rate > 0 && rate <= 10, 'drift rate in (0, 10]');
  return `${offsetSpec(offsetMs)} x${rate.toFixed(3)}`;
}

/** The spec of an unfaked clock. */
export const realTimeSpec = '+0';

/** A random clock fault: a jump of up to ±`jumpMsMax`, or (one time in three) a drift. */
export function randomClockSpec(random: Random, jumpMsMax: number): string {
  const offsetMs = Math.round((random.next() * 2 - 1) * jumpMsMax);
  if (random.int(3) === 0) return driftSpec(offsetMs, 0.5 + random.next() * 1.5);
  return offsetSpec(offsetMs);
}
