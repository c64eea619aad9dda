/**
 * Proves the namespace harness starts real Atoll nodes that the client reaches at their
 * private addresses and that reach each other, and that it removes everything it made —
 * processes, namespaces, the root veth, the temp folder — on a clean stop, after a failed
 * start, and (the `cleanup` command) for leftovers of a crashed run found by name prefix.
 */
import { describe, expect, it } from 'vitest';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { spawn } from 'node:child_process';
import { cleanupLeftovers, listLinks, listNamespaces } from './cleanup.js';
import { Cluster, ClusterStartError } from './cluster.js';
import { runCommandSync } from './exec.js';
import { pendingUndoCount } from './exit-guard.js';
import { resourcePrefix } from './names.js';
import { atollProgram, type NodeProgram } from './node-program.js';
import { assertPrerequisites } from './preflight.js';
import { openSqlConnection } from './sql-client.js';
import { probeFromNamespace } from './test-support/in-namespace.js';

function leftovers(runId: string): string[] {
  const prefix = `${resourcePrefix}${runId}`;
  return [...listNamespaces(prefix), ...listLinks(prefix), ...(existsSync(join(tmpdir(), prefix)) ? [prefix] : [])];
}

describe('cluster harness', () => {
  it('starts 3 nodes in namespaces, serves SQL on each, and leaves nothing behind', async () => {
    assertPrerequisites({ netns: true, iptables: false, faketime: false });
    const logDir = mkdtempSync(join(tmpdir(), 'jepsen-cluster-test-'));
    const cluster = await Cluster.start({ nodeCount: 3, program: atollProgram(), logDir, faketime: false });
    const runId = cluster.network.names.runId;
    const pids = cluster.nodes.map((n) => n.pid as number);
    try {
      expect(listNamespaces(`${resourcePrefix}${runId}`).sort()).toEqual(
        [`${resourcePrefix}${runId}-br`, `${resourcePrefix}${runId}-n1`, `${resourcePrefix}${runId}-n2`, `${resourcePrefix}${runId}-n3`],
      );
      for (const node of cluster.nodes) {
        expect(node.address).toMatch(/^10\.213\.\d+\.1[1-3]$/);
        const conn = await openSqlConnection({ host: node.address, port: node.sqlPort, connectTimeoutMs: 5_000, queryTimeoutMs: 10_000 });
        expect(await conn.rows('SELECT 1 + 1')).toEqual([['2']]);
        await conn.close();
        // Each node process lives inside its own namespace.
        expect(runCommandSync('ip', ['netns', 'pids', node.namespace]).split(/\s+/)).toContain(String(node.pid));
      }
      expect(await probeFromNamespace(cluster.node(2).namespace, cluster.node(3).address, cluster.node(3).sqlPort)).toBe('open');
    } finally {
      await cluster.stop();
      rmSync(logDir, { recursive: true, force: true });
    }
    expect(leftovers(runId)).toEqual([]);
    expect(cluster.nodes.every((n) => n.state === 'down')).toBe(true);
    // The node processes are gone (signal 0 only checks existence). No probe of the old
    // addresses here: without the run's veth, 10.213.X.Y would be routed off this machine.
    for (const pid of pids) expect(() => process.kill(pid, 0)).toThrow();
    expect(pendingUndoCount()).toBe(0);
  }, 90_000);

  it('cleans up after a node that fails to start', async () => {
    assertPrerequisites({ netns: true, iptables: false, faketime: false });
    const broken: NodeProgram = {
      name: 'broken',
      sqlPort: 2881,
      readyPattern: /never printed/,
      command: () => ({ file: process.execPath, args: ['-e', 'process.exit(3)'], env: {} }),
    };
    const logDir = mkdtempSync(join(tmpdir(), 'jepsen-cluster-test-'));
    const failure = await Cluster.start({ nodeCount: 2, program: broken, logDir, faketime: false }).then(
      () => null,
      (error: unknown) => error,
    );
    rmSync(logDir, { recursive: true, force: true });
    expect(failure).toBeInstanceOf(ClusterStartError);
    expect((failure as ClusterStartError).message).toMatch(/exited before it was ready/);
    expect(leftovers((failure as ClusterStartError).runId)).toEqual([]);
    expect(pendingUndoCount()).toBe(0);
  }, 60_000);

  it('`cleanup` removes a crashed run’s namespaces, their processes, links and folders by prefix', async () => {
    assertPrerequisites({ netns: true, iptables: false, faketime: false });
    const prefix = `${resourcePrefix}zz${Math.floor(Math.random() * 0xffff).toString(16)}`;
    runCommandSync('ip', ['netns', 'add', `${prefix}-n1`]);
    runCommandSync('ip', ['link', 'add', prefix.slice(0, 15), 'type', 'veth', 'peer', 'name', 'eth0', 'netns', `${prefix}-n1`]);
    const orphan = spawn('ip', ['netns', 'exec', `${prefix}-n1`, 'sleep', '300'], { stdio: 'ignore' });
    const exited = new Promise<string | null>((resolve) => orphan.once('exit', (_code, signal) => resolve(signal)));
    const folder = mkdtempSync(join(tmpdir(), prefix));
    await new Promise((r) => setTimeout(r, 300));
    const report = cleanupLeftovers(prefix);
    expect(report.namespaces).toEqual([`${prefix}-n1`]);
    // The veth went with the namespace that held its peer, or was deleted by name.
    expect(report.links.every((l) => l.startsWith(prefix.slice(0, 15)))).toBe(true);
    expect(await exited).toBe('SIGKILL');
    expect(existsSync(folder)).toBe(false);
    expect(listNamespaces(prefix)).toEqual([]);
    expect(listLinks(prefix)).toEqual([]);
  }, 30_000);
});

