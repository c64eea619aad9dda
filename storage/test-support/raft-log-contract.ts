/**
 * The RaftLogStore contract, written once and run against the LMDB store and the in-memory
 * twin: append/overwrite, suffix truncation, prefix compaction, hard state, index and term
 * lookups, groups kept apart, and a fast-check comparison with a plain-array model.
 */
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { logIndex, logStreamId, nodeId, term, type LogStreamId } from '../../src/base/ids.js';
import type { RaftLogEntry, RaftLogStore } from '../raft-log-store.js';

/** Opens a fresh, empty store and a function that closes it. */
export type OpenLogStore = () => Promise<{ store: RaftLogStore; close: () => Promise<void> }>;

const g1 = logStreamId(1);
const g2 = logStreamId(2);
const entry = (index: number, t: number, text = `e${index}t${t}`): RaftLogEntry => ({ index: logIndex(index), term: term(t), data: new TextEncoder().encode(text) });
const texts = (es: RaftLogEntry[]): string[] => es.map((e) => new TextDecoder().decode(e.data));

/** The model: a compaction mark and an array of entries after it. */
interface ModelLog {
  compacted: number;
  compactedTerm: number;
  entries: { term: number; text: string }[];
}

type Op =
  | { kind: 'append'; back: number; count: number; termBump: number }
  | { kind: 'truncate'; back: number }
  | { kind: 'compact'; forward: number };

const opArb: fc.Arbitrary<Op> = fc.oneof(
  fc.record({ kind: fc.constant('append' as const), back: fc.nat(3), count: fc.integer({ min: 1, max: 4 }), termBump: fc.nat(1) }),
  fc.record({ kind: fc.constant('truncate' as const), back: fc.nat(3) }),
  fc.record({ kind: fc.constant('compact' as const), forward: fc.nat(6) }),
);

function modelLast(m: ModelLog): number {
  return m.compacted + m.entries.length;
}

function modelTerm(m: ModelLog): number {
  return m.entries.length > 0 ? m.entries[m.entries.length - 1]!.term : m.compactedTerm;
}

/** Applies `op` to the model and the store alike (skipping ops the contract forbids). */
function applyOp(m: ModelLog, store: RaftLogStore, group: LogStreamId, op: Op, serial: number): Promise<void> | undefined {
  const last = modelLast(m);
  if (op.kind === 'append') {
    const first = Math.max(m.compacted + 1, last + 1 - op.back);
    const keep = first - 1 - m.compacted;
    const baseTerm = keep > 0 ? m.entries[keep - 1]!.term : m.compactedTerm;
    const t = Math.max(baseTerm, modelTerm(m)) + op.termBump;
    const added = Array.from({ length: op.count }, (_, i) => ({ term: t, text: `s${serial}i${i}` }));
    m.entries = [...m.entries.slice(0, keep), ...added];
    return store.append(group, added.map((a, i) => entry(first + i, a.term, a.text)));
  }
  if (op.kind === 'truncate') {
    const from = last + 1 - op.back;
    if (from <= m.compacted) return undefined;
    m.entries = m.entries.slice(0, from - 1 - m.compacted);
    return store.truncateSuffix(group, logIndex(from));
  }
  const through = m.compacted + op.forward;
  const t = through <= last ? (through === m.compacted ? m.compactedTerm : m.entries[through - m.compacted - 1]!.term) : modelTerm(m) + 1;
  m.entries = through >= last ? [] : m.entries.slice(through - m.compacted);
  m.compacted = through;
  m.compactedTerm = t;
  return store.compactPrefix(group, logIndex(through), term(t));
}

function expectMatches(store: RaftLogStore, group: LogStreamId, m: ModelLog): void {
  expect(store.firstIndex(group)).toBe(m.compacted + 1);
  expect(store.lastIndex(group)).toBe(modelLast(m));
  expect(store.term(group, logIndex(m.compacted))).toBe(m.compactedTerm);
  const all = store.entries(group, logIndex(m.compacted + 1), logIndex(modelLast(m) + 1));
  expect(all.map((e) => [e.index, e.term, new TextDecoder().decode(e.data)])).toEqual(m.entries.map((e, i) => [m.compacted + 1 + i, e.term, e.text]));
  for (let i = 0; i < m.entries.length; i++) expect(store.term(group, logIndex(m.compacted + 1 + i))).toBe(m.entries[i]!.term);
  expect(store.term(group, logIndex(modelLast(m) + 1))).toBeUndefined();
}

/** Registers the contract tests for one implementation. */
export function describeRaftLogContract(name: string, open: OpenLogStore, modelRuns: number): void {
  const withStore = async (body: (s: RaftLogStore) => Promise<void>): Promise<void> => {
    const { store, close } = await open();
    try {
      await body(store);
    } finally {
      await close();
    }
  };

  describe(`RaftLogStore contract: ${name}`, () => {
    it('appends, overwrites a conflicting suffix, truncates and compacts', () =>
      withStore(async (s) => {
        expect(s.firstIndex(g1)).toBe(1);
        expect(s.lastIndex(g1)).toBe(0);
        expect(s.term(g1, logIndex(0))).toBe(0);
        await s.append(g1, [entry(1, 1), entry(2, 1), entry(3, 2)]);
        await s.append(g2, [entry(1, 5)]);
        expect(s.lastIndex(g1)).toBe(3);
        expect(s.term(g1, logIndex(3))).toBe(2);
        await s.append(g1, [entry(3, 3), entry(4, 3)]);
        expect(texts(s.entries(g1, logIndex(1), logIndex(10)))).toEqual(['e1t1', 'e2t1', 'e3t3', 'e4t3']);
        await s.truncateSuffix(g1, logIndex(4));
        expect(s.lastIndex(g1)).toBe(3);
        await s.compactPrefix(g1, logIndex(2), term(1));
        expect(s.firstIndex(g1)).toBe(3);
        expect(s.term(g1, logIndex(2))).toBe(1);
        expect(s.term(g1, logIndex(1))).toBeUndefined();
        expect(texts(s.entries(g1, logIndex(3), logIndex(4)))).toEqual(['e3t3']);
        expect(() => s.append(g1, [entry(2, 4)])).toThrow();
        expect(() => s.append(g1, [entry(6, 4)])).toThrow();
        expect(texts(s.entries(g2, logIndex(1), logIndex(2)))).toEqual(['e1t5']);
        expect(s.groups()).toEqual([g1, g2]);
      }));

    it('compacts past the last entry when a snapshot is installed', () =>
      withStore(async (s) => {
        await s.append(g1, [entry(1, 1), entry(2, 1)]);
        await s.compactPrefix(g1, logIndex(10), term(4));
        expect(s.firstIndex(g1)).toBe(11);
        expect(s.lastIndex(g1)).toBe(10);
        expect(s.term(g1, logIndex(10))).toBe(4);
        await s.append(g1, [entry(11, 4)]);
        expect(s.lastIndex(g1)).toBe(11);
      }));

    it('keeps hard state, limits entry bytes, drops a group', () =>
      withStore(async (s) => {
        expect(s.hardState(g1)).toBeUndefined();
        await s.saveHardState(g1, { term: term(7), vote: nodeId(3), commit: logIndex(2) });
        await s.saveHardState(g2, { term: term(1), vote: null, commit: logIndex(0) });
        expect(s.hardState(g1)).toEqual({ term: 7, vote: 3, commit: 2 });
        expect(s.hardState(g2)).toEqual({ term: 1, vote: null, commit: 0 });
        await s.append(g1, [entry(1, 1, 'aaaa'), entry(2, 1, 'bbbb'), entry(3, 1, 'cccc')]);
        expect(texts(s.entries(g1, logIndex(1), logIndex(4), 9))).toEqual(['aaaa', 'bbbb']);
        expect(texts(s.entries(g1, logIndex(1), logIndex(4), 1))).toEqual(['aaaa']);
        await s.dropGroup(g1);
        expect(s.hardState(g1)).toBeUndefined();
        expect(s.lastIndex(g1)).toBe(0);
        expect(s.groups()).toEqual([g2]);
      }));

    it('accepts writes queued before earlier ones are durable, in call order', () =>
      withStore(async (s) => {
        const a = s.append(g1, [entry(1, 1), entry(2, 1)]);
        const b = s.append(g1, [entry(3, 1)]);
        const c = s.truncateSuffix(g1, logIndex(3));
        const d = s.append(g1, [entry(3, 2, 'x')]);
        await Promise.all([a, b, c, d]);
        expect(texts(s.entries(g1, logIndex(1), logIndex(4)))).toEqual(['e1t1', 'e2t1', 'x']);
      }));

    it('matches the model on random operation sequences (fast-check)', async () => {
      await fc.assert(
        fc.asyncProperty(fc.array(fc.tuple(fc.boolean(), opArb), { minLength: 1, maxLength: 25 }), async (ops) => {
          await withStore(async (s) => {
            const models = new Map<number, ModelLog>([
              [1, { compacted: 0, compactedTerm: 0, entries: [] }],
              [2, { compacted: 0, compactedTerm: 0, entries: [] }],
            ]);
            const pending: Promise<void>[] = [];
            for (let i = 0; i < ops.length; i++) {
              const [second, op] = ops[i]!;
              const group = second ? g2 : g1;
              const p = applyOp(models.get(group)!, s, group, op, i);
              if (p !== undefined) pending.push(p);
              if (i % 3 === 2) await Promise.all(pending.splice(0));
            }
            await Promise.all(pending);
            for (const [id, m] of models) expectMatches(s, logStreamId(id), m);
          });
        }),
        { numRuns: modelRuns },
      );
    });
  });
}
