/**
 * The data Raft exchanges with its host: log entries, messages, persistent state, snapshots
 * and the `Ready` batch. Everything here is plain immutable data so a host can persist,
 * encode or print it without knowing Raft's internals.
 */
import type { LogIndex, NodeId, Term } from '../src/base/ids.js';
import { logIndex, nodeId, term } from '../src/base/ids.js';

/** "No node": no vote cast, no leader known. Real node ids are >= 1. */
export const NO_NODE: NodeId = nodeId(0);
/** Term 0 and index 0: before everything. */
export const TERM_ZERO: Term = term(0);
export const INDEX_ZERO: LogIndex = logIndex(0);

/** What an entry carries: application data, or a membership change (see conf-change.ts). */
export type EntryType = 'normal' | 'confChange';

/** One log entry. Invariant: `index` and `term` identify the entry's content cluster-wide. */
export interface Entry {
  readonly term: Term;
  readonly index: LogIndex;
  readonly type: EntryType;
  /** Opaque to Raft; an empty array for the leader's no-op entry. */
  readonly data: Uint8Array;
}

/** Durable per-node state; must be on disk before any message that depends on it is sent. */
export interface HardState {
  readonly term: Term;
  /** Who this node voted for in `term`; NO_NODE when it has not voted. */
  readonly vote: NodeId;
  /** Highest index known committed. Persisting it is an optimisation, not a safety need. */
  readonly commit: LogIndex;
}

/**
 * The membership of a group. In a joint configuration `votersOutgoing` is non-empty and
 * decisions need a majority of both `voters` and `votersOutgoing`.
 * Invariant: a node is in at most one of voters and learners; learnersNext only in joint.
 */
export interface ConfState {
  readonly voters: readonly NodeId[];
  readonly votersOutgoing: readonly NodeId[];
  readonly learners: readonly NodeId[];
  /** Voters being demoted to learners: they become learners when the joint config is left. */
  readonly learnersNext: readonly NodeId[];
  /** Leave the joint configuration automatically once it is applied. */
  readonly autoLeave: boolean;
}

/** Where a snapshot stands in the log and which membership it carries. */
export interface SnapshotMetadata {
  readonly index: LogIndex;
  readonly term: Term;
  readonly confState: ConfState;
}

/** A snapshot of the application's state machine at `metadata.index`. */
export interface Snapshot {
  readonly metadata: SnapshotMetadata;
  readonly data: Uint8Array;
}

/** Every message kind. Local-only kinds never cross the network. */
export type MessageType =
  | 'MsgProp'
  | 'MsgApp'
  | 'MsgAppResp'
  | 'MsgVote'
  | 'MsgVoteResp'
  | 'MsgPreVote'
  | 'MsgPreVoteResp'
  | 'MsgSnap'
  | 'MsgHeartbeat'
  | 'MsgHeartbeatResp'
  | 'MsgTransferLeader'
  | 'MsgTimeoutNow'
  | 'MsgReadIndex'
  | 'MsgReadIndexResp';

/** A message between two members of one group. Fields a kind does not use keep their zero value. */
export interface Message {
  readonly type: MessageType;
  readonly from: NodeId;
  readonly to: NodeId;
  /** Sender's term; 0 for MsgProp, MsgReadIndex and MsgTransferLeader forwarded by a follower. */
  readonly term: Term;
  /** MsgApp: term of the entry before `entries`; MsgVote: candidate's last log term. */
  readonly logTerm: Term;
  /** MsgApp: index before `entries`; MsgAppResp: the index accepted or rejected; MsgVote: last index. */
  readonly index: LogIndex;
  readonly entries: readonly Entry[];
  readonly commit: LogIndex;
  readonly snapshot?: Snapshot;
  readonly reject: boolean;
  /** On a rejected MsgAppResp: the follower's last index, to speed up probing. */
  readonly rejectHint: LogIndex;
  /** ReadIndex request context, echoed by heartbeats and the read state. */
  readonly context?: Uint8Array;
  /**
   * Leader's tick count when it sent a heartbeat, echoed by the response. Lets a leader know
   * when the quorum last acknowledged it, which is what a lease read needs.
   */
  readonly leaseTick?: number;
  /** MsgVote/MsgPreVote caused by a leadership transfer: bypasses the leader lease. */
  readonly transfer?: boolean;
}

/** The role a node plays in its current term. */
export type RaftRole = 'follower' | 'preCandidate' | 'candidate' | 'leader';

/** Volatile state worth showing the host (not persisted). */
export interface SoftState {
  readonly leader: NodeId;
  readonly role: RaftRole;
}

/** A linearizable read point: the caller may serve a read for `context` once it applied `index`. */
export interface ReadState {
  readonly index: LogIndex;
  readonly context: Uint8Array;
}

/**
 * One batch of work for the host, in this order:
 * 1. send `messages` (they depend on nothing unpersisted);
 * 2. persist `snapshot`, `entries` and `hardState` (entries replace any stored entries at the
 *    same indexes and after) and make them durable when `mustSync`;
 * 3. send `messagesAfterPersist` (acknowledgements and votes that promise durable state);
 * 4. apply `committedEntries` (they may include entries from step 2, never entries not in it
 *    or already durable);
 * 5. call `advance(ready)`.
 * No further `ready()` until `advance`; `step`, `tick` and `propose` are allowed meanwhile.
 */
export interface Ready {
  readonly softState?: SoftState;
  readonly hardState?: HardState;
  readonly entries: readonly Entry[];
  readonly snapshot?: Snapshot;
  readonly committedEntries: readonly Entry[];
  readonly messages: readonly Message[];
  readonly messagesAfterPersist: readonly Message[];
  readonly readStates: readonly ReadState[];
  /** True when hard state or entries changed and the write needs an fsync. */
  readonly mustSync: boolean;
}

/** A message with every optional field at its zero value, overridden by `fields`. */
export function makeMessage(fields: Partial<Message> & Pick<Message, 'type' | 'from' | 'to'>): Message {
  // Field by field rather than a spread: this is on the replication hot path.
  const m: { -readonly [K in keyof Message]: Message[K] } = {
    type: fields.type,
    from: fields.from,
    to: fields.to,
    term: fields.term ?? TERM_ZERO,
    logTerm: fields.logTerm ?? TERM_ZERO,
    index: fields.index ?? INDEX_ZERO,
    entries: fields.entries ?? NO_ENTRIES,
    commit: fields.commit ?? INDEX_ZERO,
    reject: fields.reject ?? false,
    rejectHint: fields.rejectHint ?? INDEX_ZERO,
  };
  if (fields.snapshot !== undefined) m.snapshot = fields.snapshot;
  if (fields.context !== undefined) m.context = fields.context;
  if (fields.leaseTick !== undefined) m.leaseTick = fields.leaseTick;
  if (fields.transfer !== undefined) m.transfer = fields.transfer;
  return m;
}

const NO_ENTRIES: readonly Entry[] = Object.freeze([]);

/** An empty configuration (no voters): what a brand-new node without bootstrap has. */
export const EMPTY_CONF_STATE: ConfState = {
  voters: [],
  votersOutgoing: [],
  learners: [],
  learnersNext: [],
  autoLeave: false,
};

/** Hard state of a node that has never run. */
export const EMPTY_HARD_STATE: HardState = { term: TERM_ZERO, vote: NO_NODE, commit: INDEX_ZERO };

/** True when two hard states are equal field by field. */
export function hardStateEqual(a: HardState, b: HardState): boolean {
  return a.term === b.term && a.vote === b.vote && a.commit === b.commit;
}

/** Bytes an entry counts for in size limits: its payload plus a fixed overhead. */
export function entrySizeBytes(entry: Entry): number {
  return entry.data.length + 16;
}
