/**
 * Proves the pure parts of the nemesis: partition grudges have the shapes Jepsen defines
 * (halves cut everyone across, isolate cuts one node, the majority ring leaves every node a
 * distinct majority, one-way cuts one direction), clock specs are what libfaketime reads, and a
 * schedule is a deterministic function of its seed whose windows never overlap and end before
 * the healed tail.
 */
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { SeededRandom } from '../../src/base/clock.js';
import { driftSpec, offsetSpec } from './clock.js';
import { parseFaultKinds } from './fault.js';
import { isolateOne, majorityRing, oneWay, randomHalves } from './partition.js';
import { buildSchedule } from './schedule.js';

const five = [1, 2, 3, 4, 5];

describe('grudges', () => {
  it('random halves: every node drops exactly the other side', () => {
    fc.assert(fc.property(fc.integer(), fc.integer({ min: 2, max: 7 }), (seed, n) => {
      const nodes = Array.from({ length: n }, (_, i) => i + 1);
      const g = randomHalves(nodes, new SeededRandom(seed));
      for (const a of nodes) {
        const drops = g[a] ?? [];
        expect(drops.length).toBeGreaterThan(0);
        for (const b of drops) expect(g[b]).toContain(a);
        expect(drops).not.toContain(a);
      }
    }));
  });

  it('isolate: one node drops all others, the others drop only it', () => {
    const g = isolateOne(five, new SeededRandom(3), 4);
    expect(g[4]).toEqual([1, 2, 3, 5]);
    for (const n of [1, 2, 3, 5]) expect(g[n]).toEqual([4]);
  });

  it('majority ring: each node sees a majority, and no two see the same set', () => {
    fc.assert(fc.property(fc.integer(), (seed) => {
      const g = majorityRing(five, new SeededRandom(seed));
      const seen = five.map((n) => five.filter((m) => !(g[n] ?? []).includes(m)).sort().join(','));
      for (const s of seen) expect(s.split(',').length).toBe(3);
      expect(new Set(seen).size).toBe(5);
    }));
  });

  it('one-way: only the receiving side drops', () => {
    expect(oneWay(five, new SeededRandom(1), { from: 2, to: 5 })).toEqual({ 5: [2] });
  });
});

describe('clock specs', () => {
  it('writes libfaketime offsets and rates', () => {
    expect(offsetSpec(90_000)).toBe('+90.000s');
    expect(offsetSpec(-1_500)).toBe('-1.500s');
    expect(driftSpec(0, 1.5)).toBe('+0.000s x1.500');
  });
});

describe('schedule', () => {
  it('is a function of its seed, with ordered, non-overlapping windows inside the duration', () => {
    fc.assert(fc.property(fc.integer({ min: 0, max: 1e6 }), fc.integer({ min: 5_000, max: 120_000 }), (seed, durationMs) => {
      const options = { kinds: parseFaultKinds('all'), seed, nodes: five, targets: [1], durationMs };
      const a = buildSchedule(options);
      expect(buildSchedule(options)).toEqual(a);
      let t = 0;
      for (const w of a) {
        expect(w.startMs).toBeGreaterThan(t);
        expect(w.endMs).toBeGreaterThan(w.startMs);
        expect(w.endMs).toBeLessThanOrEqual(durationMs);
        t = w.endMs;
        if (w.fault.kind === 'kill' || w.fault.kind === 'pause') expect(w.fault.nodes).toEqual([1]);
      }
    }), { numRuns: 50 });
  });

  it('differs between seeds and mixes fault kinds', () => {
    const options = { kinds: parseFaultKinds('partition,kill,pause,clock,loss'), nodes: five, targets: [1, 2], durationMs: 300_000 };
    const a = buildSchedule({ ...options, seed: 1 });
    expect(JSON.stringify(buildSchedule({ ...options, seed: 2 }))).not.toBe(JSON.stringify(a));
    expect(new Set(a.map((w) => w.fault.kind)).size).toBe(5);
  });

  it('rejects unknown nemesis names', () => {
    expect(() => parseFaultKinds('kill,bogus')).toThrow(/unknown nemesis 'bogus'/);
  });
});
