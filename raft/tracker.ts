/**
 * The membership in force on a node plus, on a leader, the replication progress of every
 * member and, on a candidate, the votes received.
 */
import type { LogIndex, NodeId } from '../src/base/ids.js';
import { logIndex } from '../src/base/ids.js';
import type { Membership } from './conf-change.js';
import { allMembers, confStateFromMembership, membershipFromConfState } from './conf-change.js';
import { Inflights, Progress } from './progress.js';
import type { JointVoters, VoteResult } from './quorum.js';
import { jointCommitted, jointVoteResult } from './quorum.js';
import type { ConfState } from './types.js';

/** Membership, progress and votes of one node. */
export class ProgressTracker {
  membership: Membership;
  /** One entry per member. Invariant: keys === allMembers(membership). */
  readonly progress = new Map<NodeId, Progress>();
  /** Votes received in the current election (true = granted). */
  readonly votes = new Map<NodeId, boolean>();

  constructor(
    confState: ConfState,
    private readonly inflightMsgsMax: number,
    private readonly inflightBytesMax: number,
  ) {
    this.membership = membershipFromConfState(confState);
  }

  voters(): JointVoters {
    return { incoming: this.membership.incoming, outgoing: this.membership.outgoing };
  }

  isVoter(id: NodeId): boolean {
    return this.membership.incoming.has(id) || this.membership.outgoing.has(id);
  }

  isJoint(): boolean {
    return this.membership.outgoing.size > 0;
  }

  confState(): ConfState {
    return confStateFromMembership(this.membership);
  }

  /**
   * Installs a membership; keeps the progress of members that stay, creates fresh progress
   * (next = `nextIndex`) for new ones and drops removed ones.
   */
  setMembership(membership: Membership, nextIndex: LogIndex): void {
    this.membership = membership;
    const members = allMembers(membership);
    for (const id of [...this.progress.keys()]) if (!members.has(id)) this.progress.delete(id);
    for (const id of members) {
      const learner = !this.isVoter(id);
      const existing = this.progress.get(id);
      if (existing !== undefined) existing.isLearner = learner;
      else this.progress.set(id, this.newProgress(nextIndex, learner));
    }
  }

  /** Fresh progress for every member (a new leader's view). */
  resetProgress(nextIndex: LogIndex): void {
    this.progress.clear();
    this.setMembership(this.membership, nextIndex);
  }

  private newProgress(nextIndex: LogIndex, learner: boolean): Progress {
    const p = new Progress(nextIndex, new Inflights(this.inflightMsgsMax, this.inflightBytesMax), learner);
    return p;
  }

  /** Highest index a quorum of voters has durably matched. */
  committed(): LogIndex {
    return jointCommitted(this.voters(), (id) => this.progress.get(id)?.match ?? logIndex(0));
  }

  resetVotes(): void {
    this.votes.clear();
  }

  recordVote(id: NodeId, granted: boolean): void {
    if (!this.votes.has(id)) this.votes.set(id, granted);
  }

  voteResult(): VoteResult {
    return jointVoteResult(this.voters(), this.votes);
  }

  /** Whether the voters marked `active` (plus `self`) form a quorum. */
  quorumActive(self: NodeId, active: (p: Progress) => boolean): boolean {
    const votes = new Map<NodeId, boolean>();
    for (const [id, p] of this.progress) if (!p.isLearner) votes.set(id, id === self || active(p));
    return jointVoteResult(this.voters(), votes) === 'won';
  }
}
