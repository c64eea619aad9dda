/**
 * Every source of nondeterminism sits behind an interface with a simulated twin: the
 * composition root wires the real ones, simulators wire seeded ones.
 */

/** Wall and monotonic time. */
export interface Clock {
  /** Milliseconds since the Unix epoch (may jump). */
  nowMs(): number;
  /** Monotonic milliseconds for timeouts and leases (never jumps backwards). */
  monotonicMs(): number;
}

/** A source of randomness. */
export interface Random {
  /** A float in [0, 1). */
  next(): number;
  /** An integer in [0, bound). */
  int(bound: number): number;
}

/** The real clock; used only by the composition root. */
export const systemClock: Clock = {
  nowMs: () => Date.now(),
  monotonicMs: () => performance.now(),
};

/**
 * A seeded PRNG (mulberry32): the same seed gives the same sequence on every machine,
 * so a simulator failure replays exactly from its seed.
 */
export class SeededRandom implements Random {
  private state: number;
  constructor(seed: number) {
    this.state = seed >>> 0;
  }
  next(): number {
    this.state = (this.state + 0x6d2b79f5) >>> 0;
    let t = this.state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }
  int(bound: number): number {
    return Math.floor(this.next() * bound);
  }
}
