// Proves the quorum arithmetic (commit index and vote outcome, majority and joint) equals a
// naive model on random configurations: the commit index is the largest index acknowledged
// by a majority, found by trying every candidate index.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { LogIndex, NodeId } from '../src/base/ids.js';
import { logIndex, nodeId } from '../src/base/ids.js';
import { jointCommitted, jointVoteResult, majorityCommitted, majorityVoteResult } from './quorum.js';

const ids = fc.uniqueArray(fc.integer({ min: 1, max: 9 }), { maxLength: 7 }).map((xs) => new Set(xs.map(nodeId)));
const acks = fc.dictionary(fc.integer({ min: 1, max: 9 }).map(String), fc.integer({ min: 0, max: 20 }));

function naiveCommitted(voters: ReadonlySet<NodeId>, acked: Record<string, number>): number {
  if (voters.size === 0) return Number.MAX_SAFE_INTEGER;
  let best = 0;
  for (let candidate = 0; candidate <= 20; candidate++) {
    const count = [...voters].filter((id) => (acked[String(id)] ?? 0) >= candidate).length;
    if (count > voters.size / 2) best = candidate;
  }
  return best;
}

function naiveVote(voters: ReadonlySet<NodeId>, votes: Record<string, number>): string {
  if (voters.size === 0) return 'won';
  const yes = [...voters].filter((id) => votes[String(id)] === 1).length;
  const no = [...voters].filter((id) => votes[String(id)] === 0).length;
  if (yes > voters.size / 2) return 'won';
  if (no >= voters.size / 2) return 'lost';
  return 'pending';
}

const lookup = (acked: Record<string, number>) => (id: NodeId): LogIndex | undefined =>
  acked[String(id)] === undefined ? undefined : logIndex(acked[String(id)]!);

describe('quorum', () => {
  it('majority commit index equals the naive model', () => {
    fc.assert(
      fc.property(ids, acks, (voters, acked) => {
        expect(majorityCommitted(voters, lookup(acked))).toBe(naiveCommitted(voters, acked));
      }),
    );
  });

  it('joint commit index is the minimum of both majorities', () => {
    fc.assert(
      fc.property(ids, ids, acks, (incoming, outgoing, acked) => {
        const want = Math.min(naiveCommitted(incoming, acked), naiveCommitted(outgoing, acked));
        expect(jointCommitted({ incoming, outgoing }, lookup(acked))).toBe(want);
      }),
    );
  });

  it('vote results equal the naive model (votes: 1 granted, 0 rejected, absent pending)', () => {
    const votes = fc.dictionary(fc.integer({ min: 1, max: 9 }).map(String), fc.constantFrom(0, 1));
    fc.assert(
      fc.property(ids, ids, votes, (incoming, outgoing, v) => {
        const map = new Map(Object.entries(v).map(([k, x]) => [nodeId(Number(k)), x === 1]));
        expect(majorityVoteResult(incoming, map)).toBe(naiveVote(incoming, v));
        const a = naiveVote(incoming, v);
        const b = naiveVote(outgoing, v);
        const joint = a === b ? a : a === 'lost' || b === 'lost' ? 'lost' : 'pending';
        expect(jointVoteResult({ incoming, outgoing }, map)).toBe(joint);
      }),
    );
  });

  it('a committed index never exceeds what a majority acknowledged (3 voters)', () => {
    const voters = new Set([nodeId(1), nodeId(2), nodeId(3)]);
    expect(majorityCommitted(voters, lookup({ '1': 5, '2': 3, '3': 1 }))).toBe(3);
    expect(majorityCommitted(voters, lookup({ '1': 5 }))).toBe(0);
  });
});
