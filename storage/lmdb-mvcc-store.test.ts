// Runs the shared MvccEngine contract against the LMDB store on real files, then proves what
// only files can show: data and maxCommitTs survive close and reopen.
import { afterAll, describe, expect, it } from 'vitest';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { timestamp } from '../src/base/ids.js';
import { openLmdbMvccStore } from './lmdb-mvcc-store.js';
import { describeMvccContract } from './test-support/mvcc-contract.js';

const root = mkdtempSync(join(tmpdir(), 'atoll-mvcc-'));
let n = 0;
afterAll(() => rmSync(root, { recursive: true, force: true }));

describeMvccContract('lmdb', () => openLmdbMvccStore({ path: join(root, `db${n++}`) }), 25);

describe('LMDB MVCC store on disk', () => {
  it('keeps data and maxCommitTs across close and reopen', async () => {
    const path = join(root, 'reopen');
    const first = await openLmdbMvccStore({ path });
    await first.commit([{ key: Uint8Array.of(1), value: Uint8Array.of(7) }], timestamp(5n));
    await first.commit([{ key: Uint8Array.of(2), value: Uint8Array.of(8) }, { key: Uint8Array.of(1), value: null }], timestamp(9n));
    await first.close();
    const second = await openLmdbMvccStore({ path });
    expect(second.maxCommitTs()).toBe(9n);
    expect(second.get(Uint8Array.of(1), timestamp(5n))).toEqual(Uint8Array.of(7));
    expect(second.get(Uint8Array.of(1), timestamp(9n))).toBeUndefined();
    expect(second.get(Uint8Array.of(2), timestamp(100n))).toEqual(Uint8Array.of(8));
    expect(() => second.commit([{ key: Uint8Array.of(3), value: Uint8Array.of(1) }], timestamp(9n))).toThrow();
    await second.close();
  });

  it('group-commits the commits of one loop turn into one transaction', async () => {
    const store = await openLmdbMvccStore({ path: join(root, 'group') });
    const before = store.env.groupCommits;
    await Promise.all(Array.from({ length: 20 }, (_, i) => store.commit([{ key: Uint8Array.of(i), value: Uint8Array.of(i) }], timestamp(BigInt(i + 1)))));
    expect(store.env.groupCommits - before).toBe(1);
    expect(store.get(Uint8Array.of(19), timestamp(20n))).toEqual(Uint8Array.of(19));
    await store.close();
  });
});
