/**
 * Quorum arithmetic: the committed index and the election result of a majority
 * configuration, and of a joint configuration (a majority of both halves).
 * Pure functions; raft/quorum.test.ts checks them against a naive model.
 */
import type { LogIndex, NodeId } from '../src/base/ids.js';
import { logIndex } from '../src/base/ids.js';

/** Outcome of counting votes. */
export type VoteResult = 'won' | 'lost' | 'pending';

/**
 * The highest index acknowledged by a majority of `voters`: sort the acknowledged indexes
 * (missing ones count as 0) descending and take the one at position floor(n/2).
 * An empty configuration commits everything (so it is neutral inside a joint config).
 */
export function majorityCommitted(voters: ReadonlySet<NodeId>, acked: (id: NodeId) => LogIndex | undefined): LogIndex {
  if (voters.size === 0) return logIndex(Number.MAX_SAFE_INTEGER);
  const indexes: number[] = [];
  for (const id of voters) indexes.push(acked(id) ?? 0);
  indexes.sort((a, b) => b - a);
  return logIndex(indexes[Math.floor(voters.size / 2)]!);
}

/** Whether `votes` (true = granted) won, lost or are still open in `voters`. Empty wins. */
export function majorityVoteResult(voters: ReadonlySet<NodeId>, votes: ReadonlyMap<NodeId, boolean>): VoteResult {
  if (voters.size === 0) return 'won';
  let granted = 0;
  let missing = 0;
  for (const id of voters) {
    const v = votes.get(id);
    if (v === undefined) missing++;
    else if (v) granted++;
  }
  const quorum = Math.floor(voters.size / 2) + 1;
  if (granted >= quorum) return 'won';
  if (granted + missing >= quorum) return 'pending';
  return 'lost';
}

/** Voters of a possibly joint configuration: `outgoing` is empty unless joint. */
export interface JointVoters {
  readonly incoming: ReadonlySet<NodeId>;
  readonly outgoing: ReadonlySet<NodeId>;
}

/** Committed index of a joint configuration: the lower of its two majorities. */
export function jointCommitted(voters: JointVoters, acked: (id: NodeId) => LogIndex | undefined): LogIndex {
  const a = majorityCommitted(voters.incoming, acked);
  const b = majorityCommitted(voters.outgoing, acked);
  return logIndex(Math.min(a, b));
}

/** Election result of a joint configuration: won only if both halves won. */
export function jointVoteResult(voters: JointVoters, votes: ReadonlyMap<NodeId, boolean>): VoteResult {
  const a = majorityVoteResult(voters.incoming, votes);
  const b = majorityVoteResult(voters.outgoing, votes);
  if (a === b) return a;
  if (a === 'lost' || b === 'lost') return 'lost';
  return 'pending';
}

/** Every voter of either half, each once. */
export function jointIds(voters: JointVoters): Set<NodeId> {
  return new Set([...voters.incoming, ...voters.outgoing]);
}
