// Proves the run scheduler without servers: systems alternate within every run (A B A B),
// a system that failed a cell is not run on it again, a system whose server died is skipped
// with the reason, and figures are built from the successful runs only.
import { describe, expect, it } from 'vitest';
import { figuresFrom, remarksOf, runAlternating, type Cell, type RunRecord } from './alternation.js';
import type { Progress } from './progress.js';
import type { SystemUnderTest } from './side-by-side.js';

function fakeSystem(name: 'atoll' | 'mariadb', alive: () => boolean = () => true): SystemUnderTest {
  return { name, port: 1, commandLine: name, alive, output: () => `${name} log line` };
}

function silentProgress(lines: string[]): Progress {
  return { note: (l) => void lines.push(l), done: (l) => void lines.push(l), stop: () => undefined };
}

const cells: Cell[] = [
  { key: 'ps/1', label: 'point select, 1 thread' },
  { key: 'rw/8', label: 'read write, 8 threads' },
];

describe('runAlternating', () => {
  it('alternates the systems run by run and skips a cell after a failure', async () => {
    const order: string[] = [];
    const lines: string[] = [];
    const records = await runAlternating(cells, 3, [fakeSystem('atoll'), fakeSystem('mariadb')], silentProgress(lines), async (cell, system, run) => {
      order.push(`${cell.key} ${system.name} ${run}`);
      const failure = cell.key === 'rw/8' && system.name === 'atoll' ? 'FATAL: MySQL error: 1064 "syntax"' : null;
      return { cell: cell.key, system: system.name, run, metrics: failure ? {} : { tps: system.name === 'atoll' ? 100 + run : 400 + run }, failure };
    });
    expect(order).toEqual([
      'ps/1 atoll 1', 'ps/1 mariadb 1', 'ps/1 atoll 2', 'ps/1 mariadb 2', 'ps/1 atoll 3', 'ps/1 mariadb 3',
      'rw/8 atoll 1', 'rw/8 mariadb 1', 'rw/8 mariadb 2', 'rw/8 mariadb 3',
    ]);
    expect(records).toHaveLength(12);
    expect(records.filter((r) => r.skipped)).toHaveLength(2);
    expect(lines).toHaveLength(12);
    expect(lines[6]).toContain('FAILED: FATAL: MySQL error: 1064');

    const figures = figuresFrom(cells, ['atoll', 'mariadb'], records, [{ key: 'tps', metric: 'throughput', unit: 'transactions/s', higherIsBetter: true, headline: true }]);
    expect(figures[0]!.sides.map((s) => s.summary?.median)).toEqual([102, 402]);
    expect(figures[0]!.ratio).toBeCloseTo(102 / 402, 12);
    expect(figures[1]!.sides[0]!.summary).toBeNull();
    expect(figures[1]!.sides[0]!.failures).toEqual(['FATAL: MySQL error: 1064 "syntax"']);
    expect(figures[1]!.ratio).toBeNull();
  });

  it('skips a system whose server exited, saying why', async () => {
    let atollUp = true;
    const records: RunRecord[] = await runAlternating([cells[0]!], 2, [fakeSystem('atoll', () => atollUp), fakeSystem('mariadb')], silentProgress([]), async (cell, system, run) => {
      if (system.name === 'atoll') atollUp = false; // the server crashes during its first run
      return { cell: cell.key, system: system.name, run, metrics: system.name === 'atoll' ? {} : { tps: 1 }, failure: system.name === 'atoll' ? 'lost connection' : null };
    });
    expect(records[0]!.failure).toBe('lost connection (the server exited: atoll log line)');
    expect(records[2]!.skipped).toBe(true);
    expect(records[2]!.failure).toContain('atoll server exited earlier');
    expect(records[3]!.metrics).toEqual({ tps: 1 });
  });
});

describe('remarksOf', () => {
  it("prefixes each run's remarks with system, cell label and run", () => {
    const records: RunRecord[] = [
      { cell: 'rw/8', system: 'atoll', run: 2, metrics: {}, failure: null, remarks: ['sysbench ignored and retried error 1213 × 5: Deadlock'] },
      { cell: 'ps/1', system: 'mariadb', run: 1, metrics: {}, failure: null },
    ];
    expect(remarksOf(cells, records)).toEqual(['atoll, read write, 8 threads, run 2: sysbench ignored and retried error 1213 × 5: Deadlock']);
  });
});
