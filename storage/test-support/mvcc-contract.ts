/**
 * The MvccEngine contract, written once and run against every implementation (the LMDB store
 * and the in-memory twin): visibility by timestamp, tombstones, ordered and reverse scans with
 * limits, pushed-down filter/projection, GC, and a fast-check model comparison.
 */
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { timestamp, type Timestamp } from '../../src/base/ids.js';
import { StorageCorruptionError, type MvccEngine } from '../engine.js';
import { compareBytes } from '../key-codec.js';

/** Opens a fresh, empty engine; the suite closes it. */
export type OpenEngine = () => Promise<MvccEngine>;

const ts = (n: number): Timestamp => timestamp(BigInt(n));
const b = (s: string): Uint8Array => new TextEncoder().encode(s);
const str = (u: Uint8Array | undefined): string | undefined => (u === undefined ? undefined : new TextDecoder().decode(u));

/** A reference model: every version of every key, as plain data. */
class Model {
  readonly versions = new Map<string, { key: Uint8Array; history: { ts: number; value: Uint8Array | null }[] }>();
  commit(writes: { key: Uint8Array; value: Uint8Array | null }[], at: number): void {
    for (const w of writes) {
      const id = Buffer.from(w.key).toString('hex');
      const entry = this.versions.get(id) ?? { key: w.key, history: [] };
      entry.history = entry.history.filter((h) => h.ts !== at);
      entry.history.push({ ts: at, value: w.value });
      this.versions.set(id, entry);
    }
  }
  get(key: Uint8Array, at: number): Uint8Array | undefined {
    const entry = this.versions.get(Buffer.from(key).toString('hex'));
    const visible = entry?.history.filter((h) => h.ts <= at).sort((x, y) => y.ts - x.ts)[0];
    return visible?.value ?? undefined;
  }
  scan(start: Uint8Array, end: Uint8Array | undefined, at: number): { key: Uint8Array; value: Uint8Array }[] {
    const keys = [...this.versions.values()].map((e) => e.key).sort(compareBytes);
    const out: { key: Uint8Array; value: Uint8Array }[] = [];
    for (const key of keys) {
      if (compareBytes(key, start) < 0 || (end !== undefined && compareBytes(key, end) >= 0)) continue;
      const value = this.get(key, at);
      if (value !== undefined) out.push({ key, value });
    }
    return out;
  }
}

const keyArb = fc.oneof(
  fc.constantFrom('', 'a', 'a\0', 'a\0\0', 'ab', 'b', '\0', 'zz').map(b),
  fc.uint8Array({ maxLength: 4 }),
);
const writeArb = fc.record({ key: keyArb, value: fc.option(fc.uint8Array({ maxLength: 6 }), { freq: 3 }) });
const historyArb = fc.array(fc.array(writeArb, { minLength: 1, maxLength: 4 }), { minLength: 1, maxLength: 8 });

/** Registers the contract tests for one implementation. */
export function describeMvccContract(name: string, openEngine: OpenEngine, modelRuns: number): void {
  const withEngine = async (body: (e: MvccEngine) => Promise<void>): Promise<void> => {
    const engine = await openEngine();
    try {
      await body(engine);
    } finally {
      await engine.close();
    }
  };

  describe(`MvccEngine contract: ${name}`, () => {
    it('reads the newest version at or below readTs; tombstones hide', () =>
      withEngine(async (e) => {
        expect(e.maxCommitTs()).toBe(0n);
        await e.commit([{ key: b('k'), value: b('v10') }], ts(10));
        await e.commit([{ key: b('k'), value: b('v20') }, { key: b('j'), value: b('j20') }], ts(20));
        await e.commit([{ key: b('k'), value: null }], ts(30));
        await e.commit([{ key: b('k'), value: b('v40') }], ts(40));
        expect(str(e.get(b('k'), ts(9)))).toBeUndefined();
        expect(str(e.get(b('k'), ts(10)))).toBe('v10');
        expect(str(e.get(b('k'), ts(29)))).toBe('v20');
        expect(str(e.get(b('k'), ts(30)))).toBeUndefined();
        expect(str(e.get(b('k'), ts(1000)))).toBe('v40');
        expect(e.latestCommitTs(b('k'))).toBe(40n);
        expect(e.latestCommitTs(b('j'))).toBe(20n);
        expect(e.latestCommitTs(b('nope'))).toBeUndefined();
        expect(e.maxCommitTs()).toBe(40n);
      }));

    it('reports a commit in latestCommitTs as soon as commit() returns, before it is durable', () =>
      withEngine(async (e) => {
        await e.commit([{ key: b('k'), value: b('1') }], ts(1));
        const first = e.commit([{ key: b('k'), value: b('2') }], ts(2));
        expect(e.latestCommitTs(b('k'))).toBe(2n);
        const second = e.commit([{ key: b('k'), value: b('3') }, { key: b('new'), value: null }], ts(3));
        expect(e.latestCommitTs(b('k'))).toBe(3n);
        expect(e.latestCommitTs(b('new'))).toBe(3n);
        await Promise.all([first, second]);
        expect(e.latestCommitTs(b('k'))).toBe(3n);
        expect(str(e.get(b('k'), ts(2)))).toBe('2');
        expect(str(e.get(b('k'), ts(3)))).toBe('3');
      }));

    it('rejects a commit timestamp that does not increase', () =>
      withEngine(async (e) => {
        await e.commit([{ key: b('k'), value: b('x') }], ts(5));
        expect(() => e.commit([{ key: b('k'), value: b('y') }], ts(5))).toThrow();
        expect(() => e.commit([{ key: b('k'), value: b('y') }], ts(4))).toThrow();
      }));

    it('keeps keys that share prefixes and contain zero bytes apart', () =>
      withEngine(async (e) => {
        const keys = ['a', 'a\0', 'a\0\0', 'a\0b', 'ab', '\0', 'b'];
        await e.commit(keys.map((k) => ({ key: b(k), value: b(`v:${k}`) })), ts(1));
        for (const k of keys) expect(str(e.get(b(k), ts(1)))).toBe(`v:${k}`);
        const scanned = [...e.scan({ start: b('a') , end: b('b') }, ts(1))].map((p) => str(p.key));
        expect(scanned).toEqual(['a', 'a\0', 'a\0\0', 'a\0b', 'ab']);
        const reversed = [...e.scan({ start: new Uint8Array(0) }, ts(1), { reverse: true, limit: 3 })].map((p) => str(p.key));
        expect(reversed).toEqual(['b', 'ab', 'a\0b']);
      }));

    it('pushes filter, projection and limit down into the scan', () =>
      withEngine(async (e) => {
        await e.commit(Array.from({ length: 50 }, (_, i) => ({ key: b(`k${String(i).padStart(2, '0')}`), value: Uint8Array.of(i) })), ts(1));
        await e.commit([{ key: b('k03'), value: null }], ts(2));
        let projected = 0;
        const rows = e.scanWith({ start: b('k') }, ts(2), {
          filter: (_k, v) => v[0]! % 3 === 0,
          project: (k, v) => {
            projected++;
            return `${str(k)}=${v[0]}`;
          },
          limit: 4,
        });
        expect(rows).toEqual(['k00=0', 'k06=6', 'k09=9', 'k12=12']);
        expect(projected).toBe(4);
        const rev = e.scanWith({ start: b('k'), end: b('k10') }, ts(1), { reverse: true, limit: 2, project: (k) => str(k) });
        expect(rev).toEqual(['k09', 'k08']);
        expect(e.scanWith({ start: b('k') }, ts(2), { limit: 0, project: (k) => k })).toEqual([]);
      }));

    it('collects old versions without changing reads at or above the safe point', () =>
      withEngine(async (e) => {
        const model = new Model();
        let at = 0;
        for (let round = 0; round < 6; round++) {
          for (const k of ['a', 'b', 'c', 'd']) {
            const value = (round + k.charCodeAt(0)) % 4 === 0 ? null : b(`${k}${round}`);
            at++;
            await e.commit([{ key: b(k), value }], ts(at));
            model.commit([{ key: b(k), value }], at);
          }
        }
        const safePoint = 14;
        let removed = 0;
        let cursor: Uint8Array | undefined;
        let calls = 0;
        do {
          const r = await e.gcVersions(ts(safePoint), { versionsVisitedMax: 3, ...(cursor === undefined ? {} : { cursor }) });
          expect(r.versionsVisited).toBeLessThanOrEqual(3);
          removed += r.versionsRemoved;
          cursor = r.cursor;
          calls++;
        } while (cursor !== undefined && calls < 100);
        expect(cursor).toBeUndefined();
        expect(removed).toBeGreaterThan(0);
        for (let readAt = safePoint; readAt <= at; readAt++) {
          for (const k of ['a', 'b', 'c', 'd']) expect(str(e.get(b(k), ts(readAt)))).toBe(str(model.get(b(k), readAt)));
          expect([...e.scan({ start: b('') }, ts(readAt))].map((p) => str(p.key))).toEqual(model.scan(b(''), undefined, readAt).map((p) => str(p.key)));
        }
        // Stops inside a key may leave a version for the next pass; after one unbounded pass
        // nothing is left to remove, and reads are still the model's.
        await e.gcVersions(ts(safePoint), { versionsVisitedMax: 1000 });
        const again = await e.gcVersions(ts(safePoint), { versionsVisitedMax: 1000 });
        expect(again.versionsRemoved).toBe(0);
        for (const k of ['a', 'b', 'c', 'd']) expect(str(e.get(b(k), ts(at)))).toBe(str(model.get(b(k), at)));
      }));

    it('forgets a deleted key entirely once GC passes its tombstone, unless rewritten', () =>
      withEngine(async (e) => {
        await e.commit([{ key: b('gone'), value: b('1') }, { key: b('back'), value: b('1') }], ts(1));
        await e.commit([{ key: b('gone'), value: null }, { key: b('back'), value: null }], ts(2));
        // Queued but not yet durable when GC plans from durable state (on LMDB): the rewrite's
        // head must survive GC's removal of the tombstone it replaced.
        const rewrite = e.commit([{ key: b('back'), value: b('3') }], ts(3));
        const gc = e.gcVersions(ts(2), { versionsVisitedMax: 100 });
        await Promise.all([gc, rewrite]);
        expect(e.latestCommitTs(b('gone'))).toBeUndefined();
        expect(e.get(b('gone'), ts(10))).toBeUndefined();
        expect(e.latestCommitTs(b('back'))).toBe(3n);
        expect(str(e.get(b('back'), ts(10)))).toBe('3');
        expect([...e.scan({ start: b('') }, ts(10))].map((p) => str(p.key))).toEqual(['back']);
      }));

    it('moves a key range by snapshot chunks, verified on ingest', async () => {
      const source = await openEngine();
      const target = await openEngine();
      try {
        const model = new Model();
        const keys = ['a', 'b', 'b\0', 'bb', 'c', 'd'];
        for (let round = 1; round <= 4; round++) {
          const writes = keys.map((k, i) => ({ key: b(k), value: (i + round) % 3 === 0 ? null : b(`${k}@${round}`) }));
          await source.commit(writes, ts(round * 10));
          model.commit(writes, round * 10);
        }
        await target.commit([{ key: b('bz'), value: b('stale') }, { key: b('z'), value: b('outside') }], ts(5));
        const range = { start: b('b'), end: b('d') };
        let cursor: Uint8Array | undefined;
        let chunks = 0;
        do {
          const chunk = source.exportSnapshotChunk(range, { bytesMax: 60, ...(cursor === undefined ? {} : { cursor }) });
          await target.ingestSnapshotChunk(range, chunk, { first: chunks === 0 });
          cursor = chunk.cursor;
          chunks++;
        } while (cursor !== undefined && chunks < 1000);
        expect(chunks).toBeGreaterThan(3);
        expect(target.maxCommitTs()).toBe(40n);
        for (const at of [5, 10, 20, 30, 40, 99]) {
          const expected = model.scan(range.start, range.end, at).map((p) => [str(p.key), str(p.value)]);
          expect([...target.scan(range, ts(at))].map((p) => [str(p.key), str(p.value)])).toEqual(expected);
          for (const k of ['b', 'bb', 'c']) expect(str(target.get(b(k), ts(at)))).toBe(str(model.get(b(k), at)));
        }
        expect(target.get(b('bz'), ts(99))).toBeUndefined();
        expect(str(target.get(b('z'), ts(99)))).toBe('outside');
        expect(target.latestCommitTs(b('c'))).toBe(40n);

        const damaged = source.exportSnapshotChunk(range, { bytesMax: 1 << 20 });
        const bytes = damaged.bytes.slice();
        bytes[bytes.length - 2] = bytes[bytes.length - 2]! ^ 0x10;
        await expect((async () => target.ingestSnapshotChunk(range, { bytes }, { first: true }))()).rejects.toThrow(StorageCorruptionError);
        expect(str(target.get(b('c'), ts(99)))).toBe(str(model.get(b('c'), 99)));
      } finally {
        await source.close();
        await target.close();
      }
    });

    it('matches the model on random histories (fast-check)', async () => {
      await fc.assert(
        fc.asyncProperty(historyArb, keyArb, keyArb, fc.boolean(), fc.integer({ min: 0, max: 5 }), async (history, k1, k2, reverse, limit) => {
          await withEngine(async (e) => {
            const model = new Model();
            for (let i = 0; i < history.length; i++) {
              await e.commit(history[i]!, ts(i + 1));
              model.commit(history[i]!, i + 1);
            }
            const [start, end] = compareBytes(k1, k2) <= 0 ? [k1, k2] : [k2, k1];
            for (let at = 0; at <= history.length; at++) {
              for (const w of history.flat()) expect(e.get(w.key, ts(at))).toEqual(model.get(w.key, at));
              let expected = model.scan(start, end, at);
              if (reverse) expected = expected.reverse();
              if (limit > 0) expected = expected.slice(0, limit);
              const actual = [...e.scan({ start, end }, ts(at), { reverse, ...(limit > 0 ? { limit } : {}) })];
              expect(actual.map((p) => [p.key, p.value])).toEqual(expected.map((p) => [p.key, p.value]));
            }
          });
        }),
        { numRuns: modelRuns },
      );
    });
  });
}
