/**
 * Proves version GC respects the safe point: a version an open transaction can still read
 * survives, and once that transaction ends, the dead versions are removed while every current
 * value stays readable.
 */
import { describe, expect, it } from 'vitest';
import { timestamp } from '../base/ids.js';
import { createLogger } from '../base/logger.js';
import { TimestampOracle } from '../meta/timestamp-oracle.js';
import { createMemoryMvccStore } from '../../storage/memory-mvcc-store.js';
import { LocalTxnKv } from './local-txn-kv.js';
import { startVersionGc } from './version-gc.js';

const enc = (s: string): Uint8Array => new TextEncoder().encode(s);
const dec = (b: Uint8Array | undefined): string | undefined => (b === undefined ? undefined : new TextDecoder().decode(b));

describe('version GC', () => {
  it('keeps what open snapshots read and removes the rest', async () => {
    let ms = 1_000;
    const store = createMemoryMvccStore();
    const kv = new LocalTxnKv(store, new TimestampOracle({ nowMs: () => ms++, monotonicMs: () => ms }, timestamp(0n)));
    const write = async (value: string): Promise<void> => {
      const t = kv.begin();
      t.put(enc('k'), enc(value));
      await t.commit();
    };
    await write('v1');
    const old = kv.begin();
    for (let i = 2; i <= 5; i++) await write(`v${i}`);
    const first = await store.gcVersions(kv.safePointTs(), { versionsVisitedMax: 1000 });
    expect(dec(await old.get(enc('k')))).toBe('v1');
    old.rollback();
    const second = await store.gcVersions(kv.safePointTs(), { versionsVisitedMax: 1000 });
    expect(first.versionsRemoved).toBe(0);
    expect(second.versionsRemoved).toBe(4);
    expect(dec(await kv.begin().get(enc('k')))).toBe('v5');
  });

  it('runs in the background and stops cleanly', async () => {
    const store = createMemoryMvccStore();
    const kv = new LocalTxnKv(store, new TimestampOracle({ nowMs: () => Date.now(), monotonicMs: () => performance.now() }, timestamp(0n)));
    for (let i = 0; i < 3; i++) {
      const t = kv.begin();
      t.put(enc('k'), enc(String(i)));
      await t.commit();
    }
    const gc = startVersionGc({ store, kv, intervalMs: 5, versionsVisitedPerTurnMax: 100, logger: createLogger('gc', 'error') });
    await new Promise((r) => setTimeout(r, 60));
    await gc.stop();
    const after = await store.gcVersions(kv.safePointTs(), { versionsVisitedMax: 1000 });
    expect(after.versionsRemoved).toBe(0);
    expect(dec(await kv.begin().get(enc('k')))).toBe('2');
  });
});
