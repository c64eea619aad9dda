/**
 * Throughput of the Raft core alone: entries per second committed (applied on the leader)
 * through a 3-node group in one process, storage in memory, messages delivered at once.
 * "batched" proposes `batchSize` entries per Ready cycle (one proposeBatch) and packs them
 * into large MsgApps;
 * "unbatched" runs one full Ready cycle per entry with one entry per MsgApp.
 * Run: node dist/bench/raft-core.js [--duration-ms N]
 */
import { SeededRandom } from '../src/base/clock.js';
import type { NodeId } from '../src/base/ids.js';
import { logIndex, nodeId } from '../src/base/ids.js';
import { defaultRaftConfig } from '../raft/config.js';
import { RawNode } from '../raft/raw-node.js';
import { MemoryStorage } from '../raft/storage.js';
import type { Message } from '../raft/types.js';
import { EMPTY_CONF_STATE } from '../raft/types.js';

/** What to measure. */
export interface RaftBenchOptions {
  /** Wall time per mode. */
  readonly durationMs?: number;
  /** Entries proposed per Ready cycle when batching. */
  readonly batchSize?: number;
  /** Payload bytes per entry. */
  readonly entryBytes?: number;
}

interface Group {
  readonly nodes: Map<NodeId, { raw: RawNode; storage: MemoryStorage; applied: number }>;
  readonly leader: NodeId;
}

function makeGroup(batching: boolean): Group {
  const voters = [nodeId(1), nodeId(2), nodeId(3)];
  const cs = { ...EMPTY_CONF_STATE, voters };
  const nodes = new Map<NodeId, { raw: RawNode; storage: MemoryStorage; applied: number }>();
  for (const id of voters) {
    const storage = MemoryStorage.bootstrap(cs);
    const config = { ...defaultRaftConfig(id, storage, new SeededRandom(id)), msgBytesMax: batching ? 1 << 20 : 0, applied: logIndex(storage.firstIndex() - 1) };
    nodes.set(id, { raw: new RawNode(config), storage, applied: 0 });
  }
  const group = { nodes, leader: nodeId(1) };
  nodes.get(nodeId(1))!.raw.campaign();
  settle(group);
  return group;
}

/** Runs every node's Ready loop, delivering messages at once, until nothing is left to do. */
function settle(group: Group): void {
  for (let progress = true; progress; ) {
    progress = false;
    const inbox: Message[] = [];
    for (const node of group.nodes.values()) {
      if (!node.raw.hasReady()) continue;
      progress = true;
      const ready = node.raw.ready();
      inbox.push(...ready.messages);
      if (ready.snapshot !== undefined) node.storage.applySnapshot(ready.snapshot);
      node.storage.append(ready.entries);
      if (ready.hardState !== undefined) node.storage.setHardState(ready.hardState);
      inbox.push(...ready.messagesAfterPersist);
      node.applied += ready.committedEntries.length;
      node.raw.advance(ready);
    }
    for (const m of inbox) group.nodes.get(m.to)!.raw.step(m);
  }
}

function measure(batching: boolean, durationMs: number, batchSize: number, payload: Uint8Array): number {
  const group = makeGroup(batching);
  const leader = group.nodes.get(group.leader)!;
  const batch = Array.from({ length: batchSize }, () => payload);
  const start = performance.now();
  const appliedAtStart = leader.applied;
  let compactedTo = 0;
  while (performance.now() - start < durationMs) {
    if (batching) leader.raw.proposeBatch(batch);
    else leader.raw.propose(payload);
    settle(group);
    // Keep memory flat: drop the applied prefix of every log now and then.
    if (leader.applied - compactedTo > 50_000) {
      for (const n of group.nodes.values()) {
        const st = n.raw.status();
        n.storage.createSnapshot(st.applied, st.confState, new Uint8Array(0));
        n.storage.compact(st.applied);
      }
      compactedTo = leader.applied;
    }
  }
  const seconds = (performance.now() - start) / 1000;
  return Math.round((leader.applied - appliedAtStart) / seconds);
}

/** Entries per second committed through a 3-node in-memory group, batched and unbatched. */
export async function runRaftBench(options: RaftBenchOptions = {}): Promise<Record<string, number>> {
  const durationMs = options.durationMs ?? 1500;
  const batchSize = options.batchSize ?? 256;
  const payload = new Uint8Array(options.entryBytes ?? 128).fill(7);
  return {
    batched_entries_per_s: measure(true, durationMs, batchSize, payload),
    unbatched_entries_per_s: measure(false, durationMs, batchSize, payload),
  };
}

async function main(): Promise<void> {
  const at = process.argv.indexOf('--duration-ms');
  const durationMs = at > 0 ? Number(process.argv[at + 1]) : undefined;
  const results = await runRaftBench(durationMs === undefined ? {} : { durationMs });
  process.stdout.write('raft core, 3 nodes in memory, 128-byte entries\n');
  for (const [name, value] of Object.entries(results)) process.stdout.write(`${name.padEnd(26)} ${value.toLocaleString('en-US').padStart(12)}\n`);
}

if (import.meta.url === `file://${process.argv[1]}`) await main();
