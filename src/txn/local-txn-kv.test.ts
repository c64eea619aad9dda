/**
 * Proves LocalTxnKv gives snapshot isolation over an MvccStore: a transaction reads its
 * snapshot plus its own writes, commits atomically, and the second of two conflicting
 * writers fails with a retryable error (first-committer-wins). A fast-check model test runs
 * random interleavings of transactions against a sequential model of committed state.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { timestamp } from '../base/ids.js';
import { TimestampOracle } from '../meta/timestamp-oracle.js';
import { createMemoryMvccStore } from '../../storage/memory-mvcc-store.js';
import { LocalTxnKv } from './local-txn-kv.js';
import type { Txn } from './txn-kv.js';

const enc = (s: string): Uint8Array => new TextEncoder().encode(s);
const dec = (b: Uint8Array | undefined): string | undefined => (b === undefined ? undefined : new TextDecoder().decode(b));

function newKv(): LocalTxnKv {
  let ms = 1_000;
  const store = createMemoryMvccStore();
  return new LocalTxnKv(store, new TimestampOracle({ nowMs: () => ms++, monotonicMs: () => ms }, timestamp(store.maxCommitTs())));
}

async function scanAll(txn: Txn, reverse = false): Promise<string[]> {
  const out: string[] = [];
  for await (const pair of txn.scan({ start: enc('') }, { reverse })) out.push(`${dec(pair.key)}=${dec(pair.value)}`);
  return out;
}

describe('LocalTxnKv', () => {
  it('reads its own writes, merged into scans in both directions', async () => {
    const kv = newKv();
    const t0 = kv.begin();
    t0.put(enc('a'), enc('1'));
    t0.put(enc('c'), enc('3'));
    await t0.commit();
    const t = kv.begin();
    t.put(enc('b'), enc('2'));
    t.delete(enc('c'));
    t.put(enc('a'), enc('9'));
    expect(dec(await t.get(enc('a')))).toBe('9');
    expect(await t.get(enc('c'))).toBeUndefined();
    expect(await scanAll(t)).toEqual(['a=9', 'b=2']);
    expect(await scanAll(t, true)).toEqual(['b=2', 'a=9']);
  });

  it('keeps a snapshot: later commits are invisible, rollback leaves nothing', async () => {
    const kv = newKv();
    const reader = kv.begin();
    const writer = kv.begin();
    writer.put(enc('k'), enc('v'));
    const { commitTs } = await writer.commit();
    expect(commitTs > reader.startTs).toBe(true);
    expect(await reader.get(enc('k'))).toBeUndefined();
    expect(dec(await kv.begin().get(enc('k')))).toBe('v');
    const aborted = kv.begin();
    aborted.put(enc('x'), enc('1'));
    aborted.rollback();
    expect(await kv.begin().get(enc('x'))).toBeUndefined();
  });

  it('fails the second of two concurrent writers of a key with errno 1213', async () => {
    const kv = newKv();
    const a = kv.begin();
    const b = kv.begin();
    a.put(enc('k'), enc('a'));
    b.put(enc('k'), enc('b'));
    await a.commit();
    await expect(b.commit()).rejects.toMatchObject({ errno: 1213 });
    expect(dec(await kv.begin().get(enc('k')))).toBe('a');
  });

  it('treats a locked key like a written one (SELECT … FOR UPDATE)', async () => {
    const kv = newKv();
    const reader = kv.begin();
    await reader.lock(enc('k'));
    reader.put(enc('other'), enc('1'));
    const writer = kv.begin();
    writer.put(enc('k'), enc('w'));
    await writer.commit();
    await expect(reader.commit()).rejects.toMatchObject({ errno: 1213 });
  });

  it('makes a second locker wait; under snapshot isolation it then fails with 1213, never losing an update', async () => {
    const kv = newKv();
    const seed = kv.begin();
    seed.put(enc('acct'), enc('100'));
    await seed.commit();
    const a = kv.begin();
    const b = kv.begin();
    await a.lock(enc('acct'));
    let bSettled = false;
    const bLock = b.lock(enc('acct')).finally(() => (bSettled = true));
    bLock.catch(() => undefined);
    await new Promise((r) => setTimeout(r, 20));
    expect(bSettled).toBe(false);
    a.put(enc('acct'), enc('90'));
    await a.commit();
    await expect(bLock).rejects.toMatchObject({ errno: 1213 });
    b.rollback();
    expect(kv.locks.size).toBe(0);
  });

  it('under READ COMMITTED, a lock grants a current read and the second writer applies on top', async () => {
    const kv = newKv();
    const seed = kv.begin();
    seed.put(enc('acct'), enc('100'));
    await seed.commit();
    const a = kv.begin({ isolation: 'READ-COMMITTED' });
    const b = kv.begin({ isolation: 'READ-COMMITTED' });
    await a.lock(enc('acct'));
    const bLock = b.lock(enc('acct'));
    a.put(enc('acct'), enc('90'));
    await a.commit();
    await bLock;
    expect(dec(await b.get(enc('acct')))).toBe('90');
    b.put(enc('acct'), enc('80'));
    await b.commit();
    expect(dec(await kv.begin().get(enc('acct')))).toBe('80');
  });

  it('detects a deadlock with errno 1213 and lets the survivor go on', async () => {
    const kv = newKv();
    const a = kv.begin();
    const b = kv.begin();
    await a.lock(enc('x'));
    await b.lock(enc('y'));
    const aWaits = a.lock(enc('y'));
    await expect(b.lock(enc('x'))).rejects.toMatchObject({ errno: 1213 });
    b.rollback();
    await aWaits;
    a.put(enc('x'), enc('1'));
    await a.commit();
  });

  it('gives up after the lock wait timeout with errno 1205', async () => {
    const store = createMemoryMvccStore();
    const kv = new LocalTxnKv(store, new TimestampOracle({ nowMs: () => 1, monotonicMs: () => 1 }, timestamp(0n)), { lockWaitTimeoutMs: 30 });
    const a = kv.begin();
    await a.lock(enc('k'));
    await expect(kv.begin().lock(enc('k'))).rejects.toMatchObject({ errno: 1205 });
    a.rollback();
    expect(kv.locks.size).toBe(0);
  });

  it('matches a sequential model under random interleavings (fast-check)', async () => {
    const op = fc.record({ slot: fc.integer({ min: 0, max: 2 }), key: fc.constantFrom('a', 'b', 'c'), value: fc.option(fc.constantFrom('1', '2', '3')), commit: fc.boolean() });
    await fc.assert(
      fc.asyncProperty(fc.array(op, { maxLength: 30 }), async (ops) => {
        const kv = newKv();
        // The model: committed values, and for each key the sequence number of its last commit.
        const model = new Map<string, string>();
        const lastCommitSeq = new Map<string, number>();
        let seq = 0;
        type Open = { txn: Txn; startSeq: number; snapshot: Map<string, string>; writes: Map<string, string | null> };
        const fresh = (): Open => ({ txn: kv.begin(), startSeq: seq, snapshot: new Map(model), writes: new Map() });
        const open: Open[] = [];
        for (const { slot, key, value, commit } of ops) {
          while (open.length <= slot) open.push(fresh());
          const t = open[slot]!;
          const expected = t.writes.has(key) ? (t.writes.get(key) ?? undefined) : t.snapshot.get(key);
          expect(dec(await t.txn.get(enc(key)))).toBe(expected);
          if (value === null) t.txn.delete(enc(key));
          else t.txn.put(enc(key), enc(value));
          t.writes.set(key, value);
          if (!commit) continue;
          const conflict = [...t.writes.keys()].some((k) => (lastCommitSeq.get(k) ?? 0) > t.startSeq);
          const result = await t.txn.commit().then(
            () => 'ok',
            (e: { errno?: number }) => e.errno,
          );
          expect(result).toBe(conflict ? 1213 : 'ok');
          if (!conflict) {
            seq++;
            for (const [k, v] of t.writes) {
              if (v === null) model.delete(k);
              else model.set(k, v);
              lastCommitSeq.set(k, seq);
            }
          }
          open[slot] = fresh();
        }
        const final = kv.begin();
        for (const k of ['a', 'b', 'c']) expect(dec(await final.get(enc(k)))).toBe(model.get(k));
      }),
      { numRuns: 200 },
    );
  });
});
