/**
 * The interpreter behind raft/testdata/*.txt: a few RawNodes with in-memory storage and
 * mailboxes, driven one command at a time, printing what each step did. Persistence is
 * synchronous here (process-ready persists before it sends); the simulator covers the rest.
 *
 * Commands:
 *   add-nodes N voters=(1,2,3) [learners=(4)] [prevote=true] [checkquorum=true] [lease=true]
 *             [max-msg-bytes=N] [inflight=N] [heartbeat=TICKS]   nodes outside the config start empty
 *   campaign ID | propose ID TEXT | propose-conf-change ID [transition=auto|implicit|explicit] v4 l5 r2
 *   read-index ID CTX | transfer-leadership from=ID to=ID
 *   tick-heartbeat ID | tick-election ID | tick ID N
 *   process-ready ID... | deliver-msgs ID... [drop=true] | stabilize
 *   begin-ready ID | finish-ready ID    one Ready in two halves: messages can arrive while its
 *                                       disk write (and the apply after it) is in flight
 *   isolate ID | heal | crash ID | restart ID | compact ID INDEX
 *   raft-state | raft-log ID | status ID
 */
import { assert } from '../src/base/assert.js';
import type { Random } from '../src/base/clock.js';
import type { LogIndex, NodeId } from '../src/base/ids.js';
import { logIndex, nodeId } from '../src/base/ids.js';
import type { ConfChangeSingle, ConfChangeTransition } from './conf-change.js';
import { decodeConfChange } from './conf-change.js';
import type { RaftConfig } from './config.js';
import { defaultRaftConfig } from './config.js';
import type { ParsedCommand } from './datadriven.js';
import { parseCommand } from './datadriven.js';
import { RawNode } from './raw-node.js';
import { MemoryStorage } from './storage.js';
import type { ConfState, Entry, Message, Ready } from './types.js';
import { EMPTY_CONF_STATE } from './types.js';

/**
 * Election timeouts are not random here, so traces are stable, but they differ per node so
 * elections do not split: node k times out after electionTicks + (k - 1) ticks.
 */
function fixedRandom(id: NodeId): Random {
  return { next: () => 0, int: (bound) => (id - 1) % bound };
}

interface EnvNode {
  readonly id: NodeId;
  readonly storage: MemoryStorage;
  raw: RawNode | undefined;
  confState: ConfState;
  applied: LogIndex;
  readonly config: Omit<RaftConfig, 'storage' | 'id' | 'random'>;
  /** A Ready taken by begin-ready whose disk write is still in flight. */
  held: Ready | undefined;
}

/** Runs interaction commands and returns their printed output. */
export class InteractionEnv {
  private readonly nodes: EnvNode[] = [];
  private mailbox: Message[] = [];
  private readonly isolated = new Set<NodeId>();

  /** Executes one command line; returns its output ("ok" when it prints nothing). */
  run(line: string): string {
    const out: string[] = [];
    this.dispatch(parseCommand(line), out);
    return out.length === 0 ? 'ok' : out.join('\n');
  }

  private dispatch(c: ParsedCommand, out: string[]): void {
    const id = (k = 0): NodeId => nodeId(Number(c.args[k]));
    const ids = (): NodeId[] => (c.args.length === 0 ? this.nodes.map((n) => n.id) : c.args.map((a) => nodeId(Number(a))));
    switch (c.name) {
      case 'add-nodes':
        return this.addNodes(c);
      case 'campaign':
        return this.raw(id()).campaign();
      case 'propose':
        return this.dropped(this.raw(id()).propose(new TextEncoder().encode(c.args[1] ?? '')), out);
      case 'propose-conf-change':
        return this.proposeConfChange(c, out);
      case 'read-index':
        return this.dropped(this.raw(id()).readIndex(new TextEncoder().encode(c.args[1] ?? '')), out);
      case 'transfer-leadership':
        return this.dropped(this.raw(nodeId(Number(c.options.get('from')))).transferLeader(nodeId(Number(c.options.get('to')))), out);
      case 'tick-heartbeat':
        return this.ticks(id(), this.node(id()).config.heartbeatTicks);
      case 'tick-election':
        return this.ticks(id(), this.raw(id()).raft.electionTimeoutTicks());
      case 'tick':
        return this.ticks(id(), Number(c.args[1]));
      case 'process-ready':
        for (const n of ids()) this.processReady(n, out);
        return;
      case 'begin-ready':
        return this.beginReady(id(), out);
      case 'finish-ready':
        return this.finishReady(id(), out);
      case 'deliver-msgs':
        for (const n of ids()) this.deliver(n, c.options.get('drop') === 'true', out);
        return;
      case 'stabilize':
        return this.stabilize(out);
      default:
        return this.dispatchAdmin(c, out);
    }
  }

  private dispatchAdmin(c: ParsedCommand, out: string[]): void {
    const id = nodeId(Number(c.args[0]));
    switch (c.name) {
      case 'isolate':
        this.isolated.add(id);
        return;
      case 'heal':
        this.isolated.clear();
        return;
      case 'crash':
        this.node(id).raw = undefined;
        this.node(id).held = undefined;
        this.mailbox = this.mailbox.filter((m) => m.to !== id);
        return;
      case 'restart':
        return this.start(this.node(id));
      case 'compact':
        return this.compact(this.node(id), logIndex(Number(c.args[1])));
      case 'raft-state':
        for (const n of this.nodes) out.push(this.describeState(n));
        return;
      case 'raft-log':
        return this.printLog(this.node(id), out);
      case 'status':
        return this.printStatus(this.node(id), out);
      default:
        throw new Error(`unknown command ${c.name}`);
    }
  }

  // ---- setup ----

  private addNodes(c: ParsedCommand): void {
    const list = (key: string): NodeId[] => {
      const v = c.options.get(key);
      return v === undefined ? [] : v.replace(/[()]/g, '').split(',').filter((s) => s !== '').map((s) => nodeId(Number(s)));
    };
    const cs: ConfState = { ...EMPTY_CONF_STATE, voters: list('voters'), learners: list('learners') };
    const members = new Set([...cs.voters, ...cs.learners]);
    const base = defaultRaftConfig(nodeId(1), new MemoryStorage(), fixedRandom(nodeId(1)));
    const lease = c.options.get('lease') === 'true';
    const config = {
      ...base,
      preVote: c.options.get('prevote') === 'true',
      checkQuorum: c.options.get('checkquorum') === 'true' || lease,
      readOnlyOption: lease ? ('leaseBased' as const) : ('safe' as const),
      msgBytesMax: Number(c.options.get('max-msg-bytes') ?? base.msgBytesMax),
      inflightMsgsMax: Number(c.options.get('inflight') ?? base.inflightMsgsMax),
      heartbeatTicks: Number(c.options.get('heartbeat') ?? base.heartbeatTicks),
    };
    for (let k = 0; k < Number(c.args[0]); k++) {
      const id = nodeId(this.nodes.length + 1);
      const storage = members.has(id) ? MemoryStorage.bootstrap(cs) : new MemoryStorage();
      const node: EnvNode = { id, storage, raw: undefined, confState: storage.initialState().confState, applied: logIndex(0), config, held: undefined };
      this.nodes.push(node);
      this.start(node);
    }
  }

  private start(node: EnvNode): void {
    const snap = node.storage.snapshot()!;
    node.applied = snap.metadata.index;
    node.confState = snap.metadata.confState;
    node.raw = new RawNode({ ...node.config, id: node.id, storage: node.storage, random: fixedRandom(node.id), applied: snap.metadata.index });
  }

  private node(id: NodeId): EnvNode {
    const n = this.nodes[id - 1];
    assert(n !== undefined, `no node ${id}`);
    return n;
  }

  private raw(id: NodeId): RawNode {
    const raw = this.node(id).raw;
    assert(raw !== undefined, `node ${id} is down`);
    return raw;
  }

  // ---- actions ----

  private dropped(result: { ok: boolean; reason?: string }, out: string[]): void {
    if (!result.ok) out.push(`dropped: ${result.reason}`);
  }

  private proposeConfChange(c: ParsedCommand, out: string[]): void {
    const kinds: Record<string, ConfChangeSingle['type']> = { v: 'addNode', l: 'addLearnerNode', r: 'removeNode' };
    const changes = c.args.slice(1).map((a) => ({ type: kinds[a[0]!]!, nodeId: nodeId(Number(a.slice(1))) }));
    const t = c.options.get('transition') ?? 'auto';
    const transition: ConfChangeTransition = t === 'implicit' ? 'jointImplicit' : t === 'explicit' ? 'jointExplicit' : 'auto';
    this.dropped(this.raw(nodeId(Number(c.args[0]))).proposeConfChange({ transition, changes }), out);
  }

  private ticks(id: NodeId, count: number): void {
    for (let k = 0; k < count; k++) this.raw(id).tick();
  }

  private compact(node: EnvNode, index: LogIndex): void {
    node.storage.createSnapshot(index, node.confState, new Uint8Array(0));
    node.storage.compact(index);
  }

  /** Persists, queues messages, applies and advances one Ready of `id`. */
  private processReady(id: NodeId, out: string[]): void {
    const node = this.node(id);
    const raw = node.raw;
    if (raw === undefined || !raw.hasReady()) return;
    const ready = raw.ready();
    out.push(`> ${id} handling Ready`);
    for (const line of describeReady(ready)) out.push(`  ${line}`);
    this.persistApplyAdvance(node, raw, ready, ready.messages);
  }

  /**
   * begin-ready: takes one Ready of `id`, sends its `messages` and leaves its disk write in
   * flight, so that messages can be stepped before finish-ready persists, applies and advances.
   */
  private beginReady(id: NodeId, out: string[]): void {
    const node = this.node(id);
    const raw = node.raw;
    assert(node.held === undefined, `node ${id} already has a Ready in flight`);
    if (raw === undefined || !raw.hasReady()) return;
    const ready = raw.ready();
    out.push(`> ${id} handling Ready (held)`);
    for (const line of describeReady(ready)) out.push(`  ${line}`);
    this.mailbox.push(...ready.messages);
    node.held = ready;
  }

  private finishReady(id: NodeId, out: string[]): void {
    const node = this.node(id);
    const ready = node.held;
    assert(ready !== undefined && node.raw !== undefined, `node ${id} has no Ready in flight`);
    node.held = undefined;
    out.push(`> ${id} finishing Ready`);
    this.persistApplyAdvance(node, node.raw, ready, []);
  }

  private persistApplyAdvance(node: EnvNode, raw: RawNode, ready: Ready, messages: readonly Message[]): void {
    if (ready.snapshot !== undefined) {
      node.storage.applySnapshot(ready.snapshot);
      node.confState = ready.snapshot.metadata.confState;
    }
    node.storage.append(ready.entries);
    if (ready.hardState !== undefined) node.storage.setHardState(ready.hardState);
    this.mailbox.push(...messages, ...ready.messagesAfterPersist);
    for (const e of ready.committedEntries) {
      if (e.type === 'confChange') node.confState = raw.applyConfChange(decodeConfChange(e.data));
      node.applied = e.index;
    }
    raw.advance(ready);
  }

  private deliver(id: NodeId, drop: boolean, out: string[]): void {
    const mine = this.mailbox.filter((m) => m.to === id);
    this.mailbox = this.mailbox.filter((m) => m.to !== id);
    for (const m of mine) {
      const cut = this.isolated.has(m.from) || this.isolated.has(m.to);
      const lost = drop || cut || this.node(id).raw === undefined;
      out.push(`${lost ? 'dropped: ' : ''}${describeMessage(m)}`);
      if (!lost) this.raw(id).step(m);
    }
  }

  private stabilize(out: string[]): void {
    for (let round = 0; round < 100; round++) {
      const before = out.length;
      for (const n of this.nodes) this.processReady(n.id, out);
      for (const n of this.nodes) this.deliver(n.id, false, out);
      if (out.length === before) return;
    }
    throw new Error('stabilize did not converge');
  }

  // ---- printing ----

  private describeState(n: EnvNode): string {
    if (n.raw === undefined) return `${n.id}: down`;
    const st = n.raw.status();
    const learner = st.confState.learners.includes(n.id) ? ' (Learner)' : st.confState.voters.includes(n.id) || st.confState.votersOutgoing.includes(n.id) ? ' (Voter)' : ' (Non-Member)';
    return `${n.id}: ${st.softState.role}${learner} Term:${st.hardState.term} Lead:${st.softState.leader}`;
  }

  private printLog(n: EnvNode, out: string[]): void {
    const s = n.storage;
    const entries = s.firstIndex() <= s.lastIndex() ? s.entries(s.firstIndex(), logIndex(s.lastIndex() + 1), Number.MAX_SAFE_INTEGER) : [];
    if (entries.length === 0) out.push(`log is empty: first index=${s.firstIndex()}, last index=${s.lastIndex()}`);
    for (const e of entries) out.push(describeEntry(e));
  }

  private printStatus(n: EnvNode, out: string[]): void {
    const st = n.raw!.status();
    for (const [id, p] of [...st.progress].sort((a, b) => a[0] - b[0])) out.push(`${id}: ${p}`);
  }
}

/** `term/index EntryType "data"`. */
export function describeEntry(e: Entry): string {
  if (e.type === 'confChange') {
    const cc = decodeConfChange(e.data);
    const changes = cc.changes.map((c) => `${c.type === 'addNode' ? 'v' : c.type === 'addLearnerNode' ? 'l' : 'r'}${c.nodeId}`).join(' ');
    return `${e.term}/${e.index} EntryConfChange ${cc.transition}${changes === '' ? ' (leave joint)' : ' ' + changes}`;
  }
  return `${e.term}/${e.index} EntryNormal "${new TextDecoder().decode(e.data)}"`;
}

/** One message on one line, etcd style. */
export function describeMessage(m: Message): string {
  const parts = [`${m.from}->${m.to} ${m.type} Term:${m.term}`];
  if (m.type === 'MsgApp' || m.type === 'MsgVote' || m.type === 'MsgPreVote') parts.push(`Log:${m.logTerm}/${m.index}`);
  if (m.type === 'MsgApp' || m.type === 'MsgHeartbeat') parts.push(`Commit:${m.commit}`);
  if (m.type === 'MsgAppResp' || m.type === 'MsgReadIndexResp') parts.push(`Index:${m.index}`);
  if (m.reject) parts.push(m.type === 'MsgAppResp' ? `Rejected (Hint: ${m.rejectHint})` : 'Rejected');
  if (m.entries.length > 0) parts.push(`Entries:[${m.entries.map(describeEntry).join(', ')}]`);
  if (m.snapshot !== undefined) parts.push(`Snapshot: Index:${m.snapshot.metadata.index} Term:${m.snapshot.metadata.term} Voters:(${m.snapshot.metadata.confState.voters})`);
  if (m.context !== undefined && m.context.length > 0) parts.push(`Context:${new TextDecoder().decode(m.context)}`);
  if (m.transfer === true) parts.push('Transfer');
  return parts.join(' ');
}

/** The lines describing a Ready. */
export function describeReady(r: Ready): string[] {
  const lines: string[] = [];
  if (r.softState !== undefined) lines.push(`Lead:${r.softState.leader} State:${r.softState.role}`);
  if (r.hardState !== undefined) lines.push(`HardState Term:${r.hardState.term} Vote:${r.hardState.vote} Commit:${r.hardState.commit}`);
  if (r.snapshot !== undefined) lines.push(`Snapshot Index:${r.snapshot.metadata.index} Term:${r.snapshot.metadata.term}`);
  if (r.entries.length > 0) lines.push('Entries:', ...r.entries.map((e) => `  ${describeEntry(e)}`));
  if (r.committedEntries.length > 0) lines.push('CommittedEntries:', ...r.committedEntries.map((e) => `  ${describeEntry(e)}`));
  if (r.messages.length > 0) lines.push('Messages:', ...r.messages.map((m) => `  ${describeMessage(m)}`));
  if (r.messagesAfterPersist.length > 0) lines.push('MessagesAfterPersist:', ...r.messagesAfterPersist.map((m) => `  ${describeMessage(m)}`));
  if (r.readStates.length > 0) lines.push('ReadStates:', ...r.readStates.map((rs) => `  Index:${rs.index} Context:${new TextDecoder().decode(rs.context)}`));
  return lines;
}
