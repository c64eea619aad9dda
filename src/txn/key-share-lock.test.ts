/**
 * Proves the key-share lock closes the FOREIGN KEY race at the TxnKv level: a transaction that
 * inserts a child under a `keyShare` lock on the parent row and commits after a parent
 * deleter's snapshot makes the deleter's exclusive lock (or its commit) fail with 1213, under
 * REPEATABLE READ and READ COMMITTED; key-share lockers of one key never fail each other; a
 * newer real version still fails a key-share lock; the touches it leaves stay bounded.
 */
import { describe, expect, it } from 'vitest';
import { timestamp } from '../base/ids.js';
import { TimestampOracle } from '../meta/timestamp-oracle.js';
import { createMemoryMvccStore } from '../../storage/memory-mvcc-store.js';
import { LocalTxnKv } from './local-txn-kv.js';
import type { IsolationLevel, Txn } from './txn-kv.js';

const enc = (s: string): Uint8Array => new TextEncoder().encode(s);
const dec = (b: Uint8Array | undefined): string | undefined => (b === undefined ? undefined : new TextDecoder().decode(b));
const parent = enc('p');

async function newKv(): Promise<LocalTxnKv> {
  let ms = 1_000;
  const store = createMemoryMvccStore();
  const kv = new LocalTxnKv(store, new TimestampOracle({ nowMs: () => ms++, monotonicMs: () => ms }, timestamp(store.maxCommitTs())));
  const seed = kv.begin();
  seed.put(parent, enc('1'));
  await seed.commit();
  return kv;
}

/** A child insert as foreign-keys.ts does it: key-share lock the parent, read it, write the child. */
async function insertChild(txn: Txn, child: string): Promise<void> {
  await txn.lock(parent, 'keyShare');
  expect(dec(await txn.get(parent))).toBe('1');
  txn.put(enc(child), enc('p'));
}

/** True when the settled promise failed with errno 1213. */
const conflict = (p: Promise<unknown>): Promise<boolean> => p.then(() => false, (e: { errno?: number }) => e.errno === 1213);

describe.each<IsolationLevel>(['REPEATABLE-READ', 'READ-COMMITTED'])('key-share lock under %s', (isolation) => {
  it('fails a parent deleter whose snapshot misses a child committed under the lock (1213)', async () => {
    const kv = await newKv();
    const deleter = kv.begin({ isolation });
    const inserter = kv.begin({ isolation });
    await insertChild(inserter, 'c1');
    await inserter.commit();
    // Locking P leaves no version on P: only the key-share touch tells the deleter.
    expect(await conflict(deleter.lock(parent))).toBe(true);
    deleter.rollback();
    // A deleter that writes without locking first fails at commit instead.
    const blind = kv.begin({ isolation });
    const inserter2 = kv.begin({ isolation });
    await insertChild(inserter2, 'c2');
    await inserter2.commit();
    blind.delete(parent);
    expect(await conflict(blind.commit())).toBe(true);
    expect(dec(await kv.begin().get(parent))).toBe('1');
  });

  it('fails a deleter that waited for the key-share holder, and lets a later snapshot delete', async () => {
    const kv = await newKv();
    const deleter = kv.begin({ isolation });
    const inserter = kv.begin({ isolation });
    await insertChild(inserter, 'c1');
    const waits = conflict(deleter.lock(parent));
    await inserter.commit();
    expect(await waits).toBe(true);
    deleter.rollback();
    const fresh = kv.begin({ isolation });
    await fresh.lock(parent);
    fresh.delete(parent);
    await fresh.commit();
    expect(kv.locks.size).toBe(0);
  });

  it('lets key-share lockers of one key commit one after another', async () => {
    const kv = await newKv();
    const a = kv.begin({ isolation });
    const b = kv.begin({ isolation });
    await insertChild(a, 'c1');
    const bInserts = insertChild(b, 'c2'); // waits for a's lock
    await a.commit();
    await bInserts;
    await b.commit();
    const c = kv.begin({ isolation });
    await insertChild(c, 'c3');
    await c.commit();
    const read = kv.begin();
    expect([dec(await read.get(enc('c1'))), dec(await read.get(enc('c2'))), dec(await read.get(enc('c3')))]).toEqual(['p', 'p', 'p']);
  });

  it('still fails a key-share lock on a key with a newer real version', async () => {
    const kv = await newKv();
    const late = kv.begin({ isolation });
    const deleter = kv.begin({ isolation });
    await deleter.lock(parent);
    deleter.delete(parent);
    await deleter.commit();
    if (isolation === 'REPEATABLE-READ') expect(await conflict(late.lock(parent, 'keyShare'))).toBe(true);
    else {
      // READ COMMITTED: the lock grants a current read, which sees the parent gone (foreign-keys.ts: 1452).
      await late.lock(parent, 'keyShare');
      expect(await late.get(parent)).toBeUndefined();
    }
    late.rollback();
  });
});

describe('key-share touches', () => {
  it('fail an upgrade to exclusive after another holder committed since the snapshot', async () => {
    const kv = await newKv();
    const upgrader = kv.begin();
    const inserter = kv.begin();
    await insertChild(inserter, 'c1');
    await inserter.commit();
    // The key-share lock itself passes: the touch is another key-share holder's.
    await upgrader.lock(parent, 'keyShare');
    expect(await conflict(upgrader.lock(parent))).toBe(true);
    upgrader.rollback();
  });

  it('are not left by a key-share holder that wrote nothing', async () => {
    const kv = await newKv();
    const deleter = kv.begin();
    const reader = kv.begin();
    await reader.lock(parent, 'keyShare');
    await reader.commit();
    await deleter.lock(parent);
    deleter.delete(parent);
    await deleter.commit();
    expect(kv.keyShareTouchCount).toBe(0);
  });

  it('are pruned once no snapshot can miss them, and stay bounded under overlapping transactions', async () => {
    const kv = await newKv();
    const old = kv.begin();
    for (let i = 0; i < 10; i++) {
      const t = kv.begin();
      await insertChild(t, `c${i}`);
      await t.commit();
    }
    // The old snapshot misses those children: the touch on P stays while it is open.
    expect(kv.keyShareTouchCount).toBe(1);
    old.rollback();
    expect(kv.keyShareTouchCount).toBe(0);

    // Never idle: a transaction is always open, so only the size-triggered prune runs.
    let open = kv.begin();
    let most = 0;
    for (let i = 0; i < 5_000; i++) {
      const next = kv.begin();
      const key = enc(`k${i}`);
      const seed = kv.begin();
      seed.put(key, enc('1'));
      await seed.commit();
      const t = kv.begin();
      await t.lock(key, 'keyShare');
      t.put(enc(`child${i}`), enc('x'));
      await t.commit();
      open.rollback();
      open = next;
      most = Math.max(most, kv.keyShareTouchCount);
    }
    expect(most).toBeLessThanOrEqual(2_048);
    open.rollback();
    expect(kv.keyShareTouchCount).toBe(0);
    expect(kv.locks.size).toBe(0);
  });
});
