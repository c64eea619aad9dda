/**
 * Random packet loss without netem (this kernel has none): an iptables rule inside a node's
 * namespace drops each incoming packet with probability p (`-m statistic --mode random`).
 * TCP retransmits what is lost, so clients see latency spikes and occasional timeouts.
 */
import { assert } from '../../src/base/assert.js';
import type { Cluster } from '../harness/cluster.js';
import type { NodeNumber } from '../harness/names.js';
import { ensureChain, flushChain } from './partition.js';

/** The harness's own chain for loss rules inside each node namespace. */
export const lossChain = 'ATOLL_J_LOSS';

/** Drops each packet arriving at `nodes` with probability `probability`. */
export async function applyLoss(cluster: Cluster, nodes: readonly NodeNumber[], probability: number): Promise<void> {
  assert(probability > 0 && probability <= 1, 'loss probability in (0, 1]');
  for (const n of nodes) {
    await ensureChain(cluster, n, lossChain);
    await cluster.iptables(n, ['-A', lossChain, '-m', 'statistic', '--mode', 'random', '--probability', probability.toFixed(3), '-j', 'DROP']);
  }
}

/** Removes every loss rule on every node. */
export async function healLoss(cluster: Cluster): Promise<void> {
  for (const node of cluster.nodes) await flushChain(cluster, node.n, lossChain);
}
