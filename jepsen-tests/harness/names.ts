/**
 * Names and addresses of what one run creates. Everything carries the prefix `atoll-j-` so
 * that `cleanup` can find leftovers of a crashed run by name; each run adds a short random id
 * so that concurrent runs do not collide. Addresses live in 10.213.X.0/24, which exists only
 * inside the run's namespaces (and on the one root-namespace veth that reaches them).
 */
import { randomBytes } from 'node:crypto';
import { assert } from '../../src/base/assert.js';

/** Prefix of every namespace, link and temp folder the harness creates. */
export const resourcePrefix = 'atoll-j-';

/** Node numbers are 1-based, as in Jepsen's n1…n5. */
export type NodeNumber = number;

/** Names and addresses of one run's network. */
export interface RunNames {
  readonly runId: string;
  /** Third octet X of 10.213.X.0/24. */
  readonly subnetOctet: number;
  readonly bridgeNamespace: string;
  /** The veth end in the root namespace (≤ 15 characters, the kernel's limit). */
  readonly rootLink: string;
  readonly clientAddress: string;
}

/** A fresh run id: 4 hex digits. */
export function newRunId(): string {
  return randomBytes(2).toString('hex');
}

/** The names of run `runId` on subnet 10.213.`subnetOctet`.0/24. */
export function runNames(runId: string, subnetOctet: number): RunNames {
  assert(/^[0-9a-f]{4}$/.test(runId), 'run id is 4 hex digits');
  assert(Number.isInteger(subnetOctet) && subnetOctet >= 1 && subnetOctet <= 254, 'subnet octet in 1..254');
  const rootLink = `${resourcePrefix}${runId}`;
  assert(rootLink.length <= 15, 'interface names have at most 15 characters');
  return {
    runId,
    subnetOctet,
    bridgeNamespace: `${resourcePrefix}${runId}-br`,
    rootLink,
    clientAddress: `10.213.${subnetOctet}.1`,
  };
}

/** Namespace of node `n`. */
export function nodeNamespace(names: RunNames, n: NodeNumber): string {
  return `${names.bridgeNamespace.slice(0, -'br'.length)}n${n}`;
}

/** Address of node `n` (10.213.X.10+n). */
export function nodeAddress(names: RunNames, n: NodeNumber): string {
  assert(n >= 1 && n <= 200, 'node number in 1..200');
  return `10.213.${names.subnetOctet}.${10 + n}`;
}

// Subnets (third octets) whose veth into the root namespace exists right now.
const liveSubnets = new Set<number>();

/** Marks 10.213.`octet`.0/24 as reachable through a live run network (or no longer). */
export function setSubnetLive(octet: number, live: boolean): void {
  if (live) liveSubnets.add(octet);
  else liveSubnets.delete(octet);
}

/**
 * Asserts that `host` is loopback or a node of a live run network. Without the run's veth,
 * a 10.213.X.Y address would be routed off this machine — traffic that must never leave it.
 */
export function assertHarnessTarget(host: string): void {
  if (host === 'localhost' || host.startsWith('127.') || host === '::1') return;
  const m = /^10\.213\.(\d+)\.\d+$/.exec(host);
  assert(m !== null && liveSubnets.has(Number(m[1])), `refusing to send traffic to ${host}: not loopback and not inside a live harness network`);
}
