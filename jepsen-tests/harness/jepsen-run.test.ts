/**
 * End to end: a short run of the register, set and bank workloads against 3 namespaced Atoll
 * nodes under kill -9 and SIGSTOP passes every checker and writes its report; the same kind of
 * run against nodes started with ATOLL_TESTONLY_ACK_BEFORE_DURABLE=1 (commits acknowledged
 * before they are durable) is caught by the set or register checker. Needs root, iproute2 and
 * iptables; spawns the built server (dist/).
 */
import { describe, expect, it } from 'vitest';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { listNamespaces } from './cleanup.js';
import { pendingUndoCount } from './exit-guard.js';
import { runJepsen } from './jepsen-run.js';
import { assertPrerequisites } from './preflight.js';

describe('jepsen run', () => {
  it('register + set + bank under kill and pause: valid, with a report', async () => {
    assertPrerequisites({ netns: true, iptables: true, faketime: false });
    const storeDir = mkdtempSync(join(tmpdir(), 'jepsen-run-test-'));
    try {
      const outcome = await runJepsen({
        workloads: ['register', 'set', 'bank'],
        nemeses: ['kill', 'pause'],
        nodeCount: 3,
        timeMs: 16_000,
        seed: 4,
        healMs: 1_000,
        faultMs: { min: 1_500, max: 3_000 },
        quietMs: { min: 1_500, max: 2_500 },
        storeDir,
      });
      expect(outcome.errors).toEqual([]);
      expect(outcome.nemesisWindows).toBeGreaterThanOrEqual(3);
      for (const w of outcome.workloads) {
        expect({ workload: w.workload, valid: w.valid, anomalies: w.anomalies }).toEqual({ workload: w.workload, valid: true, anomalies: {} });
        expect(w.counts.ok).toBeGreaterThanOrEqual(10);
      }
      expect(outcome.valid).toBe(true);
      const history = readFileSync(join(outcome.dir, 'history.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l) as { process: unknown; f: string; value: { kind?: string } });
      const faults = history.filter((op) => op.process === 'nemesis' && op.f === 'start').map((op) => op.value.kind);
      expect(faults).toContain('kill');
      expect(faults).toContain('pause');
      expect(history.some((op) => typeof op.process === 'number' && (op as { commitTs?: string }).commitTs !== undefined)).toBe(true);
      const html = readFileSync(join(outcome.dir, 'index.html'), 'utf8');
      expect(html).toContain('<svg');
      expect(html).toContain('kill -9 n1');
      expect(JSON.parse(readFileSync(join(outcome.dir, 'results.json'), 'utf8')).valid).toBe(true);
      expect(listNamespaces().filter((ns) => ns.includes(outcome.run))).toEqual([]);
      expect(pendingUndoCount()).toBe(0);
    } finally {
      rmSync(storeDir, { recursive: true, force: true });
    }
  }, 120_000);

  it('catches the planted bug (ack before durable) with set + register under kill -9', async () => {
    assertPrerequisites({ netns: true, iptables: true, faketime: false });
    const storeDir = mkdtempSync(join(tmpdir(), 'jepsen-run-test-'));
    try {
      const outcome = await runJepsen({
        workloads: ['set', 'register'],
        nemeses: ['kill'],
        nodeCount: 1,
        timeMs: 12_000,
        seed: 7,
        concurrency: 6,
        healMs: 1_000,
        plantedBug: true,
        faultMs: { min: 300, max: 600 },
        quietMs: { min: 1_500, max: 2_500 },
        storeDir,
      });
      expect(existsSync(join(outcome.dir, 'n1.log'))).toBe(true);
      expect(readFileSync(join(outcome.dir, 'n1.log'), 'utf8')).toContain('TEST ONLY: commits are acknowledged before they are durable');
      expect(outcome.valid).toBe(false);
      const caught = outcome.workloads.filter((w) => w.valid === false).map((w) => w.workload);
      expect(caught.length).toBeGreaterThan(0);
    } finally {
      rmSync(storeDir, { recursive: true, force: true });
    }
  }, 120_000);
});
