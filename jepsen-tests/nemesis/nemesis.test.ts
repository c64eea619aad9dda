/**
 * Proves each nemesis has an effect on real Atoll processes in network namespaces: a partition
 * makes connection attempts between the cut nodes time out (and only those), a one-way cut
 * blocks one direction, packet loss makes connects fail at random, kill -9 makes the port
 * refuse until restart (and committed data survives), SIGSTOP stalls a query until SIGCONT,
 * and libfaketime moves a running node's NOW(). Needs root, iproute2, iptables and faketime.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SeededRandom } from '../../src/base/clock.js';
import { Cluster, tcpProbe } from '../harness/cluster.js';
import { atollProgram } from '../harness/node-program.js';
import { assertPrerequisites } from '../harness/preflight.js';
import { openSqlConnection, type SqlConnection } from '../harness/sql-client.js';
import { probeFromNamespace } from '../harness/test-support/in-namespace.js';
import { applyLoss, healLoss } from './packet-loss.js';
import { applyGrudge, healPartitions, isolateOne, oneWay } from './partition.js';

let cluster: Cluster;
let logDir: string;

async function sql(n: number, queryTimeoutMs = 10_000): Promise<SqlConnection> {
  const node = cluster.node(n);
  return openSqlConnection({ host: node.address, port: node.sqlPort, connectTimeoutMs: 5_000, queryTimeoutMs });
}

beforeAll(async () => {
  assertPrerequisites({ netns: true, iptables: true, faketime: true });
  logDir = mkdtempSync(join(tmpdir(), 'jepsen-nemesis-test-'));
  cluster = await Cluster.start({ nodeCount: 3, program: atollProgram(), logDir, faketime: true });
}, 90_000);

afterAll(async () => {
  await cluster?.stop();
  rmSync(logDir, { recursive: true, force: true });
}, 30_000);

describe('partition', () => {
  it('isolating n1 makes n2 → n1 connects time out while the client and n2 → n3 still connect', async () => {
    const [n1, n3] = [cluster.node(1), cluster.node(3)];
    expect(await probeFromNamespace(cluster.node(2).namespace, n1.address, n1.sqlPort)).toBe('open');
    await applyGrudge(cluster, isolateOne([1, 2, 3], new SeededRandom(1), 1));
    try {
      expect(await probeFromNamespace(cluster.node(2).namespace, n1.address, n1.sqlPort)).toBe('timeout');
      expect(await probeFromNamespace(cluster.node(2).namespace, n3.address, n3.sqlPort)).toBe('open');
      expect(await tcpProbe(n1.address, n1.sqlPort, 2_000)).toBe('open');
    } finally {
      await healPartitions(cluster);
    }
    expect(await probeFromNamespace(cluster.node(2).namespace, n1.address, n1.sqlPort)).toBe('open');
  }, 60_000);

  it('a one-way cut (n2 drops from n1) blocks n1 → n2 but not n3 → n2', async () => {
    const n2 = cluster.node(2);
    await applyGrudge(cluster, oneWay([1, 2, 3], new SeededRandom(1), { from: 1, to: 2 }));
    try {
      expect(await probeFromNamespace(cluster.node(1).namespace, n2.address, n2.sqlPort)).toBe('timeout');
      expect(await probeFromNamespace(cluster.node(3).namespace, n2.address, n2.sqlPort)).toBe('open');
    } finally {
      await healPartitions(cluster);
    }
  }, 60_000);
});

describe('packet loss', () => {
  it('drops packets at random: with p=0.7 many connects fail, after healing none do', async () => {
    const n1 = cluster.node(1);
    await applyLoss(cluster, [1], 0.7);
    let failed = 0;
    try {
      for (let i = 0; i < 12; i++) if ((await tcpProbe(n1.address, n1.sqlPort, 400)) !== 'open') failed++;
    } finally {
      await healLoss(cluster);
    }
    // Each connect succeeds within 400 ms only if its first SYN survives (p = 0.3):
    // fewer than 3 failures out of 12 has probability below 1e-4.
    expect(failed).toBeGreaterThanOrEqual(3);
    for (let i = 0; i < 12; i++) expect(await tcpProbe(n1.address, n1.sqlPort, 2_000)).toBe('open');
  }, 60_000);
});

describe('kill -9', () => {
  it('makes the port refuse until restart, and committed rows survive', async () => {
    const n3 = cluster.node(3);
    const conn = await sql(3);
    await conn.query('CREATE DATABASE IF NOT EXISTS nemesis_test');
    await conn.query('CREATE TABLE IF NOT EXISTS nemesis_test.t (id INT PRIMARY KEY)');
    await conn.query('INSERT INTO nemesis_test.t (id) VALUES (1), (2), (3)');
    await conn.close();
    await cluster.kill(3);
    expect(n3.state).toBe('down');
    expect(await tcpProbe(n3.address, n3.sqlPort, 2_000)).toBe('refused');
    await cluster.startNode(3);
    const again = await sql(3);
    expect(await again.rows('SELECT COUNT(*) FROM nemesis_test.t')).toEqual([['3']]);
    await again.close();
  }, 90_000);
});

describe('pause', () => {
  it('SIGSTOP stalls a query until SIGCONT', async () => {
    const conn = await sql(2, 30_000);
    expect(await conn.rows('SELECT 1')).toEqual([['1']]);
    cluster.pause(2);
    let answered = false;
    const pending = conn.rows('SELECT 2').then((rows) => {
      answered = true;
      return rows;
    });
    try {
      await new Promise((r) => setTimeout(r, 1_500));
      expect(answered).toBe(false);
    } finally {
      cluster.resume(2);
    }
    expect(await pending).toEqual([['2']]);
    await conn.close();
  }, 60_000);
});

describe('clock', () => {
  it("libfaketime moves a running node's NOW() forward and back", async () => {
    const conn = await sql(1);
    const nowOf = async (): Promise<number> => Date.parse(((await conn.rows('SELECT NOW()'))[0]?.[0] ?? '').replace(' ', 'T') + 'Z');
    // NOW() is the node's local time; compare differences only, so the time zone cancels out.
    const before = await nowOf();
    cluster.setClock(1, '+86400s');
    const jumped = await nowOf();
    cluster.setClock(1, '+0');
    const back = await nowOf();
    await conn.close();
    expect(jumped - before).toBeGreaterThan(86_000_000);
    expect(jumped - before).toBeLessThan(87_000_000);
    expect(Math.abs(back - before)).toBeLessThan(60_000);
  }, 60_000);
});
