/**
 * The Raft protocol as a pure state machine, after etcd's raft: messages in, messages out.
 * The host drives it through RawNode (raw-node.ts): it ticks, steps messages, and persists,
 * sends and applies what `Ready` asks. Nothing here reads a clock, awaits or does I/O.
 *
 * Durability rule (DESIGN.md): a node counts its own vote and its own log only once the host
 * reports them durable (`onPersisted`), and acknowledgements to others wait in
 * `msgsAfterPersist` until then.
 */
import { assert, assertNever } from '../src/base/assert.js';
import type { LogIndex, NodeId, Term } from '../src/base/ids.js';
import { logIndex, term as toTerm } from '../src/base/ids.js';
import type { ConfChange } from './conf-change.js';
import { applyConfChange, confChangeProblem, decodeConfChange, encodeConfChange } from './conf-change.js';
import { jointIds, jointVoteResult } from './quorum.js';
import type { RaftConfig } from './config.js';
import { validateRaftConfig } from './config.js';
import type { Progress } from './progress.js';
import { RaftLog } from './raft-log.js';
import { ReadOnlyQueue } from './read-only.js';
import { ProgressTracker } from './tracker.js';
import type { ConfState, Entry, HardState, Message, RaftRole, ReadState, Snapshot, SoftState } from './types.js';
import { NO_NODE, entrySizeBytes, makeMessage } from './types.js';

/** Why a proposal was not accepted. The caller retries elsewhere or later. */
export type DropReason = 'noLeader' | 'transferring' | 'notMember' | 'forwardingDisabled' | 'uncommittedLimit' | 'confChangePending';

/** Result of stepping a proposal or read. */
export type StepResult = { readonly ok: true } | { readonly ok: false; readonly reason: DropReason };

const OK: StepResult = { ok: true };
const drop = (reason: DropReason): StepResult => ({ ok: false, reason });

type CampaignKind = 'preElection' | 'election' | 'transfer';

/** One node's Raft state machine. Use through RawNode. */
export class Raft {
  readonly id: NodeId;
  readonly config: RaftConfig;
  /** Current term. Invariant: never decreases. */
  term: Term;
  /** Vote cast in `term`, NO_NODE if none. */
  vote: NodeId;
  lead: NodeId = NO_NODE;
  role: RaftRole = 'follower';
  readonly log: RaftLog;
  readonly tracker: ProgressTracker;
  /** Messages the host may send right away. */
  msgs: Message[] = [];
  /** Messages the host sends only after persisting the Ready that carries them. */
  msgsAfterPersist: Message[] = [];
  readStates: ReadState[] = [];

  /** Ticks since the last election timeout reset (or, on a leader, since the last quorum check). */
  private electionElapsed = 0;
  private heartbeatElapsed = 0;
  /** Ticks since a leader was last heard (or since start): votes are refused while < election timeout. */
  private leaderContactElapsed = 0;
  private randomizedElectionTimeout = 0;
  /** Ticks since this node started; the leader's lease clock. */
  private ticks = 0;
  /** Node a leadership transfer goes to, NO_NODE if none. */
  leadTransferee: NodeId = NO_NODE;
  /** After a MsgTimeoutNow went out, a leader's lease is void for the rest of its term. */
  private leaseRevoked = false;
  /** Index of the last conf change proposed by this leader; no new one until it is applied. */
  private pendingConfIndex: LogIndex = logIndex(0);
  private uncommittedBytes = 0;
  private readonly readOnly = new ReadOnlyQueue();
  /** Reads that arrived before this leader committed an entry of its term. */
  private pendingReadIndexMessages: Message[] = [];
  /** A candidate whose self-vote waits for its hard state to be durable. */
  private selfVotePending = false;
  /** A MsgSnap that arrived while the host was applying entries; stepped again at advance. */
  private deferredSnapshot: Message | undefined = undefined;

  constructor(config: RaftConfig) {
    validateRaftConfig(config);
    this.config = config;
    this.id = config.id;
    const { hardState, confState } = config.storage.initialState();
    this.log = new RaftLog(config.storage, config.committedBytesPerReadyMax);
    this.tracker = new ProgressTracker(confState, config.inflightMsgsMax, config.inflightBytesMax);
    // Without leases nothing depends on a restarted node refusing votes for a while.
    this.leaderContactElapsed = config.readOnlyOption === 'leaseBased' ? 0 : config.electionTicks;
    this.term = hardState.term;
    this.vote = hardState.vote;
    if (hardState.commit > 0) this.log.commitTo(hardState.commit);
    if (config.applied !== undefined && config.applied > this.log.applied) this.log.appliedTo(config.applied);
    this.becomeFollower(this.term, NO_NODE);
  }

  // ---- state queries ----

  hardState(): HardState {
    return { term: this.term, vote: this.vote, commit: this.log.committed };
  }

  softState(): SoftState {
    return { leader: this.lead, role: this.role };
  }

  /** True when this node may campaign: it is a voter of the configuration it knows. */
  promotable(): boolean {
    return this.tracker.isVoter(this.id) && this.log.unstable.snapshot === undefined;
  }

  /** This term's randomized election timeout, in ticks. */
  electionTimeoutTicks(): number {
    return this.randomizedElectionTimeout;
  }

  tickCount(): number {
    return this.ticks;
  }

  // ---- role transitions ----

  private reset(term: Term): void {
    if (this.term !== term) {
      assert(term > this.term, `term ${term} behind ${this.term}`);
      this.term = term;
      this.vote = NO_NODE;
    }
    this.lead = NO_NODE;
    this.electionElapsed = 0;
    this.heartbeatElapsed = 0;
    this.randomizedElectionTimeout = this.config.electionTicks + this.config.random.int(this.config.electionTicks);
    this.leadTransferee = NO_NODE;
    this.leaseRevoked = false;
    this.selfVotePending = false;
    this.tracker.resetVotes();
    this.tracker.resetProgress(logIndex(this.log.lastIndex() + 1));
    this.readOnly.reset();
    this.pendingReadIndexMessages = [];
    this.uncommittedBytes = 0;
  }

  becomeFollower(term: Term, lead: NodeId): void {
    this.reset(term);
    this.lead = lead;
    this.role = 'follower';
  }

  private becomePreCandidate(): void {
    assert(this.role !== 'leader', 'leader cannot become pre-candidate');
    // A pre-vote changes neither term nor vote: only the role and the tally.
    this.tracker.resetVotes();
    this.lead = NO_NODE;
    this.role = 'preCandidate';
  }

  private becomeCandidate(): void {
    assert(this.role !== 'leader', 'leader cannot become candidate');
    this.reset(toTerm(this.term + 1));
    this.vote = this.id;
    this.role = 'candidate';
    this.selfVotePending = true;
  }

  private becomeLeader(): void {
    assert(this.role === 'candidate', 'only a candidate becomes leader');
    this.reset(this.term);
    this.lead = this.id;
    this.role = 'leader';
    this.leaderContactElapsed = 0;
    const self = this.tracker.progress.get(this.id);
    if (self !== undefined) {
      self.becomeReplicate();
      self.maybeUpdate(this.log.stableLastIndex());
    }
    // Conservatively treat every entry of the log as a possible conf change still pending.
    this.pendingConfIndex = this.log.lastIndex();
    this.appendEntries([{ type: 'normal', data: new Uint8Array(0) }]);
  }

  // ---- ticking ----

  tick(): void {
    this.ticks++;
    this.leaderContactElapsed++;
    if (this.role === 'leader') this.tickHeartbeat();
    else this.tickElection();
  }

  private tickElection(): void {
    this.electionElapsed++;
    if (this.promotable() && this.electionElapsed >= this.randomizedElectionTimeout) {
      this.electionElapsed = 0;
      this.hup('preElection');
    }
  }

  private tickHeartbeat(): void {
    this.heartbeatElapsed++;
    this.electionElapsed++;
    if (this.electionElapsed >= this.config.electionTicks) {
      this.electionElapsed = 0;
      if (this.config.checkQuorum && !this.checkQuorumActive()) {
        this.becomeFollower(this.term, NO_NODE);
        return;
      }
      if (this.leadTransferee !== NO_NODE) this.leadTransferee = NO_NODE;
    }
    if (this.heartbeatElapsed >= this.config.heartbeatTicks) {
      this.heartbeatElapsed = 0;
      this.bcastHeartbeat(this.readOnly.lastPendingContext());
    }
  }

  private checkQuorumActive(): boolean {
    const active = this.tracker.quorumActive(this.id, (p) => p.recentActive);
    for (const [id, p] of this.tracker.progress) p.recentActive = id === this.id;
    return active;
  }

  // ---- campaigning ----

  /** Starts an election (MsgHup). `transfer` skips pre-vote and bypasses leases. */
  hup(kind: CampaignKind): void {
    if (this.role === 'leader') return;
    if (!this.promotable()) return;
    if (this.hasUnappliedConfChange()) return;
    if (kind === 'preElection' && !this.config.preVote) kind = 'election';
    this.campaign(kind);
  }

  private hasUnappliedConfChange(): boolean {
    if (this.log.committed <= this.log.applied) return false;
    const lo = logIndex(Math.max(this.log.applied + 1, this.log.firstIndex()));
    const ents = this.log.slice(lo, logIndex(this.log.committed + 1), Number.MAX_SAFE_INTEGER) ?? [];
    return ents.some((e) => e.type === 'confChange');
  }

  private campaign(kind: CampaignKind): void {
    const pre = kind === 'preElection';
    if (pre) {
      this.becomePreCandidate();
      this.tracker.recordVote(this.id, true);
    } else {
      this.becomeCandidate();
    }
    const voteTerm = pre ? toTerm(this.term + 1) : this.term;
    if (pre && this.tracker.voteResult() === 'won') {
      this.campaign('election');
      return;
    }
    for (const id of jointIds(this.tracker.voters())) {
      if (id === this.id) continue;
      this.send(
        makeMessage({
          type: pre ? 'MsgPreVote' : 'MsgVote',
          from: this.id,
          to: id,
          term: voteTerm,
          index: this.log.lastIndex(),
          logTerm: this.log.lastTerm(),
          transfer: kind === 'transfer',
        }),
      );
    }
  }

  private poll(from: NodeId, granted: boolean): void {
    this.tracker.recordVote(from, granted);
    const result = this.tracker.voteResult();
    if (result === 'won') {
      if (this.role === 'preCandidate') this.campaign('election');
      else {
        this.becomeLeader();
        this.bcastAppend();
      }
    } else if (result === 'lost') {
      this.becomeFollower(this.term, NO_NODE);
    }
  }

  // ---- stepping ----

  /** Processes one message (from the network or local). */
  step(m: Message): StepResult {
    if (m.term > this.term) {
      if (!this.stepHigherTerm(m)) return OK;
    } else if (m.term !== 0 && m.term < this.term) {
      this.stepLowerTerm(m);
      return OK;
    }
    if (m.type === 'MsgVote' || m.type === 'MsgPreVote') {
      this.handleVoteRequest(m);
      return OK;
    }
    switch (this.role) {
      case 'leader':
        return this.stepLeader(m);
      case 'candidate':
      case 'preCandidate':
        return this.stepCandidate(m);
      case 'follower':
        return this.stepFollower(m);
      default:
        return assertNever(this.role, 'role');
    }
  }

  /** Returns false when the message is to be ignored. */
  private stepHigherTerm(m: Message): boolean {
    if (m.type === 'MsgVote' || m.type === 'MsgPreVote') {
      const inLease = this.config.checkQuorum && (this.role === 'leader' || this.leaderContactElapsed < this.config.electionTicks);
      // A node that heard a leader recently ignores votes, so a partitioned node cannot
      // depose a healthy leader (and a leader's lease holds). Transfers are the exception.
      if (inLease && m.transfer !== true) return false;
    }
    if (m.type === 'MsgPreVote') return true; // a pre-vote never changes our term
    if (m.type === 'MsgPreVoteResp' && !m.reject) return true; // counted at term + 1 by poll
    const fromLeader = m.type === 'MsgApp' || m.type === 'MsgHeartbeat' || m.type === 'MsgSnap';
    this.becomeFollower(m.term, fromLeader ? m.from : NO_NODE);
    return true;
  }

  private stepLowerTerm(m: Message): void {
    if ((this.config.checkQuorum || this.config.preVote) && (m.type === 'MsgHeartbeat' || m.type === 'MsgApp')) {
      // A stale leader learns our term from this and steps down (it would otherwise never
      // hear of the higher term with check-quorum or pre-vote on).
      this.send(makeMessage({ type: 'MsgAppResp', from: this.id, to: m.from, term: this.term }));
    } else if (m.type === 'MsgPreVote') {
      this.send(makeMessage({ type: 'MsgPreVoteResp', from: this.id, to: m.from, term: this.term, reject: true }));
    }
  }

  private handleVoteRequest(m: Message): void {
    const pre = m.type === 'MsgPreVote';
    const canVote =
      this.vote === m.from || (this.vote === NO_NODE && this.lead === NO_NODE) || (pre && m.term > this.term);
    const logOk = this.config.testOnlyBugs?.voteWithoutLogCheck === true || this.log.isUpToDate(m.index, m.logTerm);
    const respType = pre ? 'MsgPreVoteResp' : 'MsgVoteResp';
    if (canVote && logOk) {
      this.send(makeMessage({ type: respType, from: this.id, to: m.from, term: m.term }));
      if (!pre) {
        this.electionElapsed = 0;
        this.vote = m.from;
      }
    } else {
      this.send(makeMessage({ type: respType, from: this.id, to: m.from, term: this.term, reject: true }));
    }
  }

  private stepFollower(m: Message): StepResult {
    switch (m.type) {
      case 'MsgProp':
        if (this.lead === NO_NODE) return drop('noLeader');
        if (this.config.disableProposalForwarding) return drop('forwardingDisabled');
        this.send({ ...m, to: this.lead });
        return OK;
      case 'MsgApp':
        this.heardFromLeader(m.from);
        this.handleAppendEntries(m);
        return OK;
      case 'MsgHeartbeat':
        this.heardFromLeader(m.from);
        this.handleHeartbeat(m);
        return OK;
      case 'MsgSnap':
        this.heardFromLeader(m.from);
        this.handleSnapshot(m);
        return OK;
      case 'MsgTransferLeader':
      case 'MsgReadIndex':
        if (this.lead === NO_NODE) return drop('noLeader');
        this.send({ ...m, to: this.lead });
        return OK;
      case 'MsgTimeoutNow':
        this.hup('transfer');
        return OK;
      case 'MsgReadIndexResp':
        this.readStates.push({ index: m.index, context: m.context ?? new Uint8Array(0) });
        return OK;
      default:
        return OK;
    }
  }

  private heardFromLeader(lead: NodeId): void {
    this.electionElapsed = 0;
    this.leaderContactElapsed = 0;
    this.lead = lead;
  }

  private stepCandidate(m: Message): StepResult {
    switch (m.type) {
      case 'MsgProp':
        return drop('noLeader');
      case 'MsgApp':
      case 'MsgHeartbeat':
      case 'MsgSnap':
        this.becomeFollower(m.term, m.from);
        return this.stepFollower(m);
      case 'MsgVoteResp':
        if (this.role === 'candidate') this.poll(m.from, !m.reject);
        return OK;
      case 'MsgPreVoteResp':
        if (this.role === 'preCandidate') this.poll(m.from, !m.reject);
        return OK;
      case 'MsgReadIndex':
      case 'MsgTransferLeader':
        return drop('noLeader');
      default:
        return OK;
    }
  }

  // ---- follower handlers ----

  private handleAppendEntries(m: Message): void {
    if (m.index < this.log.committed) {
      this.sendAppResp(m.from, this.log.committed);
      return;
    }
    const lastNew = this.log.maybeAppend(m.index, m.logTerm, m.commit, m.entries);
    if (lastNew !== undefined) {
      this.sendAppResp(m.from, lastNew);
      return;
    }
    const hintIndex = this.log.findConflictByTerm(logIndex(Math.min(m.index, this.log.lastIndex())), m.logTerm);
    this.sendAppResp(m.from, m.index, { hint: hintIndex, hintTerm: this.log.term(hintIndex) ?? toTerm(0) });
  }

  private sendAppResp(to: NodeId, index: LogIndex, reject?: { hint: LogIndex; hintTerm: Term }): void {
    const msg = makeMessage({
      type: 'MsgAppResp',
      from: this.id,
      to,
      term: this.term,
      index,
      reject: reject !== undefined,
      rejectHint: reject?.hint ?? logIndex(0),
      logTerm: reject?.hintTerm ?? toTerm(0),
    });
    // Bug switch: the acknowledgement escapes before the entries are durable.
    if (this.config.testOnlyBugs?.ackBeforePersist === true) this.msgs.push(msg);
    else this.send(msg);
  }

  private handleHeartbeat(m: Message): void {
    this.log.commitTo(m.commit);
    this.send(
      makeMessage({
        type: 'MsgHeartbeatResp',
        from: this.id,
        to: m.from,
        term: this.term,
        context: m.context,
        leaseTick: m.leaseTick,
      }),
    );
  }

  private handleSnapshot(m: Message): void {
    const snap = m.snapshot;
    assert(snap !== undefined, 'MsgSnap without snapshot');
    const outcome = this.restore(snap);
    if (outcome === 'deferred') this.deferSnapshot(m);
    else this.sendAppResp(m.from, outcome === 'installed' ? this.log.lastIndex() : this.log.committed);
  }

  /**
   * Installs a snapshot from the leader: 'ignored' if it brings nothing new, 'deferred' if it
   * must wait until the host has applied the entries it is applying.
   */
  private restore(snap: Snapshot): 'installed' | 'ignored' | 'deferred' {
    const meta = snap.metadata;
    if (meta.index <= this.log.committed) return 'ignored';
    // No membership check (etcd has one): a node added after the snapshot was taken is not in
    // its configuration yet, and learns of its own addition from the entries that follow.
    const cs = meta.confState;
    if (this.log.matchTerm(meta.index, meta.term)) {
      // We already have the snapshot's last entry: just fast-forward the commit index.
      this.log.commitTo(meta.index);
      return 'ignored';
    }
    // The host is applying committed entries of a Ready in flight, and will call
    // applyConfChange for the conf changes among them. Switching now to the snapshot's
    // membership (which already contains them) would apply them twice: a leave-joint would find
    // no joint configuration, an enter-joint would build a bogus one. (etcd raft has this race.)
    if (this.log.isApplying()) return 'deferred';
    this.log.restore(snap);
    this.installConfState(cs);
    return 'installed';
  }

  /** Holds a MsgSnap until `advance` (as if the network had delayed it); the newest one wins. */
  private deferSnapshot(m: Message): void {
    const held = this.deferredSnapshot?.snapshot?.metadata.index ?? -1;
    if (m.snapshot!.metadata.index >= held) this.deferredSnapshot = m;
  }

  /** Steps the snapshot `handleSnapshot` held back, once the host applied what it was applying. */
  stepDeferredSnapshot(): void {
    const m = this.deferredSnapshot;
    if (m === undefined || this.log.isApplying()) return;
    this.deferredSnapshot = undefined;
    // Stepped afresh: if the term moved on meanwhile, it is answered as any stale message is.
    this.step(m);
  }

  private installConfState(cs: ConfState): void {
    this.tracker.progress.clear();
    this.tracker.setMembership(
      {
        incoming: new Set(cs.voters),
        outgoing: new Set(cs.votersOutgoing),
        learners: new Set(cs.learners),
        learnersNext: new Set(cs.learnersNext),
        autoLeave: cs.autoLeave,
      },
      logIndex(this.log.lastIndex() + 1),
    );
  }

  // ---- leader ----

  private stepLeader(m: Message): StepResult {
    switch (m.type) {
      case 'MsgProp':
        return this.handlePropose(m);
      case 'MsgReadIndex':
        return this.handleReadIndex(m);
      case 'MsgTransferLeader':
        this.handleTransferLeader(m.from);
        return OK;
      default:
        break;
    }
    const pr = this.tracker.progress.get(m.from);
    if (pr === undefined) return OK;
    switch (m.type) {
      case 'MsgAppResp':
        this.handleAppResp(m, pr);
        return OK;
      case 'MsgHeartbeatResp':
        this.handleHeartbeatResp(m, pr);
        return OK;
      default:
        return OK;
    }
  }

  private handlePropose(m: Message): StepResult {
    assert(m.entries.length > 0, 'empty proposal');
    if (!this.tracker.progress.has(this.id)) return drop('notMember');
    if (this.leadTransferee !== NO_NODE) return drop('transferring');
    const confChanges = m.entries.filter((e) => e.type === 'confChange');
    if (confChanges.length > 0) {
      if (confChanges.length > 1 || !this.confChangeAllowed(decodeConfChange(confChanges[0]!.data))) {
        return drop('confChangePending');
      }
    }
    const bytes = m.entries.reduce((sum, e) => sum + entrySizeBytes(e), 0);
    if (this.uncommittedBytes > 0 && this.uncommittedBytes + bytes > this.config.uncommittedBytesMax) {
      return drop('uncommittedLimit');
    }
    this.uncommittedBytes += bytes;
    this.appendEntries(m.entries.map((e) => ({ type: e.type, data: e.data })));
    if (confChanges.length > 0) this.pendingConfIndex = this.log.lastIndex();
    this.bcastAppend();
    return OK;
  }

  /** One conf change at a time, and only changes that fit the current configuration. */
  private confChangeAllowed(cc: ConfChange): boolean {
    if (this.pendingConfIndex > this.log.applied) return false;
    const joint = this.tracker.isJoint();
    if (cc.changes.length === 0) return joint; // leaving joint needs joint
    if (joint) return false;
    return confChangeProblem(this.tracker.membership, cc) === undefined;
  }

  private appendEntries(entries: ReadonlyArray<Pick<Entry, 'type' | 'data'>>): void {
    const last = this.log.lastIndex();
    const full: Entry[] = entries.map((e, k) => ({ term: this.term, index: logIndex(last + 1 + k), type: e.type, data: e.data }));
    this.log.append(full);
  }

  private handleAppResp(m: Message, pr: Progress): void {
    pr.recentActive = true;
    if (m.reject) {
      let hint = m.rejectHint;
      if (m.logTerm > 0) hint = this.log.findConflictByTerm(m.rejectHint, m.logTerm);
      if (pr.maybeDecrTo(m.index, hint)) {
        if (pr.state === 'replicate') pr.becomeProbe();
        this.sendAppend(m.from);
      }
      return;
    }
    const oldPaused = pr.isPaused();
    if (!pr.maybeUpdate(m.index)) {
      if (oldPaused && !pr.isPaused()) this.sendAppend(m.from);
      return;
    }
    if (pr.state === 'probe') pr.becomeReplicate();
    else if (pr.state === 'snapshot' && pr.match >= pr.pendingSnapshot) pr.becomeProbe();
    else if (pr.state === 'replicate') pr.inflights.freeLE(m.index);
    if (this.maybeCommit()) this.bcastAppend();
    else while (this.sendAppend(m.from, false)) {
      // keep filling the pipeline while flow control allows
    }
    if (m.from === this.leadTransferee && pr.match === this.log.lastIndex()) this.sendTimeoutNow(m.from);
  }

  private handleHeartbeatResp(m: Message, pr: Progress): void {
    pr.recentActive = true;
    pr.probeSent = false;
    if (m.leaseTick !== undefined) pr.ackedLeaseTick = Math.max(pr.ackedLeaseTick, m.leaseTick);
    // A full window whose answers were lost would stall forever: free one slot per heartbeat.
    if (pr.state === 'replicate' && pr.inflights.full()) pr.inflights.freeFirstOne();
    if (pr.state === 'snapshot' && pr.match >= pr.pendingSnapshot) pr.becomeProbe();
    if (pr.match < this.log.lastIndex()) this.sendAppend(m.from);
    if (m.context === undefined || m.context.length === 0) return;
    const acks = this.readOnly.recvAck(m.from, m.context);
    if (acks === undefined) return;
    const votes = new Map<NodeId, boolean>();
    for (const id of acks) votes.set(id, true);
    if (jointVoteResult(this.tracker.voters(), votes) !== 'won') return;
    for (const rs of this.readOnly.advance(m.context)) this.respondToRead(rs.request, rs.index);
  }

  /**
   * Commits the highest index a quorum has durably matched, but only if that entry is of the
   * current term (Raft §5.4.2): older entries commit indirectly with it.
   */
  maybeCommit(): boolean {
    const index = this.tracker.committed();
    if (index <= this.log.committed) return false;
    const allowOld = this.config.testOnlyBugs?.commitOldTermEntries === true;
    if (!allowOld && this.log.term(index) !== this.term) return false;
    this.log.commitTo(index);
    this.releasePendingReads();
    return true;
  }

  /** Sends entries (or a snapshot) to `to`; false when nothing was sent. */
  sendAppend(to: NodeId, sendIfEmpty = true): boolean {
    const pr = this.tracker.progress.get(to);
    if (pr === undefined || to === this.id || pr.isPaused()) return false;
    const prevIndex = logIndex(pr.next - 1);
    const prevTerm = this.log.term(prevIndex);
    const entries = this.log.entriesAfter(prevIndex, this.config.msgBytesMax);
    if (prevTerm === undefined || entries === undefined) return this.sendSnapshot(to, pr);
    if (entries.length === 0 && !sendIfEmpty) return false;
    this.send(
      makeMessage({ type: 'MsgApp', from: this.id, to, term: this.term, index: prevIndex, logTerm: prevTerm, entries, commit: this.log.committed }),
    );
    const bytes = entries.reduce((sum, e) => sum + entrySizeBytes(e), 0);
    pr.sentEntries(entries.length > 0 ? entries[entries.length - 1]!.index : prevIndex, bytes, entries.length);
    return true;
  }

  private sendSnapshot(to: NodeId, pr: Progress): boolean {
    if (!pr.recentActive) return false;
    const snap = this.log.snapshot();
    if (snap === undefined || snap.metadata.index === 0) return false;
    this.send(makeMessage({ type: 'MsgSnap', from: this.id, to, term: this.term, snapshot: snap }));
    pr.becomeSnapshot(snap.metadata.index);
    return true;
  }

  bcastAppend(): void {
    for (const id of this.tracker.progress.keys()) if (id !== this.id) this.sendAppend(id);
  }

  private bcastHeartbeat(context: Uint8Array | undefined): void {
    for (const [id, pr] of this.tracker.progress) {
      if (id === this.id) continue;
      const commit = logIndex(Math.min(pr.match, this.log.committed));
      this.send(makeMessage({ type: 'MsgHeartbeat', from: this.id, to: id, term: this.term, commit, context, leaseTick: this.ticks }));
    }
  }

  // ---- reads ----

  private handleReadIndex(m: Message): StepResult {
    if (this.log.term(this.log.committed) !== this.term) {
      // Our commit index may lag the real one until an entry of our term commits.
      this.pendingReadIndexMessages.push(m);
      return OK;
    }
    this.serveRead(m);
    return OK;
  }

  private serveRead(m: Message): void {
    const index = this.log.committed;
    const soleVoter = this.tracker.voters().incoming.size === 1 && this.tracker.isVoter(this.id) && !this.tracker.isJoint();
    if (soleVoter || this.config.testOnlyBugs?.readIndexWithoutQuorum === true) {
      this.respondToRead(m, index);
    } else if (this.config.readOnlyOption === 'leaseBased' && this.leaseValid()) {
      this.respondToRead(m, index);
    } else {
      this.readOnly.add(index, m);
      this.readOnly.recvAck(this.id, m.context ?? new Uint8Array(0));
      this.bcastHeartbeat(m.context);
    }
  }

  private releasePendingReads(): void {
    if (this.pendingReadIndexMessages.length === 0) return;
    const pending = this.pendingReadIndexMessages;
    this.pendingReadIndexMessages = [];
    for (const m of pending) this.serveRead(m);
  }

  private respondToRead(m: Message, index: LogIndex): void {
    const context = m.context ?? new Uint8Array(0);
    if (m.from === NO_NODE || m.from === this.id) {
      this.readStates.push({ index, context });
    } else {
      this.send(makeMessage({ type: 'MsgReadIndexResp', from: this.id, to: m.from, term: this.term, index, context }));
    }
  }

  /**
   * True while no other leader can exist: a quorum acknowledged a heartbeat sent at tick s,
   * and those voters refuse votes for an election timeout after hearing it, which is at least
   * electionTicks - leaseDriftTicks of our ticks.
   */
  private leaseValid(): boolean {
    if (this.leaseRevoked || this.leadTransferee !== NO_NODE) return false;
    const acked = (id: NodeId): LogIndex => {
      if (id === this.id) return logIndex(this.ticks + 1);
      return logIndex((this.tracker.progress.get(id)?.ackedLeaseTick ?? -1) + 1);
    };
    // Reuse the commit computation: the quorum-th highest acknowledgement tick (+1 so 0 is "never").
    const quorumTick = Math.min(
      ...[this.tracker.voters().incoming, this.tracker.voters().outgoing]
        .filter((s) => s.size > 0)
        .map((s) => {
          const ticks = [...s].map(acked).sort((a, b) => b - a);
          return ticks[Math.floor(s.size / 2)]! - 1;
        }),
    );
    if (quorumTick < 0) return false;
    return this.ticks < quorumTick + this.config.electionTicks - this.config.leaseDriftTicks;
  }

  // ---- leadership transfer ----

  private handleTransferLeader(transferee: NodeId): void {
    const pr = this.tracker.progress.get(transferee);
    if (pr === undefined || pr.isLearner || transferee === this.id) return;
    if (this.leadTransferee === transferee) return;
    this.leadTransferee = transferee;
    this.electionElapsed = 0; // the transfer must finish within one election timeout
    if (pr.match === this.log.lastIndex()) this.sendTimeoutNow(transferee);
    else this.sendAppend(transferee);
  }

  private sendTimeoutNow(to: NodeId): void {
    this.leaseRevoked = true;
    this.send(makeMessage({ type: 'MsgTimeoutNow', from: this.id, to, term: this.term }));
  }

  // ---- host callbacks ----

  /**
   * The host made durable everything up to and including a Ready with hard state `hs` (if any)
   * and entries up to `stableIndex`: count our own vote and log now.
   */
  onPersisted(hs: HardState | undefined): void {
    if (this.role === 'candidate' && this.selfVotePending && hs !== undefined && hs.term === this.term && hs.vote === this.id) {
      this.selfVotePending = false;
      this.poll(this.id, true);
    }
    if (this.role !== 'leader') return;
    const self = this.tracker.progress.get(this.id);
    if (self !== undefined && self.maybeUpdate(this.log.stableLastIndex())) {
      if (this.maybeCommit()) this.bcastAppend();
    }
  }

  /** The host applied entries up to `index`. */
  onApplied(index: LogIndex, appliedBytes: number): void {
    this.log.appliedTo(index);
    this.uncommittedBytes = Math.max(0, this.uncommittedBytes - appliedBytes);
    const m = this.tracker.membership;
    if (this.role === 'leader' && m.autoLeave && m.outgoing.size > 0 && index >= this.pendingConfIndex) {
      const leave = encodeConfChange({ transition: 'auto', changes: [] });
      this.handlePropose(makeMessage({ type: 'MsgProp', from: this.id, to: this.id, entries: [{ term: toTerm(0), index: logIndex(0), type: 'confChange', data: leave }] }));
    }
  }

  /** The host applied a committed conf change: switch to the new membership. */
  applyConfChange(cc: ConfChange): ConfState {
    const next = applyConfChange(this.tracker.membership, cc);
    this.tracker.setMembership(next, logIndex(this.log.lastIndex() + 1));
    const self = this.tracker.progress.get(this.id);
    if (this.role === 'leader' && (self === undefined || self.isLearner)) {
      // Removed or demoted: stop leading; the remaining voters elect a new leader.
      this.becomeFollower(this.term, NO_NODE);
      return this.tracker.confState();
    }
    if (this.role === 'leader') {
      if (this.maybeCommit()) this.bcastAppend();
      else for (const id of this.tracker.progress.keys()) this.sendAppend(id, false);
      if (this.leadTransferee !== NO_NODE && !this.tracker.isVoter(this.leadTransferee)) this.leadTransferee = NO_NODE;
    }
    return this.tracker.confState();
  }

  /** A snapshot sent to `id` arrived (ok) or was lost. */
  reportSnapshot(id: NodeId, ok: boolean): void {
    const pr = this.tracker.progress.get(id);
    if (this.role !== 'leader' || pr === undefined || pr.state !== 'snapshot') return;
    if (!ok) pr.pendingSnapshot = logIndex(0);
    pr.becomeProbe();
    // Wait for the follower's answer (or a heartbeat) before probing again.
    pr.probeSent = true;
  }

  /** `id` could not be reached: stop pipelining to it. */
  reportUnreachable(id: NodeId): void {
    const pr = this.tracker.progress.get(id);
    if (this.role === 'leader' && pr !== undefined && pr.state === 'replicate') pr.becomeProbe();
  }

  private send(m: Message): void {
    assert(m.to !== this.id, `message ${m.type} to self`);
    if (m.type === 'MsgAppResp' || m.type === 'MsgVoteResp' || m.type === 'MsgPreVoteResp') this.msgsAfterPersist.push(m);
    else this.msgs.push(m);
  }
}
