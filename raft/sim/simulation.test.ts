// Proves the Raft core safe and live under the deterministic simulator: 200 seeds of mixed
// faults (drops, duplicates, reordering, partitions, crashes losing unpersisted writes, tick
// skew, membership changes, transfers) break no invariant and commit after healing; the same
// seed replays identically; seeds that once failed pass; and each planted protocol bug is
// caught, printing its seed.
import { describe, expect, it } from 'vitest';
import type { TestOnlyBugs } from '../config.js';
import type { SimProfile } from './simulation.js';
import { runSimulation } from './simulation.js';

describe('raft simulator', () => {
  it('200 seeds keep every invariant and commit after healing', () => {
    const failures: string[] = [];
    for (let seed = 1; seed <= 200; seed++) {
      const r = runSimulation({ seed });
      if (!r.ok) failures.push(`seed ${r.seed}: ${r.violation} (replay: npm run sim -- --seed ${r.seed})`);
    }
    expect(failures).toEqual([]);
  });

  // Seeds that once failed, with what they caught; each must keep passing.
  const regressions: readonly { seed: number; chaosTime?: number; caught: string }[] = [
    { seed: 2000, caught: 'snapshot installed while the host applied a leave-joint entry (not in a joint configuration)' },
    { seed: 2112, caught: 'snapshot installed while the host applied an enter-joint entry (already in a joint configuration)' },
    { seed: 2176, caught: 'snapshot installed while the host applied a leave-joint entry (not in a joint configuration)' },
    { seed: 3122, caught: 'snapshot installed while the host applied an enter-joint entry (5 voters)' },
    { seed: 46, chaosTime: 8000, caught: 'harness: heal bound not scaled with a longer chaos phase (learner catching up one entry per round trip)' },
  ];
  it('regression seeds keep passing', () => {
    const failures: string[] = [];
    for (const { seed, chaosTime, caught } of regressions) {
      const r = runSimulation({ seed, ...(chaosTime !== undefined ? { chaosTime } : {}) });
      const replay = `npm run sim -- --seed ${seed}${chaosTime !== undefined ? ` --chaos-time ${chaosTime}` : ''}`;
      if (!r.ok) failures.push(`seed ${seed} (once: ${caught}): ${r.violation} (replay: ${replay})`);
    }
    expect(failures).toEqual([]);
  });

  it('a seed replays exactly', () => {
    const a = runSimulation({ seed: 42, trace: true });
    const b = runSimulation({ seed: 42, trace: true });
    expect(b.stats).toEqual(a.stats);
    expect(b.trace).toEqual(a.trace);
    expect(a.stats.events).toBeGreaterThan(1000);
  });

  it('exercises the faults it claims to', () => {
    const totals = { crashes: 0, partitions: 0, confChanges: 0, transfers: 0, snapshotsInstalled: 0, reads: 0, acked: 0 };
    for (let seed = 1; seed <= 20; seed++) {
      const s = runSimulation({ seed }).stats;
      for (const k of Object.keys(totals) as (keyof typeof totals)[]) totals[k] += s[k];
    }
    for (const v of Object.values(totals)) expect(v).toBeGreaterThan(0);
  });

  const planted: readonly { bug: keyof TestOnlyBugs; profile: SimProfile; seedsMax: number }[] = [
    { bug: 'voteWithoutLogCheck', profile: 'mixed', seedsMax: 60 },
    { bug: 'ackBeforePersist', profile: 'mixed', seedsMax: 200 },
    { bug: 'readIndexWithoutQuorum', profile: 'mixed', seedsMax: 200 },
    { bug: 'commitOldTermEntries', profile: 'leaderChurn', seedsMax: 200 },
  ];
  for (const { bug, profile, seedsMax } of planted) {
    it(`catches the planted bug ${bug}`, () => {
      let caught: string | undefined;
      for (let seed = 1; seed <= seedsMax && caught === undefined; seed++) {
        const r = runSimulation({ seed, profile, bugs: { [bug]: true } });
        if (!r.ok) caught = `seed ${seed}: ${r.violation}`;
      }
      process.stdout.write(`planted bug ${bug} (${profile}) caught at ${caught}\n`);
      expect(caught).toBeDefined();
    });
  }
});
