// Proves how figures of the in-process benchmarks (raft, storage, sql modules) are read:
// every accepted shape, units guessed from names, samples merged across repeated calls,
// and baselines turned into ratios. Also that the module files are looked up where the
// compiled benchmark expects them.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { mergeRuns, moduleFiles, normalizeModuleOutput, unitFromName } from './module-bench.js';

describe('normalizeModuleOutput', () => {
  it('reads { name: number } records with units from the names', () => {
    const out = normalizeModuleOutput({ mvccPointGetsPerSec: 250000, appendLatencyUs: [40, 50], label: 'ignored' }, 'storage');
    expect(out.figures).toEqual([
      { name: 'mvccPointGetsPerSec', unit: '/s', higherIsBetter: true, samples: [250000] },
      { name: 'appendLatencyUs', unit: 'µs', higherIsBetter: false, samples: [40, 50] },
    ]);
  });

  it('reads { figures } with values, samples and baselines, notes and commands', () => {
    const out = normalizeModuleOutput(
      {
        figures: [
          { group: '3 voters', name: 'commits', unit: '/s', value: 1200 },
          { name: 'elections', unit: 'ms', samples: [5, 6], higherIsBetter: false, baseline: { system: 'etcd', samples: [3, 3] } },
        ],
        notes: ['n'],
        commands: ['c'],
      },
      'raft',
    );
    expect(out.figures.map((f) => f.samples)).toEqual([[1200], [5, 6]]);
    expect(out.notes).toEqual(['n']);
    expect(out.commands).toEqual(['c']);
    expect(normalizeModuleOutput([{ name: 'x', unit: '', value: 1 }], 'sql').figures).toHaveLength(1);
  });

  it('throws for output with no figures', () => {
    expect(() => normalizeModuleOutput(undefined, 'raft')).toThrow(/not figures/);
    expect(() => normalizeModuleOutput({ text: 'hi' }, 'raft')).toThrow(/no figures/);
  });
});

describe('mergeRuns', () => {
  it('concatenates the samples of the same figure across calls', () => {
    const one = normalizeModuleOutput({ aPerSec: 10, bMs: 1 }, 'storage');
    const two = normalizeModuleOutput({ aPerSec: 12, bMs: 2 }, 'storage');
    const merged = mergeRuns([one, two]);
    expect(merged.figures.map((f) => [f.name, f.samples])).toEqual([
      ['aPerSec', [10, 12]],
      ['bMs', [1, 2]],
    ]);
    expect(one.figures[0]!.samples).toEqual([10]);
  });
});

describe('unitFromName and moduleFiles', () => {
  it('guesses units and direction from camelCase and snake_case endings', () => {
    expect(unitFromName('appendsPerSec')).toEqual({ unit: '/s', higherIsBetter: true });
    expect(unitFromName('getNs')).toEqual({ unit: 'ns', higherIsBetter: false });
    expect(unitFromName('p99Ms')).toEqual({ unit: 'ms', higherIsBetter: false });
    expect(unitFromName('speedupRatio')).toEqual({ unit: '×', higherIsBetter: true });
    expect(unitFromName('batched_entries_per_s')).toEqual({ unit: '/s', higherIsBetter: true });
    expect(unitFromName('commit_p99_ms')).toEqual({ unit: 'ms', higherIsBetter: false });
    expect(unitFromName('rows')).toEqual({ unit: '', higherIsBetter: true });
  });

  it('finds raft-core.js, storage-mvcc.js and every sql-*.js in the folder', () => {
    const dir = mkdtempSync(join(tmpdir(), 'bench-modules-'));
    try {
      for (const f of ['sql-b.js', 'sql-a.js', 'sql-a.test.js', 'other.js']) writeFileSync(join(dir, f), '');
      expect(moduleFiles('raft', dir)).toEqual([{ file: join(dir, 'raft-core.js'), exportName: 'runRaftBench' }]);
      expect(moduleFiles('storage', dir)[0]!.exportName).toBe('runStorageBench');
      expect(moduleFiles('sql', dir).map((m) => m.file)).toEqual([join(dir, 'sql-a.js'), join(dir, 'sql-b.js')]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
