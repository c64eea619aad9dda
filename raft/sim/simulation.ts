/**
 * The deterministic Raft simulator: a 3- or 5-voter group (plus spare nodes for membership
 * changes) in one process, on virtual time, driven by one seeded Random. A chaos phase mixes
 * client writes and reads with message drop, duplication, delay and reordering; symmetric,
 * one-way and ring partitions; crashes that lose unpersisted writes; tick skew; membership
 * changes and leadership transfers. Then every fault heals and a new write must commit on
 * every member within a bounded number of ticks. Invariants are checked after every event.
 * The same seed (and options) replays the same run exactly.
 */
import type { Random } from '../../src/base/clock.js';
import { SeededRandom } from '../../src/base/clock.js';
import type { LogIndex, NodeId } from '../../src/base/ids.js';
import { logIndex, nodeId } from '../../src/base/ids.js';
import type { ConfChangeSingle } from '../conf-change.js';
import type { RaftConfig, ReadOnlyOption, TestOnlyBugs } from '../config.js';
import { defaultRaftConfig } from '../config.js';
import { MemoryStorage } from '../storage.js';
import type { ConfState, Entry, Message, Ready, Snapshot } from '../types.js';
import { EMPTY_CONF_STATE } from '../types.js';
import { EventQueue } from './event-queue.js';
import { InvariantChecker, InvariantViolation } from './invariants.js';
import { SimNetwork, HEALTHY_LINKS } from './network.js';
import type { MachineState, SimNodeHooks } from './sim-node.js';
import { SimNode, encodeMachine, entryText } from './sim-node.js';

/** What to simulate. Everything not given is drawn from the seed. */
export interface SimOptions {
  readonly seed: number;
  /** Planted protocol bugs (tests only). */
  readonly bugs?: TestOnlyBugs;
  /** Voters at start: 3 or 5. */
  readonly voters?: 3 | 5;
  /** Virtual time units of the chaos phase (a tick is ~10 units); CHAOS_TIME_DEFAULT if not given. */
  readonly chaosTime?: number;
  /**
   * Ticks after healing within which a new write must commit everywhere. Defaults to
   * HEAL_TICKS_DEFAULT, scaled up in proportion for a chaos phase longer than the default.
   */
  readonly healTicksMax?: number;
  /** Keep a trace of the last events (slower); printed on failure by the CLI. */
  readonly trace?: boolean;
  /**
   * 'mixed' (default) draws every kind of fault; 'leaderChurn' crashes and isolates leaders
   * every few ticks under a heavy write load with one entry per message, which is what it
   * takes to reach Raft's Figure 8 (an old-term entry committed by counting replicas).
   */
  readonly profile?: SimProfile;
}

/** Which fault mix a run draws from. */
export type SimProfile = 'mixed' | 'leaderChurn';

/** Counters describing a run. */
export interface SimStats {
  events: number;
  leaders: number;
  acked: number;
  reads: number;
  crashes: number;
  partitions: number;
  confChanges: number;
  transfers: number;
  snapshotsInstalled: number;
  finalCommit: number;
}

/** Outcome of one seed. `violation` says which property broke. */
export interface SimResult {
  readonly seed: number;
  readonly ok: boolean;
  readonly violation?: string;
  readonly stats: SimStats;
  readonly config: string;
  readonly trace: readonly string[];
}

type SimEvent =
  | { readonly kind: 'tick'; readonly node: NodeId; readonly incarnation: number }
  | { readonly kind: 'deliver'; readonly msg: Message }
  | { readonly kind: 'persisted'; readonly node: NodeId; readonly incarnation: number }
  | { readonly kind: 'client' }
  | { readonly kind: 'fault' }
  | { readonly kind: 'restart'; readonly node: NodeId }
  | { readonly kind: 'heal' }
  | { readonly kind: 'probe' };

const TICK_UNITS = 10;
const CHAOS_TIME_DEFAULT = 2500;
const HEAL_TICKS_DEFAULT = 150;
const TRACE_LINES = 300;
/** A run that needs more events than this is broken (message storm): stop it. */
const EVENTS_MAX = 400_000;

interface GroupSettings {
  readonly voters: number;
  readonly preVote: boolean;
  readonly checkQuorum: boolean;
  readonly readOnly: ReadOnlyOption;
  readonly msgBytesMax: number;
  readonly inflightMsgsMax: number;
  readonly heartbeatTicks: number;
  readonly skewMax: number;
  readonly snapshotEvery: number;
}

/** Runs one seed to completion and reports the first violation, if any. */
export function runSimulation(options: SimOptions): SimResult {
  return new Simulation(options).run();
}

class Simulation implements SimNodeHooks {
  private readonly random: Random;
  private readonly settings: GroupSettings;
  private readonly queue = new EventQueue<SimEvent>();
  private readonly network: SimNetwork;
  private readonly nodes: SimNode[] = [];
  private readonly checker = new InvariantChecker();
  private readonly trace: string[] = [];
  private readonly stats: SimStats = {
    events: 0, leaders: 0, acked: 0, reads: 0, crashes: 0, partitions: 0, confChanges: 0, transfers: 0, snapshotsInstalled: 0, finalCommit: 0,
  };
  private time = 0;
  private readonly chaosEnd: number;
  private readonly healTicksMax: number;
  private readonly deadline: number;
  private healed = false;
  private done = false;
  private nextId = 0;
  /** Writes not yet acknowledged: payload → who proposed it. */
  private readonly pendingWrites = new Map<string, { node: NodeId; incarnation: number }>();
  /** Reads not yet answered: context → who asked and the newest write acknowledged before. */
  private readonly pendingReads = new Map<string, { node: NodeId; incarnation: number; ackedBefore: LogIndex }>();
  /** Nodes ever removed from the group: never re-added (their disks are stale). */
  private readonly removed = new Set<NodeId>();
  private marker: { payload: string; index?: LogIndex } | undefined = undefined;

  constructor(private readonly options: SimOptions) {
    this.random = new SeededRandom(options.seed);
    this.network = new SimNetwork(this.random);
    this.settings = this.drawSettings();
    this.chaosEnd = options.chaosTime ?? CHAOS_TIME_DEFAULT;
    // After healing, a member may have to catch up on most of the log one entry per round
    // trip (msgBytesMax 0, one message in flight, no snapshot taken yet with snapshotEvery
    // 1000), and the log grows with the chaos phase: so does the bound.
    this.healTicksMax = options.healTicksMax ?? Math.ceil(HEAL_TICKS_DEFAULT * Math.max(1, this.chaosEnd / CHAOS_TIME_DEFAULT));
    this.deadline = this.chaosEnd + this.healTicksMax * TICK_UNITS;
  }

  private drawSettings(): GroupSettings {
    const r = this.random;
    const pick = <T>(xs: readonly T[]): T => xs[r.int(xs.length)]!;
    const checkQuorum = r.next() < 0.7;
    const churn = this.options.profile === 'leaderChurn';
    return {
      voters: this.options.voters ?? (churn ? 5 : pick([3, 5] as const)),
      preVote: r.next() < 0.7,
      checkQuorum,
      readOnly: checkQuorum && r.next() < 0.5 ? 'leaseBased' : 'safe',
      msgBytesMax: churn ? 0 : pick([0, 64, 1 << 20]),
      inflightMsgsMax: churn ? 1 : pick([1, 4, 256]),
      heartbeatTicks: pick([1, 2, 3]),
      skewMax: pick([0, 0.05, 0.1]),
      snapshotEvery: pick([5, 20, 1000]),
    };
  }

  private raftConfig(id: NodeId, storage: MemoryStorage, random: Random): RaftConfig {
    const s = this.settings;
    const base = defaultRaftConfig(id, storage, random);
    return {
      ...base,
      heartbeatTicks: s.heartbeatTicks,
      preVote: s.preVote,
      checkQuorum: s.checkQuorum,
      readOnlyOption: s.readOnly,
      // Tick periods differ by up to a factor (1+skew)/(1-skew); see DESIGN.md on leases.
      leaseDriftTicks: 3,
      msgBytesMax: s.msgBytesMax,
      inflightMsgsMax: s.inflightMsgsMax,
      testOnlyBugs: this.options.bugs,
    };
  }

  // ---- setup and main loop ----

  run(): SimResult {
    let violation: string | undefined;
    try {
      this.setup();
      this.loop();
      if (!this.done) this.fail(`liveness: no write committed on every member within ${this.healTicksMax} ticks of healing`);
    } catch (e) {
      violation = e instanceof InvariantViolation ? e.message : `${(e as Error).name}: ${(e as Error).message}`;
      this.note(`VIOLATION ${violation}`);
      if (this.options.trace === true) for (const line of this.describeNodes()) this.trace.push(line);
    }
    this.stats.leaders = this.checker.leaderChanges;
    this.stats.acked = this.checker.acked.size;
    return { seed: this.options.seed, ok: violation === undefined, violation, stats: this.stats, config: JSON.stringify(this.settings), trace: this.trace };
  }

  private setup(): void {
    const s = this.settings;
    const voters = Array.from({ length: s.voters }, (_, k) => nodeId(k + 1));
    const spares = 2;
    const cs: ConfState = { ...EMPTY_CONF_STATE, voters };
    for (let k = 1; k <= s.voters + spares; k++) {
      const id = nodeId(k);
      const storage = k <= s.voters ? MemoryStorage.bootstrap(cs, encodeMachine({ index: logIndex(1), hash: 0 })) : new MemoryStorage();
      this.nodes.push(new SimNode(id, storage, TICK_UNITS, s.snapshotEvery));
      this.startNode(this.nodes[k - 1]!);
    }
    this.queue.push(5, { kind: 'client' });
    this.queue.push(100, { kind: 'fault' });
    this.queue.push(this.chaosEnd, { kind: 'heal' });
  }

  private startNode(node: SimNode): void {
    const seed = (this.options.seed * 7919 + node.id * 104729 + node.incarnation * 31) >>> 0;
    node.start((id, storage, random) => this.raftConfig(id, storage, random), new SeededRandom(seed));
    this.queue.push(this.time + 1 + this.random.int(node.tickPeriod), { kind: 'tick', node: node.id, incarnation: node.incarnation });
  }

  private loop(): void {
    while (!this.done) {
      const next = this.queue.pop();
      if (next === undefined || next.time > this.deadline) return;
      this.time = next.time;
      if (++this.stats.events > EVENTS_MAX) this.fail(`runaway: more than ${EVENTS_MAX} events (queue ${this.queue.size()})`);
      this.handle(next.event);
      this.pumpAll();
      this.checker.afterEvent(this.nodes);
    }
  }

  private handle(ev: SimEvent): void {
    switch (ev.kind) {
      case 'tick':
        return this.onTick(ev.node, ev.incarnation);
      case 'deliver':
        return this.onDeliver(ev.msg);
      case 'persisted':
        return this.onPersisted(ev.node, ev.incarnation);
      case 'client':
        return this.onClient();
      case 'fault':
        return this.onFault();
      case 'restart':
        return this.restart(ev.node);
      case 'heal':
        return this.onHeal();
      case 'probe':
        return this.onProbe();
    }
  }

  private node(id: NodeId): SimNode {
    return this.nodes[id - 1]!;
  }

  private onTick(id: NodeId, incarnation: number): void {
    const node = this.node(id);
    if (node.raw === undefined || node.incarnation !== incarnation) return;
    node.raw.tick();
    this.queue.push(this.time + node.tickPeriod, { kind: 'tick', node: id, incarnation });
  }

  private onDeliver(msg: Message): void {
    const to = this.node(msg.to);
    const delivered = to.raw !== undefined && this.network.canDeliver(msg.from, msg.to);
    if (delivered) {
      if (this.options.trace === true) this.note(`deliver ${describeMessage(msg)}`);
      to.raw!.step(msg);
    }
    if (msg.type === 'MsgSnap') this.node(msg.from).raw?.reportSnapshot(msg.to, delivered);
  }

  // ---- the host loop: ready → send → persist → send → apply → advance ----

  private pumpAll(): void {
    for (const node of this.nodes) this.pump(node);
  }

  private pump(node: SimNode): void {
    for (let rounds = 0; rounds < 100; rounds++) {
      const raw = node.raw;
      if (raw === undefined || node.inFlight !== undefined || !raw.hasReady()) return;
      const ready = raw.ready();
      if (ready.softState?.role === 'leader' && this.options.trace === true) this.note(`node ${node.id} leads term ${raw.raft.term}`);
      this.sendAll(ready.messages);
      const needsDisk = ready.entries.length > 0 || ready.hardState !== undefined || ready.snapshot !== undefined;
      if (needsDisk) {
        node.inFlight = ready;
        this.queue.push(this.time + 1 + this.random.int(node.diskDelayMax), { kind: 'persisted', node: node.id, incarnation: node.incarnation });
        return;
      }
      this.complete(node, ready);
    }
  }

  private onPersisted(id: NodeId, incarnation: number): void {
    const node = this.node(id);
    const ready = node.inFlight;
    if (node.raw === undefined || node.incarnation !== incarnation || ready === undefined) return;
    node.inFlight = undefined;
    this.complete(node, ready);
  }

  private complete(node: SimNode, ready: Ready): void {
    node.persist(ready, this);
    this.sendAll(ready.messagesAfterPersist);
    node.apply(ready.committedEntries, this);
    for (const rs of ready.readStates) this.readAnswered(node, new TextDecoder().decode(rs.context), rs.index);
    node.raw!.advance(ready);
    node.maybeSnapshot(this.random);
  }

  private sendAll(msgs: readonly Message[]): void {
    for (const m of msgs) {
      const copies = this.network.plan();
      if (copies.length === 0 && m.type === 'MsgSnap') this.node(m.from).raw?.reportSnapshot(m.to, false);
      for (const delay of copies) this.queue.push(this.time + delay, { kind: 'deliver', msg: m });
    }
  }

  // ---- hooks from nodes ----

  persisted(node: SimNode, entries: readonly Entry[]): void {
    this.checker.persisted(node, entries);
  }

  installedSnapshot(node: SimNode, snapshot: Snapshot): void {
    this.stats.snapshotsInstalled++;
    this.checker.installedSnapshot(node, snapshot);
  }

  applied(node: SimNode, entry: Entry, after: MachineState): void {
    this.checker.applied(node, entry, after);
    if (entry.type === 'confChange') this.stats.confChanges++;
    const payload = entryText(entry);
    const pending = this.pendingWrites.get(payload);
    if (pending !== undefined && pending.node === node.id && pending.incarnation === node.incarnation) {
      this.pendingWrites.delete(payload);
      this.checker.acknowledge(payload, entry.index);
      if (this.marker?.payload === payload) this.marker.index = entry.index;
    }
  }

  private readAnswered(node: SimNode, context: string, index: LogIndex): void {
    const pending = this.pendingReads.get(context);
    if (pending === undefined || pending.node !== node.id || pending.incarnation !== node.incarnation) return;
    this.pendingReads.delete(context);
    this.stats.reads++;
    this.checker.readServed(node.id, index, pending.ackedBefore);
  }

  // ---- workload ----

  private onClient(): void {
    if (this.healed) return;
    const up = this.nodes.filter((n) => n.isUp());
    const leader = this.currentLeader();
    const target = leader !== undefined && this.random.next() < 0.6 ? leader : up[this.random.int(up.length)];
    if (target !== undefined) {
      const roll = this.random.next();
      if (roll < 0.75) this.write(target, `w${this.nextId++}`);
      else this.read(target);
    }
    const gap = this.options.profile === 'leaderChurn' ? 1 + this.random.int(5) : 3 + this.random.int(15);
    this.queue.push(this.time + gap, { kind: 'client' });
  }

  private write(node: SimNode, payload: string): void {
    const result = node.raw!.propose(new TextEncoder().encode(payload));
    if (result.ok) this.pendingWrites.set(payload, { node: node.id, incarnation: node.incarnation });
  }

  private read(node: SimNode): void {
    const context = `r${this.nextId++}`;
    const result = node.raw!.readIndex(new TextEncoder().encode(context));
    if (result.ok) this.pendingReads.set(context, { node: node.id, incarnation: node.incarnation, ackedBefore: this.checker.maxAckedIndex });
  }

  /** The up leader of the highest term, if any. */
  private currentLeader(): SimNode | undefined {
    let best: SimNode | undefined;
    for (const n of this.nodes) {
      const r = n.raw?.raft;
      if (r?.role === 'leader' && (best === undefined || r.term > best.raw!.raft.term)) best = n;
    }
    return best;
  }

  // ---- faults ----

  private onFault(): void {
    if (this.healed) return;
    if (this.options.profile === 'leaderChurn') {
      this.churnLeader();
      return;
    }
    const roll = this.random.int(100);
    if (roll < 15) this.setLinkFaults();
    else if (roll < 35) this.partition();
    else if (roll < 50) this.network.heal();
    else if (roll < 68) this.crash();
    else if (roll < 72) this.skew();
    else if (roll < 76) this.slowDisk();
    else if (roll < 90) this.changeMembership();
    else this.transferLeadership();
    this.queue.push(this.time + 20 + this.random.int(150), { kind: 'fault' });
  }

  /** Crash or isolate the leader every few ticks; restarts come quickly. */
  private churnLeader(): void {
    const leader = this.currentLeader();
    const roll = this.random.int(10);
    if (leader !== undefined && roll < 5) {
      leader.crash();
      this.stats.crashes++;
      this.note(`crash leader ${leader.id}`);
      this.queue.push(this.time + 10 + this.random.int(150), { kind: 'restart', node: leader.id });
    } else if (leader !== undefined && roll < 7) {
      this.network.heal();
      this.network.partition([[leader.id], this.nodes.map((n) => n.id).filter((id) => id !== leader.id)]);
      this.stats.partitions++;
      this.note(`isolate leader ${leader.id}`);
    } else {
      this.network.heal();
      this.network.faults = { dropRate: 0, duplicateRate: 0, delayMin: 1, delayMax: 3 + this.random.int(8) };
    }
    this.queue.push(this.time + 10 + this.random.int(60), { kind: 'fault' });
  }

  private setLinkFaults(): void {
    const pick = <T>(xs: readonly T[]): T => xs[this.random.int(xs.length)]!;
    this.network.faults = {
      dropRate: pick([0, 0.05, 0.2, 0.4]),
      duplicateRate: pick([0, 0.05, 0.2]),
      delayMin: 1,
      delayMax: pick([3, 10, 40]),
    };
    this.note(`links ${JSON.stringify(this.network.faults)}`);
  }

  private partition(): void {
    const ids = this.shuffled(this.nodes.map((n) => n.id));
    const kind = this.random.int(4);
    this.network.heal();
    this.stats.partitions++;
    if (kind === 0) {
      const cut = 1 + this.random.int(ids.length - 1);
      this.network.partition([ids.slice(0, cut), ids.slice(cut)]);
    } else if (kind === 1) {
      for (let k = 0; k < 1 + this.random.int(4); k++) this.network.blockOneWay(ids[k % ids.length]!, ids[(k + 1 + this.random.int(ids.length - 1)) % ids.length]!);
    } else if (kind === 2) {
      this.network.ring(ids);
    } else {
      const leader = this.currentLeader();
      const alone = leader?.id ?? ids[0]!;
      this.network.partition([[alone], ids.filter((id) => id !== alone)]);
    }
    this.note(`partition kind ${kind}: ${this.network.describe()}`);
  }

  private crash(): void {
    const up = this.nodes.filter((n) => n.isUp());
    const leader = this.currentLeader();
    const victim = leader !== undefined && this.random.next() < 0.4 ? leader : up[this.random.int(up.length)];
    if (victim === undefined) return;
    victim.crash();
    this.stats.crashes++;
    this.note(`crash node ${victim.id}`);
    this.queue.push(this.time + 10 + this.random.int(400), { kind: 'restart', node: victim.id });
  }

  private restart(id: NodeId): void {
    const node = this.node(id);
    if (node.isUp()) return;
    this.startNode(node);
    this.note(`restart node ${id}`);
  }

  private skew(): void {
    const node = this.nodes[this.random.int(this.nodes.length)]!;
    const skew = this.settings.skewMax * (2 * this.random.next() - 1);
    node.tickPeriod = Math.round(TICK_UNITS * (1 + skew) * 100) / 100;
    this.note(`node ${node.id} tick period ${node.tickPeriod}`);
  }

  /** An fsync stall: one node's writes take up to a few ticks (widens crash windows). */
  private slowDisk(): void {
    const node = this.nodes[this.random.int(this.nodes.length)]!;
    node.diskDelayMax = this.random.next() < 0.5 ? 4 : 40;
    this.note(`node ${node.id} disk delay up to ${node.diskDelayMax}`);
  }

  private changeMembership(): void {
    const leader = this.currentLeader();
    if (leader === undefined) return;
    const cs = leader.confState;
    if (cs.votersOutgoing.length > 0) return;
    const members = new Set([...cs.voters, ...cs.learners]);
    const spare = this.nodes.find((n) => !members.has(n.id) && !this.removed.has(n.id));
    const learner = cs.learners[0];
    const roll = this.random.int(4);
    let changes: ConfChangeSingle[] | undefined;
    if (roll === 0 && spare !== undefined) changes = [{ type: 'addLearnerNode', nodeId: spare.id }];
    else if (roll === 1 && learner !== undefined) changes = [{ type: 'addNode', nodeId: learner }];
    else if (roll === 2 && cs.voters.length > 3) changes = [{ type: 'removeNode', nodeId: cs.voters[this.random.int(cs.voters.length)]! }];
    else if (roll === 3 && learner !== undefined && cs.voters.length >= 3) {
      // Swap a voter for the learner in one joint change.
      const out = cs.voters[this.random.int(cs.voters.length)]!;
      changes = [{ type: 'addNode', nodeId: learner }, { type: 'removeNode', nodeId: out }];
    }
    if (changes === undefined) return;
    const result = leader.raw!.proposeConfChange({ transition: 'auto', changes });
    if (!result.ok) return;
    for (const c of changes) if (c.type === 'removeNode') this.removed.add(c.nodeId);
    this.note(`propose conf change ${JSON.stringify(changes)} at ${leader.id}`);
  }

  private transferLeadership(): void {
    const leader = this.currentLeader();
    if (leader === undefined) return;
    const voters = leader.confState.voters.filter((id) => id !== leader.id);
    if (voters.length === 0) return;
    const to = voters[this.random.int(voters.length)]!;
    leader.raw!.transferLeader(to);
    this.stats.transfers++;
    this.note(`transfer leadership ${leader.id} -> ${to}`);
  }

  // ---- healing and liveness ----

  private onHeal(): void {
    this.healed = true;
    this.network.heal();
    this.network.faults = HEALTHY_LINKS;
    for (const node of this.nodes) {
      node.tickPeriod = TICK_UNITS;
      node.diskDelayMax = 4;
      if (!node.isUp()) this.startNode(node);
    }
    this.note('heal: every fault removed, every node up');
    this.queue.push(this.time + 1, { kind: 'probe' });
  }

  /** After healing: keep proposing a marker write until it is applied on every member. */
  private onProbe(): void {
    const leader = this.currentLeader();
    if (this.marker?.index !== undefined && leader !== undefined && this.allMembersCaughtUp(leader, this.marker.index)) {
      this.done = true;
      this.stats.finalCommit = leader.raw!.raft.log.committed;
      for (const n of this.members(leader)) this.checker.checkAckedApplied(n);
      return;
    }
    const markerLost = this.marker !== undefined && this.marker.index === undefined && !this.pendingWrites.has(this.marker.payload);
    if (leader !== undefined && (this.marker === undefined || markerLost)) {
      this.marker = { payload: `marker${this.nextId++}` };
      this.write(leader, this.marker.payload);
    } else if (this.marker !== undefined && this.marker.index === undefined && this.random.next() < 0.1) {
      this.pendingWrites.delete(this.marker.payload); // proposal dropped somewhere: try again
    }
    this.queue.push(this.time + TICK_UNITS, { kind: 'probe' });
  }

  private members(leader: SimNode): SimNode[] {
    const cs = leader.confState;
    return [...cs.voters, ...cs.learners].map((id) => this.node(id));
  }

  private allMembersCaughtUp(leader: SimNode, index: LogIndex): boolean {
    if (leader.confState.votersOutgoing.length > 0) return false;
    const top = logIndex(Math.max(index, this.checker.maxAckedIndex));
    return this.members(leader).every((n) => n.isUp() && n.machine.index >= top);
  }

  // ---- helpers ----

  /** One line per node: role, term, log positions, membership and (on a leader) progress. */
  private describeNodes(): string[] {
    return this.nodes.map((n) => {
      if (n.raw === undefined) return `  node ${n.id}: down`;
      const st = n.raw.status();
      const cs = st.confState;
      const progress = [...st.progress].map(([id, p]) => `${id}:{${p}}`).join(' ');
      return `  node ${n.id}: ${st.softState.role} term=${st.hardState.term} vote=${st.hardState.vote} lead=${st.softState.leader} commit=${st.hardState.commit} applied=${st.applied} last=${st.lastIndex} machine=${n.machine.index} voters=${cs.voters}|${cs.votersOutgoing} learners=${cs.learners} inflight=${n.inFlight !== undefined} ${progress}`;
    });
  }

  private shuffled<T>(xs: T[]): T[] {
    const out = [...xs];
    for (let i = out.length - 1; i > 0; i--) {
      const j = this.random.int(i + 1);
      [out[i], out[j]] = [out[j]!, out[i]!];
    }
    return out;
  }

  private note(line: string): void {
    if (this.options.trace !== true) return;
    this.trace.push(`t=${this.time} ${line}`);
    if (this.trace.length > TRACE_LINES) this.trace.shift();
  }

  private fail(message: string): never {
    throw new InvariantViolation(message);
  }
}

/** One line per message, for traces. */
export function describeMessage(m: Message): string {
  const parts = [`${m.from}->${m.to} ${m.type} term=${m.term}`];
  if (m.type === 'MsgApp') parts.push(`log=${m.logTerm}/${m.index} commit=${m.commit} entries=${m.entries.length}`);
  if (m.type === 'MsgAppResp') parts.push(`index=${m.index}${m.reject ? ` reject hint=${m.rejectHint}` : ''}`);
  if (m.type === 'MsgVote' || m.type === 'MsgPreVote') parts.push(`last=${m.logTerm}/${m.index}`);
  if (m.reject && m.type !== 'MsgAppResp') parts.push('reject');
  if (m.type === 'MsgSnap') parts.push(`snap=${m.snapshot?.metadata.index}`);
  return parts.join(' ');
}
