/**
 * The host's handle on one Raft node: drive it with `tick`, `step` and the request methods,
 * then loop `ready()` → persist / send / apply → `advance()` (the order is spelled out on
 * `Ready` in types.ts and in DESIGN.md). Synchronous and deterministic.
 */
import { assert } from '../src/base/assert.js';
import type { LogIndex, NodeId } from '../src/base/ids.js';
import { logIndex, term as toTerm } from '../src/base/ids.js';
import type { ConfChange } from './conf-change.js';
import { encodeConfChange } from './conf-change.js';
import type { RaftConfig } from './config.js';
import type { DropReason, StepResult } from './raft.js';
import { Raft } from './raft.js';
import type { ConfState, Entry, HardState, Message, Ready, SoftState } from './types.js';
import { NO_NODE, entrySizeBytes, hardStateEqual, makeMessage } from './types.js';

/** Result of a proposal: accepted (not yet committed) or dropped with a reason. */
export type ProposeResult = StepResult;
export type { DropReason };

/** A read-only summary of a node, for tests, metrics and system views. */
export interface RaftStatus {
  readonly id: NodeId;
  readonly hardState: HardState;
  readonly softState: SoftState;
  readonly applied: LogIndex;
  readonly lastIndex: LogIndex;
  readonly confState: ConfState;
  /** Progress of each member, on a leader only. */
  readonly progress: ReadonlyMap<NodeId, string>;
  readonly leadTransferee: NodeId;
}

/** One Raft node as the host sees it. */
export class RawNode {
  readonly raft: Raft;
  private prevSoftState: SoftState;
  private prevHardState: HardState;
  /** The Ready handed out and not yet advanced. */
  private inFlight: Ready | undefined = undefined;
  /** Conf change entries of the Ready in flight that the host has not applied yet. */
  private confChangesToApply = 0;

  constructor(config: RaftConfig) {
    this.raft = new Raft(config);
    this.prevSoftState = this.raft.softState();
    this.prevHardState = this.raft.hardState();
  }

  /** One logical clock tick (the host calls this every tick interval). */
  tick(): void {
    this.raft.tick();
  }

  /** Campaigns now (tests and operator actions); ignored on a leader or a non-voter. */
  campaign(): void {
    this.raft.hup('preElection');
  }

  /** Proposes application data; on a follower it is forwarded to the leader. */
  propose(data: Uint8Array): ProposeResult {
    return this.proposeEntry({ type: 'normal', data });
  }

  /**
   * Proposes several entries at once: one MsgProp, one append, one MsgApp per follower.
   * A host batches what arrived during one loop turn through this.
   */
  proposeBatch(datas: readonly Uint8Array[]): ProposeResult {
    const entries: Entry[] = datas.map((data) => ({ term: toTerm(0), index: logIndex(0), type: 'normal', data }));
    return this.raft.step(makeMessage({ type: 'MsgProp', from: this.raft.id, to: this.raft.id, entries }));
  }

  /** Proposes a membership change; apply it with `applyConfChange` once committed. */
  proposeConfChange(cc: ConfChange): ProposeResult {
    return this.proposeEntry({ type: 'confChange', data: encodeConfChange(cc) });
  }

  private proposeEntry(e: Pick<Entry, 'type' | 'data'>): ProposeResult {
    const entry: Entry = { term: toTerm(0), index: logIndex(0), type: e.type, data: e.data };
    return this.raft.step(makeMessage({ type: 'MsgProp', from: this.raft.id, to: this.raft.id, entries: [entry] }));
  }

  /**
   * Asks for a linearizable read point; `context` must be unique among pending reads.
   * The answer comes as a ReadState in a later Ready.
   */
  readIndex(context: Uint8Array): ProposeResult {
    return this.raft.step(makeMessage({ type: 'MsgReadIndex', from: this.raft.id, to: this.raft.id, context }));
  }

  /** Asks the leader to hand leadership to `transferee`. */
  transferLeader(transferee: NodeId): ProposeResult {
    return this.raft.step(makeMessage({ type: 'MsgTransferLeader', from: transferee, to: this.raft.id }));
  }

  /** Delivers a message from a peer. Local-only kinds are refused. */
  step(m: Message): void {
    assert(m.from !== NO_NODE && m.to === this.raft.id, `misrouted ${m.type} ${m.from}->${m.to}`);
    this.raft.step(m);
  }

  /**
   * Switches to the membership a committed conf change entry describes. Call it once per
   * conf change entry of the Ready in flight, in log order, before `advance`.
   */
  applyConfChange(cc: ConfChange): ConfState {
    // Paired with the count taken in ready(): a conf change applied twice, or one that came
    // from anywhere but the Ready being applied, would silently corrupt the membership.
    assert(this.inFlight !== undefined && this.confChangesToApply > 0, 'applyConfChange without an unapplied conf change entry in the Ready in flight');
    this.confChangesToApply--;
    return this.raft.applyConfChange(cc);
  }

  reportSnapshot(id: NodeId, ok: boolean): void {
    this.raft.reportSnapshot(id, ok);
  }

  reportUnreachable(id: NodeId): void {
    this.raft.reportUnreachable(id);
  }

  /** True when `ready()` would return something to do. */
  hasReady(): boolean {
    if (this.inFlight !== undefined) return false;
    const r = this.raft;
    if (!softStateEqual(r.softState(), this.prevSoftState)) return true;
    if (!hardStateEqual(r.hardState(), this.prevHardState)) return true;
    if (r.log.unstable.snapshot !== undefined || r.log.unstable.entries.length > 0) return true;
    if (r.msgs.length > 0 || r.msgsAfterPersist.length > 0 || r.readStates.length > 0) return true;
    return r.log.hasNextCommittedEntries();
  }

  /** The next batch of work. Call `advance` with it before asking again. */
  ready(): Ready {
    assert(this.inFlight === undefined, 'ready() called before advance()');
    const r = this.raft;
    const soft = r.softState();
    const hard = r.hardState();
    const entries = r.log.entriesToPersist();
    const ready: Ready = {
      softState: softStateEqual(soft, this.prevSoftState) ? undefined : soft,
      hardState: hardStateEqual(hard, this.prevHardState) ? undefined : hard,
      entries,
      snapshot: r.log.unstable.snapshot,
      committedEntries: r.log.nextCommittedEntries(),
      messages: r.msgs,
      messagesAfterPersist: r.msgsAfterPersist,
      readStates: r.readStates,
      mustSync: entries.length > 0 || (hard.term !== this.prevHardState.term || hard.vote !== this.prevHardState.vote),
    };
    r.msgs = [];
    r.msgsAfterPersist = [];
    r.readStates = [];
    if (ready.softState !== undefined) this.prevSoftState = soft;
    const lastCommitted = ready.committedEntries[ready.committedEntries.length - 1];
    if (lastCommitted !== undefined) r.log.acceptApplying(lastCommitted.index);
    this.confChangesToApply = ready.committedEntries.filter((e) => e.type === 'confChange').length;
    this.inFlight = ready;
    return ready;
  }

  /**
   * The host persisted, sent and applied `ready`. Checks the persistence contract against
   * storage (entries and snapshot durable), then lets Raft count its own vote and log.
   */
  advance(ready: Ready): void {
    assert(this.inFlight === ready, 'advance() with a Ready that is not in flight');
    assert(this.confChangesToApply === 0, `advance() with ${this.confChangesToApply} conf change entries not applied`);
    this.inFlight = undefined;
    const r = this.raft;
    const storage = r.log.storage;
    if (ready.hardState !== undefined) {
      this.assertHardStateDurable(ready.hardState);
      this.prevHardState = ready.hardState;
    }
    if (ready.snapshot !== undefined) {
      const snapIndex = ready.snapshot.metadata.index;
      assert(storage.firstIndex() > snapIndex, `snapshot ${snapIndex} not persisted before advance`);
      r.log.unstable.stableSnapTo(snapIndex);
      if (r.log.applied < snapIndex) r.log.appliedTo(snapIndex);
    }
    const last = ready.entries[ready.entries.length - 1];
    if (last !== undefined) {
      if (last.index >= storage.firstIndex() - 1) {
        assert(storage.lastIndex() >= last.index && storage.term(last.index) === last.term, `entry ${last.index} not persisted before advance`);
      }
      r.log.unstable.stableTo(last.index, last.term);
    }
    const lastApplied = ready.committedEntries[ready.committedEntries.length - 1];
    if (lastApplied !== undefined) {
      const bytes = ready.committedEntries.reduce((sum, e) => sum + entrySizeBytes(e), 0);
      r.onApplied(lastApplied.index, bytes);
    }
    r.onPersisted(ready.hardState);
    // A snapshot that arrived while the host was applying this Ready can be installed now.
    r.stepDeferredSnapshot();
  }

  private assertHardStateDurable(hs: HardState): void {
    const stored = this.raft.log.storage.initialState().hardState;
    // Durable term and vote must be at least what this Ready asked for (a later Ready may
    // already be newer only if the host wrote ahead, which the contract forbids).
    assert(stored.term === hs.term && stored.vote === hs.vote, `hard state ${JSON.stringify(hs)} not persisted before advance`);
  }

  status(): RaftStatus {
    const r = this.raft;
    const progress = new Map<NodeId, string>();
    if (r.role === 'leader') for (const [id, p] of r.tracker.progress) progress.set(id, p.describe());
    return {
      id: r.id,
      hardState: r.hardState(),
      softState: r.softState(),
      applied: r.log.applied,
      lastIndex: r.log.lastIndex(),
      confState: r.tracker.confState(),
      progress,
      leadTransferee: r.leadTransferee,
    };
  }
}

function softStateEqual(a: SoftState, b: SoftState): boolean {
  return a.leader === b.leader && a.role === b.role;
}
