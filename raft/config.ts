/**
 * Configuration of one Raft node, with the defaults Atoll runs with and a validator.
 */
import { assert } from '../src/base/assert.js';
import type { Random } from '../src/base/clock.js';
import type { LogIndex, NodeId } from '../src/base/ids.js';
import type { RaftStorage } from './storage.js';

/**
 * How a leader answers a linearizable read: 'safe' confirms its leadership with a heartbeat
 * round per batch of reads (ReadIndex); 'leaseBased' answers from its lease when the quorum
 * acknowledged it recently enough, falling back to 'safe' otherwise. Leases need check-quorum
 * and a clock-drift bound (`leaseDriftTicks`).
 */
export type ReadOnlyOption = 'safe' | 'leaseBased';

/**
 * Deliberate protocol mistakes, for tests only: each one must make the simulator fail.
 * Never set outside tests.
 */
export interface TestOnlyBugs {
  /** Leader commits any entry a quorum stores, not only entries of its own term (Raft §5.4.2). */
  readonly commitOldTermEntries?: boolean;
  /** Voters grant votes without checking the candidate's log is up to date (Raft §5.4.1). */
  readonly voteWithoutLogCheck?: boolean;
  /** Followers acknowledge appended entries before the host persisted them. */
  readonly ackBeforePersist?: boolean;
  /** ReadIndex answers at once, without confirming leadership with a quorum. */
  readonly readIndexWithoutQuorum?: boolean;
}

/** Everything a node needs; see `defaultRaftConfig` for sensible values. */
export interface RaftConfig {
  /** This node's id (>= 1). */
  readonly id: NodeId;
  readonly storage: RaftStorage;
  /** Source of the randomized election timeout; the only randomness Raft uses. */
  readonly random: Random;
  /** Ticks without hearing a leader before campaigning; randomized in [this, 2 × this). */
  readonly electionTicks: number;
  /** Ticks between leader heartbeats. Invariant: heartbeatTicks < electionTicks. */
  readonly heartbeatTicks: number;
  /** Last index the host applied before a restart; 0 for a new node. */
  readonly applied?: LogIndex;
  /** Bytes of entries per MsgApp beyond the first entry (batching). */
  readonly msgBytesMax: number;
  /** Bytes of committed entries per Ready beyond the first. */
  readonly committedBytesPerReadyMax: number;
  /** MsgApps in flight per follower in replicate state (pipelining window). */
  readonly inflightMsgsMax: number;
  /** Bytes in flight per follower. */
  readonly inflightBytesMax: number;
  /** Bytes of proposed but uncommitted entries a leader accepts before dropping proposals. */
  readonly uncommittedBytesMax: number;
  /** Campaign with a pre-vote round first, so a partitioned node cannot disrupt the group. */
  readonly preVote: boolean;
  /** Leader steps down when it has not heard from a quorum within an election timeout. */
  readonly checkQuorum: boolean;
  readonly readOnlyOption: ReadOnlyOption;
  /** Most ticks by which any two nodes' tick counts may drift apart over an election timeout. */
  readonly leaseDriftTicks: number;
  /** Followers drop proposals instead of forwarding them to the leader. */
  readonly disableProposalForwarding: boolean;
  readonly testOnlyBugs?: TestOnlyBugs;
}

/** Defaults: 10-tick elections, 1-tick heartbeats, pre-vote and check-quorum on. */
export function defaultRaftConfig(id: NodeId, storage: RaftStorage, random: Random): RaftConfig {
  return {
    id,
    storage,
    random,
    electionTicks: 10,
    heartbeatTicks: 1,
    msgBytesMax: 1024 * 1024,
    committedBytesPerReadyMax: 4 * 1024 * 1024,
    inflightMsgsMax: 256,
    inflightBytesMax: 32 * 1024 * 1024,
    uncommittedBytesMax: 64 * 1024 * 1024,
    preVote: true,
    checkQuorum: true,
    readOnlyOption: 'safe',
    leaseDriftTicks: 2,
    disableProposalForwarding: false,
  };
}

/** Stops on a configuration that cannot work. */
export function validateRaftConfig(c: RaftConfig): void {
  assert(c.id > 0, 'node id must be >= 1');
  assert(c.heartbeatTicks > 0, 'heartbeatTicks must be positive');
  assert(c.electionTicks > c.heartbeatTicks, 'electionTicks must exceed heartbeatTicks');
  assert(c.inflightMsgsMax > 0 && c.inflightBytesMax > 0, 'inflight limits must be positive');
  assert(c.msgBytesMax >= 0 && c.committedBytesPerReadyMax >= 0, 'byte limits must be >= 0');
  if (c.readOnlyOption === 'leaseBased') {
    assert(c.checkQuorum, 'lease-based reads need checkQuorum');
    assert(c.leaseDriftTicks >= 0 && c.leaseDriftTicks < c.electionTicks, 'leaseDriftTicks must be in [0, electionTicks)');
  }
}
