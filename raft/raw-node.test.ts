// Proves the persistence contract is enforced, not just documented: a host that advances
// without writing a Ready's entries or hard state stops on an assertion, and a leader counts
// its own entries (and a candidate its own vote) only after the host persisted them; a conf
// change is applied exactly once, from the Ready being applied.
import { describe, expect, it } from 'vitest';
import { AssertionError } from '../src/base/assert.js';
import { SeededRandom } from '../src/base/clock.js';
import { logIndex, nodeId } from '../src/base/ids.js';
import { defaultRaftConfig } from './config.js';
import { RawNode } from './raw-node.js';
import { MemoryStorage } from './storage.js';
import type { Ready } from './types.js';
import { EMPTY_CONF_STATE } from './types.js';

function singleNode(): { raw: RawNode; storage: MemoryStorage } {
  const storage = MemoryStorage.bootstrap({ ...EMPTY_CONF_STATE, voters: [nodeId(1)] });
  const raw = new RawNode({ ...defaultRaftConfig(nodeId(1), storage, new SeededRandom(1)), applied: logIndex(storage.firstIndex() - 1) });
  return { raw, storage };
}

function persist(storage: MemoryStorage, r: Ready): void {
  storage.append(r.entries);
  if (r.hardState !== undefined) storage.setHardState(r.hardState);
}

describe('RawNode persistence contract', () => {
  it('a candidate becomes leader only after its vote is persisted', () => {
    const { raw, storage } = singleNode();
    raw.campaign();
    const r = raw.ready();
    expect(raw.raft.role).toBe('candidate');
    persist(storage, r);
    raw.advance(r);
    expect(raw.raft.role).toBe('leader');
  });

  it('advancing without persisting the hard state is an assertion failure', () => {
    const { raw } = singleNode();
    raw.campaign();
    const r = raw.ready();
    expect(() => raw.advance(r)).toThrow(AssertionError);
  });

  it('a leader commits its own entry only after persisting it', () => {
    const { raw, storage } = singleNode();
    raw.campaign();
    let r = raw.ready();
    persist(storage, r);
    raw.advance(r);
    expect(raw.propose(new TextEncoder().encode('x')).ok).toBe(true);
    r = raw.ready();
    const last = r.entries[r.entries.length - 1]!;
    expect(raw.raft.log.committed).toBeLessThan(last.index);
    persist(storage, r);
    raw.advance(r);
    expect(raw.raft.log.committed).toBe(last.index);
    r = raw.ready();
    expect(r.committedEntries.map((e) => new TextDecoder().decode(e.data))).toContain('x');
  });

  it('advancing without persisting entries is an assertion failure', () => {
    const { raw, storage } = singleNode();
    raw.campaign();
    let r = raw.ready();
    persist(storage, r);
    raw.advance(r);
    raw.propose(new TextEncoder().encode('y'));
    r = raw.ready();
    if (r.hardState !== undefined) storage.setHardState(r.hardState);
    expect(() => raw.advance(r)).toThrow(AssertionError);
  });

  it('a conf change applied outside the Ready that carries it is an assertion failure', () => {
    const { raw, storage } = singleNode();
    raw.campaign();
    const r = raw.ready();
    persist(storage, r);
    raw.advance(r);
    const cc = { transition: 'auto' as const, changes: [{ type: 'addLearnerNode' as const, nodeId: nodeId(2) }] };
    expect(() => raw.applyConfChange(cc)).toThrow(AssertionError);
  });

  it('a committed conf change is applied once, and advance checks it was', () => {
    const { raw, storage } = singleNode();
    raw.campaign();
    let r = raw.ready();
    persist(storage, r);
    raw.advance(r);
    const cc = { transition: 'auto' as const, changes: [{ type: 'addLearnerNode' as const, nodeId: nodeId(2) }] };
    expect(raw.proposeConfChange(cc).ok).toBe(true);
    r = raw.ready();
    persist(storage, r);
    raw.advance(r);
    r = raw.ready();
    expect(r.committedEntries.filter((e) => e.type === 'confChange')).toHaveLength(1);
    expect(() => raw.advance(r)).toThrow(AssertionError);
    expect(raw.applyConfChange(cc).learners).toEqual([nodeId(2)]);
    expect(() => raw.applyConfChange(cc)).toThrow(AssertionError);
    raw.advance(r);
  });
});
