/**
 * Network partitions as grudges (node → nodes whose packets it drops), after Jepsen's
 * `nemesis.combined`: random halves, one node isolated, a majority ring (each node sees a
 * majority, but no two nodes see the same one), and a one-way cut. Grudges are pure functions
 * of a seeded Random; `applyGrudge` turns one into iptables DROP rules inside the namespaces.
 */
import { assert } from '../../src/base/assert.js';
import type { Random } from '../../src/base/clock.js';
import type { Cluster } from '../harness/cluster.js';
import type { NodeNumber } from '../harness/names.js';
import type { Grudge, PartitionShape } from './fault.js';

/** Nodes 1..n in a random order. */
export function shuffled(nodes: readonly NodeNumber[], random: Random): NodeNumber[] {
  const out = [...nodes];
  for (let i = out.length - 1; i > 0; i--) {
    const j = random.int(i + 1);
    [out[i], out[j]] = [out[j] as NodeNumber, out[i] as NodeNumber];
  }
  return out;
}

/** Every node of `a` drops packets from every node of `b` and vice versa. */
export function bisect(a: readonly NodeNumber[], b: readonly NodeNumber[]): Grudge {
  const grudge: Record<number, NodeNumber[]> = {};
  for (const x of a) grudge[x] = [...b];
  for (const y of b) grudge[y] = [...a];
  return grudge;
}

/** A random split into a smaller and a larger half. */
export function randomHalves(nodes: readonly NodeNumber[], random: Random): Grudge {
  assert(nodes.length >= 2, 'a partition needs two nodes');
  const order = shuffled(nodes, random);
  const cut = Math.floor(order.length / 2);
  return bisect(order.slice(0, cut), order.slice(cut));
}

/** One node (random, or `target`) cut off from all others. */
export function isolateOne(nodes: readonly NodeNumber[], random: Random, target?: NodeNumber): Grudge {
  assert(nodes.length >= 2, 'a partition needs two nodes');
  const node = target ?? (nodes[random.int(nodes.length)] as NodeNumber);
  return bisect([node], nodes.filter((x) => x !== node));
}

/**
 * Majorities ring: nodes in a random ring; each node sees itself and its ⌊n/2⌋ nearest
 * neighbours and drops everyone else, so every node sees a majority but they all differ.
 */
export function majorityRing(nodes: readonly NodeNumber[], random: Random): Grudge {
  assert(nodes.length >= 3, 'a majority ring needs three nodes');
  const ring = shuffled(nodes, random);
  const n = ring.length;
  const reach = Math.floor(n / 2);
  const grudge: Record<number, NodeNumber[]> = {};
  ring.forEach((node, i) => {
    const visible = new Set<NodeNumber>([node]);
    for (let d = 1; visible.size < reach + 1; d++) {
      visible.add(ring[(i + d) % n] as NodeNumber);
      if (visible.size < reach + 1) visible.add(ring[(i - d + n) % n] as NodeNumber);
    }
    grudge[node] = ring.filter((x) => !visible.has(x));
  });
  return grudge;
}

/** One direction only: `to` drops packets from `from` (random pair unless given). */
export function oneWay(nodes: readonly NodeNumber[], random: Random, pair?: { from: NodeNumber; to: NodeNumber }): Grudge {
  assert(nodes.length >= 2, 'a partition needs two nodes');
  const [from, to] = pair === undefined ? shuffled(nodes, random) : [pair.from, pair.to];
  return { [to as NodeNumber]: [from as NodeNumber] };
}

/** A grudge of the given shape. */
export function grudgeOf(shape: PartitionShape, nodes: readonly NodeNumber[], random: Random): Grudge {
  switch (shape) {
    case 'halves': return randomHalves(nodes, random);
    case 'isolate': return isolateOne(nodes, random);
    case 'ring': return majorityRing(nodes, random);
    case 'one-way': return oneWay(nodes, random);
  }
}

/** Chain the harness owns inside each node namespace, so healing never touches other rules. */
export const partitionChain = 'ATOLL_J_PART';

/** Installs `grudge` as DROP rules (on INPUT, by source address) inside each node's namespace. */
export async function applyGrudge(cluster: Cluster, grudge: Grudge): Promise<void> {
  for (const [node, dropsFrom] of Object.entries(grudge)) {
    const n = Number(node);
    await ensureChain(cluster, n, partitionChain);
    for (const other of dropsFrom) {
      await cluster.iptables(n, ['-A', partitionChain, '-s', cluster.node(other).address, '-j', 'DROP']);
    }
  }
}

/** Removes every partition rule on every node. */
export async function healPartitions(cluster: Cluster): Promise<void> {
  for (const node of cluster.nodes) await flushChain(cluster, node.n, partitionChain);
}

/** Creates `chain` and jumps to it from INPUT, once per namespace. */
export async function ensureChain(cluster: Cluster, n: NodeNumber, chain: string): Promise<void> {
  const existing = await cluster.iptables(n, ['-S']);
  if (!existing.includes(`-N ${chain}`)) await cluster.iptables(n, ['-N', chain]);
  if (!existing.includes(`-A INPUT -j ${chain}`)) await cluster.iptables(n, ['-I', 'INPUT', '-j', chain]);
}

/** Empties `chain` on node `n` if it exists. */
export async function flushChain(cluster: Cluster, n: NodeNumber, chain: string): Promise<void> {
  const existing = await cluster.iptables(n, ['-S']);
  if (existing.includes(`-N ${chain}`)) await cluster.iptables(n, ['-F', chain]);
}
