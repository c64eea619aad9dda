/**
 * Membership changes. A change that alters at most one voter applies directly ("simple");
 * anything else goes through a joint configuration (old and new voters must both agree) that
 * is left by a second, empty change — automatically when `autoLeave` is set.
 * Pure functions over `Membership`; the tracker applies the result.
 */
import { assert } from '../src/base/assert.js';
import type { NodeId } from '../src/base/ids.js';
import { nodeId } from '../src/base/ids.js';
import type { ConfState } from './types.js';

/** One membership edit. */
export type ConfChangeType = 'addNode' | 'addLearnerNode' | 'removeNode';

/** One membership edit of one node. */
export interface ConfChangeSingle {
  readonly type: ConfChangeType;
  readonly nodeId: NodeId;
}

/**
 * How to apply a change: 'auto' uses a simple change when it can and otherwise a joint
 * configuration left automatically; 'jointImplicit'/'jointExplicit' always go joint and leave
 * automatically / only when an empty change is proposed. An empty `changes` leaves joint.
 */
export type ConfChangeTransition = 'auto' | 'jointImplicit' | 'jointExplicit';

/** The payload of a 'confChange' entry. */
export interface ConfChange {
  readonly transition: ConfChangeTransition;
  readonly changes: readonly ConfChangeSingle[];
}

/** Mutable membership sets (see ConfState for the meaning of each). */
export interface Membership {
  incoming: Set<NodeId>;
  outgoing: Set<NodeId>;
  learners: Set<NodeId>;
  learnersNext: Set<NodeId>;
  autoLeave: boolean;
}

/** Encodes a ConfChange for an entry's data. */
export function encodeConfChange(cc: ConfChange): Uint8Array {
  return new TextEncoder().encode(JSON.stringify(cc));
}

/** Decodes a 'confChange' entry's data. */
export function decodeConfChange(data: Uint8Array): ConfChange {
  const parsed = JSON.parse(new TextDecoder().decode(data)) as ConfChange;
  assert(Array.isArray(parsed.changes), 'malformed conf change');
  return { transition: parsed.transition, changes: parsed.changes.map((c) => ({ type: c.type, nodeId: nodeId(c.nodeId) })) };
}

/** True when this change leaves a joint configuration. */
export function leavesJoint(cc: ConfChange): boolean {
  return cc.changes.length === 0;
}

/** Whether applying `cc` needs a joint configuration (and whether to leave it automatically). */
export function entersJoint(cc: ConfChange): { joint: boolean; autoLeave: boolean } {
  if (cc.transition === 'jointExplicit') return { joint: true, autoLeave: false };
  if (cc.transition === 'jointImplicit') return { joint: true, autoLeave: true };
  return { joint: cc.changes.length > 1, autoLeave: true };
}

export function membershipFromConfState(cs: ConfState): Membership {
  return {
    incoming: new Set(cs.voters),
    outgoing: new Set(cs.votersOutgoing),
    learners: new Set(cs.learners),
    learnersNext: new Set(cs.learnersNext),
    autoLeave: cs.autoLeave,
  };
}

export function confStateFromMembership(m: Membership): ConfState {
  const sorted = (s: Set<NodeId>): NodeId[] => [...s].sort((a, b) => a - b);
  return {
    voters: sorted(m.incoming),
    votersOutgoing: sorted(m.outgoing),
    learners: sorted(m.learners),
    learnersNext: sorted(m.learnersNext),
    autoLeave: m.autoLeave,
  };
}

function copy(m: Membership): Membership {
  return {
    incoming: new Set(m.incoming),
    outgoing: new Set(m.outgoing),
    learners: new Set(m.learners),
    learnersNext: new Set(m.learnersNext),
    autoLeave: m.autoLeave,
  };
}

function isJoint(m: Membership): boolean {
  return m.outgoing.size > 0;
}

/** A conf change that does not fit the current membership (an operating error of the proposer). */
export class ConfChangeError extends Error {
  override readonly name = 'ConfChangeError';
}

function check(condition: boolean, message: string): asserts condition {
  if (!condition) throw new ConfChangeError(message);
}

/**
 * The membership after applying `cc` to `current` (which is not modified). Throws
 * ConfChangeError when the change does not fit; see `confChangeProblem` to test first.
 */
export function applyConfChange(current: Membership, cc: ConfChange): Membership {
  if (leavesJoint(cc)) return leaveJoint(current);
  const { joint, autoLeave } = entersJoint(cc);
  return joint ? enterJoint(current, cc.changes, autoLeave) : simpleChange(current, cc.changes);
}

/** Why `cc` cannot be applied to `current`, or undefined when it can. */
export function confChangeProblem(current: Membership, cc: ConfChange): string | undefined {
  try {
    applyConfChange(current, cc);
    return undefined;
  } catch (e) {
    if (e instanceof ConfChangeError) return e.message;
    throw e;
  }
}

function enterJoint(current: Membership, changes: readonly ConfChangeSingle[], autoLeave: boolean): Membership {
  check(!isJoint(current), 'already in a joint configuration');
  check(current.incoming.size > 0, 'cannot enter joint from an empty configuration');
  const next = copy(current);
  next.outgoing = new Set(current.incoming);
  applySingles(next, changes);
  next.autoLeave = autoLeave;
  checkInvariants(next);
  return next;
}

function leaveJoint(current: Membership): Membership {
  check(isJoint(current), 'not in a joint configuration');
  const next = copy(current);
  for (const id of next.learnersNext) next.learners.add(id);
  next.learnersNext.clear();
  next.outgoing.clear();
  next.autoLeave = false;
  checkInvariants(next);
  return next;
}

function simpleChange(current: Membership, changes: readonly ConfChangeSingle[]): Membership {
  check(!isJoint(current), 'simple change inside a joint configuration');
  const next = copy(current);
  applySingles(next, changes);
  let changed = 0;
  for (const id of next.incoming) if (!current.incoming.has(id)) changed++;
  for (const id of current.incoming) if (!next.incoming.has(id)) changed++;
  check(changed <= 1, 'a simple change may alter at most one voter');
  checkInvariants(next);
  return next;
}

function applySingles(m: Membership, changes: readonly ConfChangeSingle[]): void {
  for (const c of changes) {
    check(c.nodeId !== 0, 'node id 0 is reserved');
    if (c.type === 'addNode') {
      m.learners.delete(c.nodeId);
      m.learnersNext.delete(c.nodeId);
      m.incoming.add(c.nodeId);
    } else if (c.type === 'addLearnerNode') {
      m.incoming.delete(c.nodeId);
      // A voter of the outgoing half cannot be a learner at the same time: it becomes one
      // when the joint configuration is left.
      if (m.outgoing.has(c.nodeId)) m.learnersNext.add(c.nodeId);
      else m.learners.add(c.nodeId);
    } else {
      m.incoming.delete(c.nodeId);
      m.learners.delete(c.nodeId);
      m.learnersNext.delete(c.nodeId);
    }
  }
  check(m.incoming.size > 0, 'removing all voters is not allowed');
}

function checkInvariants(m: Membership): void {
  for (const id of m.learners) {
    check(!m.incoming.has(id) && !m.outgoing.has(id), `learner ${id} is also a voter`);
  }
  for (const id of m.learnersNext) check(m.outgoing.has(id), `learnerNext ${id} not an outgoing voter`);
  if (!isJoint(m)) check(m.learnersNext.size === 0 && !m.autoLeave, 'joint-only fields set outside joint');
}

/** Every member (voter of either half, learner, or learner-to-be). */
export function allMembers(m: Membership): Set<NodeId> {
  return new Set([...m.incoming, ...m.outgoing, ...m.learners, ...m.learnersNext]);
}
