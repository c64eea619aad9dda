// Proves the CPU-profile ranking on a hand-made profile: self time is counted from each sample's
// leaf node, nodes sharing a call frame are summed, (idle) is left out of the percentages,
// files are ranked by the sum of their functions, and hitCount is used when samples are absent.
import { describe, expect, it } from 'vitest';
import { type CpuProfile, rankProfile, renderMarkdown } from './cpu-profile-top.js';

const ROOT = '/repo';
const frame = (functionName: string, file: string, lineNumber: number) => ({
  functionName,
  url: file === '' ? '' : `file://${ROOT}/${file}`,
  lineNumber,
});

// root → main → parse (a.js:10) twice, via two paths; main → exec (b.js:5); plus idle and GC.
const profile: CpuProfile = {
  startTime: 0,
  endTime: 10_000, // 10 ms
  nodes: [
    { id: 1, callFrame: frame('(root)', '', -1) },
    { id: 2, callFrame: frame('main', 'dist/a.js', 0) },
    { id: 3, callFrame: frame('parse', 'dist/a.js', 9) },
    { id: 4, callFrame: frame('exec', 'dist/b.js', 4) },
    { id: 5, callFrame: frame('parse', 'dist/a.js', 9) },
    { id: 6, callFrame: frame('(idle)', '', -1) },
    { id: 7, callFrame: frame('(garbage collector)', '', -1) },
    { id: 8, callFrame: frame('', 'dist/b.js', 19) },
  ],
  // parse 4 (nodes 3 and 5), exec 3, idle 2, main 1, anonymous 1, GC 1: 12 samples, 10 busy.
  samples: [3, 3, 5, 3, 4, 4, 4, 6, 6, 2, 8, 7],
};

describe('rankProfile', () => {
  it('ranks functions and files by self time, merging equal frames, leaving idle out, ties by location', () => {
    const r = rankProfile([profile], 10, ROOT);
    expect(r.totalSamples).toBe(12);
    expect(r.idleSamples).toBe(2);
    expect(r.busySamples).toBe(10);
    expect(r.functions.map((f) => [f.name, f.location, f.samples])).toEqual([
      ['parse', 'dist/a.js:10', 4],
      ['exec', 'dist/b.js:5', 3],
      ['(garbage collector)', '(native)', 1],
      ['main', 'dist/a.js:1', 1],
      ['(anonymous)', 'dist/b.js:20', 1],
    ]);
    expect(r.functions[0]!.percent).toBeCloseTo(40);
    expect(r.functions[0]!.selfMs).toBeCloseTo((4 * 10) / 12);
    expect(r.files.map((f) => [f.location, f.samples])).toEqual([
      ['dist/a.js', 5],
      ['dist/b.js', 4],
      ['(native)', 1],
    ]);
  });

  it('keeps only the top N rows and uses hitCount when there are no samples', () => {
    const hits: CpuProfile = {
      startTime: 0,
      endTime: 1000,
      nodes: [
        { id: 1, callFrame: frame('a', 'x.js', 0), hitCount: 2 },
        { id: 2, callFrame: frame('b', 'x.js', 1), hitCount: 5 },
      ],
    };
    const r = rankProfile([hits], 1, ROOT);
    expect(r.functions).toHaveLength(1);
    expect(r.functions[0]).toMatchObject({ name: 'b', samples: 5 });
    expect(r.functions[0]!.percent).toBeCloseTo((100 * 5) / 7);
  });

  it('rejects a sample naming an unknown node and a non-positive top', () => {
    expect(() => rankProfile([{ ...profile, samples: [99] }], 3, ROOT)).toThrow(/unknown node 99/);
    expect(() => rankProfile([profile], 0, ROOT)).toThrow(/positive/);
  });

  it('renders Markdown tables with the busy percentage', () => {
    const md = renderMarkdown(rankProfile([profile], 2, ROOT));
    expect(md).toContain('| 40.0 % | `parse` | `dist/a.js:10` |');
    expect(md).toContain('| 50.0 % | `dist/a.js` |');
    expect(md).toContain('Busy samples: 10 of 12');
  });
});
