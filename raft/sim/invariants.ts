/**
 * Safety properties the simulator checks after every event, each from Raft's paper:
 * election safety, log matching, leader completeness, state machine safety, and that commit
 * indexes never go back and acknowledged writes and linearizable reads stay true.
 * A violation throws InvariantViolation; the simulation reports it with its seed.
 */
import type { LogIndex, NodeId, Term } from '../../src/base/ids.js';
import { logIndex } from '../../src/base/ids.js';
import type { Entry, Snapshot } from '../types.js';
import type { MachineState, SimNode } from './sim-node.js';
import { decodeMachine, entryText } from './sim-node.js';

/** A broken safety property. */
export class InvariantViolation extends Error {
  override readonly name = 'InvariantViolation';
}

function fail(message: string): never {
  throw new InvariantViolation(message);
}

/** Everything the checker remembers across the run (bounded by the log length). */
export class InvariantChecker {
  /** Election safety: the one leader of each term. */
  private readonly leaderOfTerm = new Map<Term, NodeId>();
  /** Log matching: (index, term) → what the entry holds and the term before it. */
  private readonly entryAt = new Map<string, string>();
  /** Terms of committed entries, as first seen committed anywhere. */
  private readonly committedTerm = new Map<LogIndex, Term>();
  private maxCommitted: LogIndex = logIndex(0);
  /** State machine safety: the entry applied at each index, and the machine hash after it. */
  private readonly appliedAt = new Map<LogIndex, { term: Term; text: string; hash: number }>();
  /** Commit index per node incarnation. */
  private readonly lastCommit = new Map<NodeId, { incarnation: number; commit: LogIndex }>();
  /** Acknowledged proposals: payload → index at which the client saw it applied. */
  readonly acked = new Map<string, LogIndex>();
  maxAckedIndex: LogIndex = logIndex(0);
  leaderChanges = 0;

  /** Polls every live node; called after every simulator event. */
  afterEvent(nodes: readonly SimNode[]): void {
    for (const node of nodes) {
      const raw = node.raw;
      if (raw === undefined) continue;
      const r = raw.raft;
      if (r.role === 'leader') this.checkLeader(node);
      this.checkCommit(node);
    }
  }

  private checkLeader(node: SimNode): void {
    const r = node.raw!.raft;
    const known = this.leaderOfTerm.get(r.term);
    if (known === undefined) {
      this.leaderOfTerm.set(r.term, node.id);
      this.leaderChanges++;
      this.checkLeaderCompleteness(node);
    } else if (known !== node.id) {
      fail(`election safety: nodes ${known} and ${node.id} both lead term ${r.term}`);
    }
  }

  private checkLeaderCompleteness(node: SimNode): void {
    const log = node.raw!.raft.log;
    if (log.lastIndex() < this.maxCommitted) {
      fail(`leader completeness: leader ${node.id} of term ${node.raw!.raft.term} ends at ${log.lastIndex()}, committed is ${this.maxCommitted}`);
    }
    for (let i = Math.max(1, log.firstIndex()); i <= this.maxCommitted; i++) {
      const want = this.committedTerm.get(logIndex(i));
      const have = log.term(logIndex(i));
      if (want !== undefined && have !== want) {
        fail(`leader completeness: leader ${node.id} has term ${have} at ${i}, committed term ${want}`);
      }
    }
  }

  private checkCommit(node: SimNode): void {
    const log = node.raw!.raft.log;
    const prev = this.lastCommit.get(node.id);
    const from = prev !== undefined && prev.incarnation === node.incarnation ? prev.commit : logIndex(0);
    if (log.committed < from) fail(`commit index of node ${node.id} went back from ${from} to ${log.committed}`);
    if (log.committed === from && prev !== undefined) return;
    for (let i = Math.max(from + 1, log.firstIndex()); i <= log.committed; i++) {
      const t = log.term(logIndex(i));
      if (t === undefined) continue;
      const seen = this.committedTerm.get(logIndex(i));
      if (seen === undefined) this.committedTerm.set(logIndex(i), t);
      else if (seen !== t) fail(`committed entry ${i} changed term: ${seen} then ${t} on node ${node.id}`);
    }
    if (log.committed > this.maxCommitted) this.maxCommitted = log.committed;
    this.lastCommit.set(node.id, { incarnation: node.incarnation, commit: log.committed });
  }

  /** Log matching, checked as entries reach a disk: (index, term) fixes content and history. */
  persisted(node: SimNode, entries: readonly Entry[]): void {
    for (const e of entries) {
      if (e.index < node.storage.firstIndex()) continue; // below the snapshot: not written
      const prevTerm = node.storage.term(logIndex(e.index - 1));
      const key = `${e.index}/${e.term}`;
      const value = `${e.type}:${entryText(e)} after term ${prevTerm}`;
      const seen = this.entryAt.get(key);
      if (seen === undefined) this.entryAt.set(key, value);
      else if (seen !== value) fail(`log matching: entry ${key} on node ${node.id} is ${value}, elsewhere ${seen}`);
    }
  }

  /** State machine safety: every node applies the same entry at each index. */
  applied(node: SimNode, e: Entry, after: MachineState): void {
    const seen = this.appliedAt.get(e.index);
    const text = `${e.type}:${entryText(e)}`;
    if (seen === undefined) {
      this.appliedAt.set(e.index, { term: e.term, text, hash: after.hash });
      return;
    }
    if (seen.term !== e.term || seen.text !== text) {
      fail(`state machine safety: node ${node.id} applied ${e.index}/${e.term} ${text}, another applied ${e.index}/${seen.term} ${seen.text}`);
    }
    if (seen.hash !== after.hash) fail(`state machine safety: node ${node.id} state at ${e.index} differs`);
  }

  /** A snapshot installed from a leader must equal what was applied at its index. */
  installedSnapshot(node: SimNode, snap: Snapshot): void {
    const machine = decodeMachine(snap.data);
    const seen = this.appliedAt.get(machine.index);
    if (seen !== undefined && seen.hash !== machine.hash) {
      fail(`state machine safety: snapshot at ${machine.index} installed on node ${node.id} differs from applied state`);
    }
  }

  /** A client saw its proposal applied at `index`. */
  acknowledge(payload: string, index: LogIndex): void {
    this.acked.set(payload, index);
    if (index > this.maxAckedIndex) this.maxAckedIndex = index;
  }

  /** A linearizable read issued when `ackedBefore` was the newest acknowledged write got `index`. */
  readServed(node: NodeId, index: LogIndex, ackedBefore: LogIndex): void {
    if (index < ackedBefore) fail(`linearizability: read on node ${node} got index ${index}, a write at ${ackedBefore} was acknowledged before it was issued`);
  }

  /** Acknowledged writes are still there: each is applied at its index on `node`. */
  checkAckedApplied(node: SimNode): void {
    for (const [payload, index] of this.acked) {
      if (node.machine.index < index) fail(`acknowledged write ${payload} at ${index} missing on node ${node.id} (applied ${node.machine.index})`);
      const seen = this.appliedAt.get(index);
      if (seen === undefined || seen.text !== `normal:${payload}`) fail(`acknowledged write ${payload} at ${index} lost: index holds ${seen?.text}`);
    }
  }

  leaderOf(term: Term): NodeId | undefined {
    return this.leaderOfTerm.get(term);
  }
}
