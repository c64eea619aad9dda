/**
 * One simulated host: a RawNode over a MemoryStorage that stands for its disk, a tiny state
 * machine (a hash chain over applied entries) and the persist-then-advance loop. A crash
 * drops everything but the storage, so writes not yet persisted are lost.
 */
import { assert } from '../../src/base/assert.js';
import type { Random } from '../../src/base/clock.js';
import type { LogIndex, NodeId } from '../../src/base/ids.js';
import { logIndex } from '../../src/base/ids.js';
import { decodeConfChange } from '../conf-change.js';
import type { RaftConfig } from '../config.js';
import { RawNode } from '../raw-node.js';
import { MemoryStorage } from '../storage.js';
import type { ConfState, Entry, Ready, Snapshot } from '../types.js';

/** The replicated state: how many entries were applied and a hash of all of them in order. */
export interface MachineState {
  readonly index: LogIndex;
  readonly hash: number;
}

/** Text of an entry's data (the simulator only proposes text). */
export function entryText(e: Entry): string {
  return new TextDecoder().decode(e.data);
}

/** FNV-1a over the previous hash, the entry type and its data. */
export function chainHash(prev: number, e: Entry): number {
  let h = (prev ^ 0x811c9dc5) >>> 0;
  const mix = (b: number): void => {
    h ^= b;
    h = Math.imul(h, 0x01000193) >>> 0;
  };
  mix(e.type === 'confChange' ? 1 : 0);
  for (const b of e.data) mix(b);
  mix(e.data.length & 0xff);
  return h;
}

export function encodeMachine(m: MachineState): Uint8Array {
  return new TextEncoder().encode(JSON.stringify(m));
}

export function decodeMachine(data: Uint8Array): MachineState {
  if (data.length === 0) return { index: logIndex(0), hash: 0 };
  const parsed = JSON.parse(new TextDecoder().decode(data)) as { index: number; hash: number };
  return { index: logIndex(parsed.index), hash: parsed.hash };
}

/** What the host reports to the simulation while it persists and applies. */
export interface SimNodeHooks {
  /** Entries just written to this node's disk (log matching is checked here). */
  persisted(node: SimNode, entries: readonly Entry[]): void;
  /** A snapshot was installed from the leader. */
  installedSnapshot(node: SimNode, snapshot: Snapshot): void;
  /** One entry was applied, giving the machine state after it. */
  applied(node: SimNode, entry: Entry, after: MachineState): void;
}

/** One simulated node; `raw` is undefined while it is down. */
export class SimNode {
  readonly id: NodeId;
  /** The node's disk: survives crashes. */
  readonly storage: MemoryStorage;
  raw: RawNode | undefined = undefined;
  /** Bumped on every start, so events of a previous life are recognised and dropped. */
  incarnation = 0;
  machine: MachineState = { index: logIndex(0), hash: 0 };
  confState: ConfState;
  /** The Ready being persisted (disk write in progress). */
  inFlight: Ready | undefined = undefined;
  /** Virtual time units per tick: tick skew makes some nodes' clocks run faster. */
  tickPeriod: number;
  /** Longest time a disk write (persisting a Ready) takes, in virtual time units. */
  diskDelayMax = 4;
  /** Apply entries since the last snapshot before taking a new one. */
  private readonly snapshotEvery: number;

  constructor(id: NodeId, storage: MemoryStorage, tickPeriod: number, snapshotEvery: number) {
    this.id = id;
    this.storage = storage;
    this.tickPeriod = tickPeriod;
    this.snapshotEvery = snapshotEvery;
    this.confState = storage.initialState().confState;
  }

  isUp(): boolean {
    return this.raw !== undefined;
  }

  /** (Re)starts the node from its disk: the machine from the snapshot, Raft from the log. */
  start(makeConfig: (id: NodeId, storage: MemoryStorage, random: Random) => RaftConfig, random: Random): void {
    assert(this.raw === undefined, 'node already up');
    const snap = this.storage.snapshot();
    assert(snap !== undefined, 'memory storage always has a snapshot');
    this.machine = decodeMachine(snap.data);
    this.confState = snap.metadata.confState;
    const config = { ...makeConfig(this.id, this.storage, random), applied: snap.metadata.index };
    this.raw = new RawNode(config);
    this.incarnation++;
    this.inFlight = undefined;
  }

  /** Stops the node: memory is lost, the disk stays as written. */
  crash(): void {
    this.raw = undefined;
    this.inFlight = undefined;
    this.incarnation++;
  }

  /** Writes a Ready's snapshot, entries and hard state to disk (what a crash keeps). */
  persist(ready: Ready, hooks: SimNodeHooks): void {
    if (ready.snapshot !== undefined) {
      this.storage.applySnapshot(ready.snapshot);
      this.machine = decodeMachine(ready.snapshot.data);
      this.confState = ready.snapshot.metadata.confState;
      hooks.installedSnapshot(this, ready.snapshot);
    }
    if (ready.entries.length > 0) {
      this.storage.append(ready.entries);
      hooks.persisted(this, ready.entries);
    }
    if (ready.hardState !== undefined) {
      const before = this.storage.getHardState();
      assert(ready.hardState.commit >= before.commit || ready.hardState.term > before.term, `durable commit went back on node ${this.id}`);
      this.storage.setHardState(ready.hardState);
    }
  }

  /** Applies committed entries to the machine and switches membership on conf changes. */
  apply(entries: readonly Entry[], hooks: SimNodeHooks): void {
    const raw = this.raw;
    assert(raw !== undefined, 'apply on a down node');
    for (const e of entries) {
      if (e.index <= this.machine.index) continue; // covered by an installed snapshot
      assert(e.index === this.machine.index + 1, `node ${this.id} applies ${e.index} after ${this.machine.index}`);
      if (e.type === 'confChange') this.confState = raw.applyConfChange(decodeConfChange(e.data));
      this.machine = { index: e.index, hash: chainHash(this.machine.hash, e) };
      hooks.applied(this, e, this.machine);
    }
  }

  /** Takes a snapshot and compacts the log when enough was applied since the last one. */
  maybeSnapshot(random: Random): void {
    const snapIndex = this.storage.snapshot()!.metadata.index;
    if (this.machine.index - snapIndex < this.snapshotEvery) return;
    if (this.machine.index > this.storage.lastIndex()) return;
    this.storage.createSnapshot(this.machine.index, this.confState, encodeMachine(this.machine));
    // Keep a few entries so slow followers can often catch up without a snapshot.
    const keep = random.int(4);
    const compactTo = logIndex(Math.max(this.storage.firstIndex() - 1, this.machine.index - keep));
    this.storage.compact(compactTo);
  }
}
