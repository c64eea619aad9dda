// Proves the failure contract of the LMDB group commit: when a commit fails (injected here
// as an fsync error would surface), every batch of that transaction rejects with the fatal
// StorageFatalError, none of its writes is visible, and the environment refuses every later
// write instead of carrying on over an untrustworthy page cache.
import { afterAll, describe, expect, it } from 'vitest';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { isFatalStorageError, StorageFatalError } from './engine.js';
import { openLmdbEnv } from './lmdb-env.js';

const root = mkdtempSync(join(tmpdir(), 'atoll-env-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));
const put = (k: number) => ({ op: 'put' as const, key: Uint8Array.of(k), value: Uint8Array.of(k) });

describe('LMDB group commit failures', () => {
  it('rejects the whole group with a fatal error and stops writing', async () => {
    let failNext = false;
    const env = openLmdbEnv({
      path: join(root, 'fail'),
      beforeCommit: () => {
        if (failNext) throw new Error('EIO: injected fsync failure');
      },
    });
    const a = env.table('a');
    const b = env.table('b');
    await a.write([put(1)]);
    failNext = true;
    const results = await Promise.allSettled([a.write([put(2)]), b.write([put(3)])]);
    failNext = false;
    for (const r of results) {
      expect(r.status).toBe('rejected');
      const reason = (r as PromiseRejectedResult).reason as unknown;
      expect(reason).toBeInstanceOf(StorageFatalError);
      expect(isFatalStorageError(reason)).toBe(true);
    }
    expect(a.get(Uint8Array.of(1))).toEqual(Uint8Array.of(1));
    expect(a.get(Uint8Array.of(2))).toBeUndefined();
    expect(b.get(Uint8Array.of(3))).toBeUndefined();
    await expect(a.write([put(4)])).rejects.toBeInstanceOf(StorageFatalError);
    expect(a.get(Uint8Array.of(4))).toBeUndefined();
    await env.close();
  });

  it('flushes queued batches on close', async () => {
    const path = join(root, 'close');
    const env = openLmdbEnv({ path });
    const written = env.table('a').write([put(9)]);
    await env.close();
    await written;
    const again = openLmdbEnv({ path });
    expect(again.table('a').get(Uint8Array.of(9))).toEqual(Uint8Array.of(9));
    await again.close();
  });
});
