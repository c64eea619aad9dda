/**
 * Proves the report renders what a reader needs from a small history: a verdict per workload,
 * one bar per completed operation coloured by outcome, the nemesis window shaded with its
 * description, a latency dot per operation, HTML-escaped text; and that offending operations
 * are found from anomaly cases (by history index, and a set's lost elements by their adds).
 */
import { describe, expect, it } from 'vitest';
import type { HarnessOp } from '../harness/history-recorder.js';
import { renderHtmlReport } from './html-report.js';
import { offendingOps, type RunResult } from './run-result.js';

const ms = 1e6;
const history: HarnessOp[] = [
  { index: 0, process: 0, type: 'invoke', f: 'add', value: 1, time: 0, wallMs: 0, workload: 'set' },
  { index: 1, process: 0, type: 'ok', f: 'add', value: 1, time: 5 * ms, wallMs: 5, workload: 'set' },
  { index: 2, process: 'nemesis', type: 'info', f: 'start', value: { kind: 'kill', description: 'kill -9 n1 <x>' }, time: 6 * ms, wallMs: 6 },
  { index: 3, process: 1, type: 'invoke', f: 'add', value: 2, time: 7 * ms, wallMs: 7, workload: 'set' },
  { index: 4, process: 1, type: 'info', f: 'add', value: 2, time: 900 * ms, wallMs: 900, workload: 'set', error: 'timeout' },
  { index: 5, process: 'nemesis', type: 'info', f: 'stop', value: { kind: 'kill', description: 'kill -9 n1 <x>' }, time: 1000 * ms, wallMs: 1000 },
  { index: 6, process: 2, type: 'invoke', f: 'read', value: null, time: 1100 * ms, wallMs: 1100, workload: 'set' },
  { index: 7, process: 2, type: 'ok', f: 'read', value: [2], time: 1110 * ms, wallMs: 1110, workload: 'set' },
];

const result: RunResult = {
  run: 'test-run',
  valid: false,
  startedAt: '2026-01-01T00:00:00Z',
  parameters: { seed: 1 },
  workloads: [{ workload: 'set', valid: false, counts: { ok: 2, fail: 0, info: 1 }, anomalies: { lost: [1] }, offendingOps: offendingOps(history, { lost: [1] }), details: {} }],
  nemesisWindows: 1,
  errors: [],
};

describe('html report', () => {
  it('draws ops, the fault window and latencies, escaped', () => {
    const html = renderHtmlReport(history, result);
    expect(html).toContain('INVALID');
    expect(html.match(/<rect [^>]*fill="#3a9d23"/g)?.length).toBe(2);
    expect(html.match(/<rect [^>]*fill="#ff9f1c"/g)?.length).toBe(1);
    expect(html.match(/<circle /g)?.length).toBe(3);
    expect(html).toContain('kill -9 n1 &lt;x&gt;');
    expect(html).not.toContain('<x>');
  });

  it('finds offending ops by index and by lost element', () => {
    expect(offendingOps(history, { lost: [1] }).map((op) => op.index)).toEqual([0, 1]);
    expect(offendingOps(history, { 'wrong-total': [{ index: 6, total: 3 }] }).map((op) => op.index)).toEqual([6]);
  });
});
