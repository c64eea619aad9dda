/**
 * The run's private network: one namespace per node, a bridge in a namespace of its own, and
 * one veth from the root namespace into the bridge so the harness's clients (in the root
 * namespace) reach every node at 10.213.X.(10+n). Nodes see each other and the client through
 * the bridge; partitions are iptables rules inside the node namespaces, so the root namespace's
 * firewall is never touched.
 *
 *   root ns: atoll-j-<id> 10.213.X.1 ──veth── [bridge ns: br0 ── vn1 … vnN] ──veth── eth0 10.213.X.(10+n) in node ns n
 */
import { randomInt } from 'node:crypto';
import { onExitUndo } from './exit-guard.js';
import { runCommand, runCommandSync, tryCommandSync } from './exec.js';
import { newRunId, nodeAddress, nodeNamespace, runNames, setSubnetLive, type NodeNumber, type RunNames } from './names.js';

/** One node's place in the network. */
export interface NetworkNode {
  readonly n: NodeNumber;
  readonly namespace: string;
  readonly address: string;
}

/** A created network; `destroy` removes every namespace and link of it. */
export interface Network {
  readonly names: RunNames;
  readonly nodes: readonly NetworkNode[];
  /** Runs a command inside node `n`'s namespace. */
  execIn(n: NodeNumber, file: string, args: readonly string[]): Promise<string>;
  /** Removes everything; safe to call twice. Kills processes still inside the namespaces. */
  destroy(): void;
}

/** Creates the network of `nodeCount` nodes. Cleans up what it made if a step fails. */
export function createNetwork(nodeCount: number): Network {
  const names = runNames(newRunId(), freeSubnetOctet());
  const undos: Array<() => void> = [];
  const made = (what: string, undo: () => void): void => {
    const unregister = onExitUndo(what, undo);
    undos.push(() => {
      undo();
      unregister();
    });
  };
  const destroy = (): void => {
    for (const undo of undos.splice(0).reverse()) undo();
  };
  try {
    addNamespace(names.bridgeNamespace, made);
    ip(['-n', names.bridgeNamespace, 'link', 'add', 'br0', 'type', 'bridge']);
    ip(['-n', names.bridgeNamespace, 'link', 'set', 'br0', 'up']);
    const nodes: NetworkNode[] = [];
    for (let n = 1; n <= nodeCount; n++) nodes.push(addNode(names, n, made));
    addRootLink(names, made);
    return {
      names,
      nodes,
      execIn: async (n, file, args) => (await runCommand('ip', ['netns', 'exec', nodeNamespace(names, n), file, ...args])).stdout,
      destroy,
    };
  } catch (error) {
    destroy();
    throw error;
  }
}

function addNode(names: RunNames, n: NodeNumber, made: (what: string, undo: () => void) => void): NetworkNode {
  const namespace = nodeNamespace(names, n);
  const address = nodeAddress(names, n);
  addNamespace(namespace, made);
  ip(['-n', names.bridgeNamespace, 'link', 'add', `vn${n}`, 'type', 'veth', 'peer', 'name', 'eth0', 'netns', namespace]);
  ip(['-n', names.bridgeNamespace, 'link', 'set', `vn${n}`, 'master', 'br0']);
  ip(['-n', names.bridgeNamespace, 'link', 'set', `vn${n}`, 'up']);
  ip(['-n', namespace, 'addr', 'add', `${address}/24`, 'dev', 'eth0']);
  ip(['-n', namespace, 'link', 'set', 'eth0', 'up']);
  ip(['-n', namespace, 'link', 'set', 'lo', 'up']);
  return { n, namespace, address };
}

function addRootLink(names: RunNames, made: (what: string, undo: () => void) => void): void {
  // Belt and braces beside assertHarnessTarget: the harness range is blackholed in the root
  // namespace, so once a run's /24 is gone, a stray packet to it is dropped here instead of
  // following the default route off this machine. Left in place on purpose (idempotent).
  ip(['route', 'replace', 'blackhole', '10.213.0.0/16']);
  ip(['link', 'add', names.rootLink, 'type', 'veth', 'peer', 'name', 'vc', 'netns', names.bridgeNamespace]);
  made(`link ${names.rootLink}`, () => {
    setSubnetLive(names.subnetOctet, false);
    tryCommandSync('ip', ['link', 'del', names.rootLink]);
  });
  ip(['-n', names.bridgeNamespace, 'link', 'set', 'vc', 'master', 'br0']);
  ip(['-n', names.bridgeNamespace, 'link', 'set', 'vc', 'up']);
  ip(['addr', 'add', `${names.clientAddress}/24`, 'dev', names.rootLink]);
  ip(['link', 'set', names.rootLink, 'up']);
  setSubnetLive(names.subnetOctet, true);
}

function addNamespace(namespace: string, made: (what: string, undo: () => void) => void): void {
  ip(['netns', 'add', namespace]);
  made(`netns ${namespace}`, () => deleteNamespace(namespace));
}

/** Kills every process inside `namespace` (SIGKILL), then deletes it. Best effort, synchronous. */
export function deleteNamespace(namespace: string): void {
  const pids = tryCommandSync('ip', ['netns', 'pids', namespace]) ?? '';
  for (const pid of pids.split(/\s+/).filter((p) => /^\d+$/.test(p))) {
    try {
      process.kill(Number(pid), 'SIGKILL');
    } catch {
      // already gone
    }
  }
  tryCommandSync('ip', ['netns', 'del', namespace]);
}

function ip(args: readonly string[]): void {
  runCommandSync('ip', args);
}

/** A third octet for 10.213.X.0/24 that no address on this host uses yet. */
function freeSubnetOctet(): number {
  const used = tryCommandSync('ip', ['-o', '-4', 'addr', 'show']) ?? '';
  for (let attempt = 0; attempt < 100; attempt++) {
    const octet = randomInt(1, 255);
    if (!used.includes(`10.213.${octet}.`)) return octet;
  }
  throw new Error('no free 10.213.X.0/24 subnet on this host');
}
