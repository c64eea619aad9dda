// Proves corruption is detected, not served: bytes of a stored value are flipped in a copy of
// the LMDB data file, and every read path that meets them (get, scan, GC) throws the fatal
// StorageCorruptionError while the untouched original still reads fine.
import { afterAll, describe, expect, it } from 'vitest';
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { timestamp } from '../src/base/ids.js';
import { StorageCorruptionError } from './engine.js';
import { openLmdbMvccStore } from './lmdb-mvcc-store.js';

const root = mkdtempSync(join(tmpdir(), 'atoll-corrupt-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));
const enc = (s: string): Uint8Array => new TextEncoder().encode(s);

describe('checksums on stored values', () => {
  it('detects a flipped byte in a copy of the data file', async () => {
    const original = join(root, 'original');
    const store = await openLmdbMvccStore({ path: original });
    await store.commit([
      { key: enc('good'), value: enc('plain value') },
      { key: enc('victim'), value: enc('MARKER-0123456789-MARKER') },
    ], timestamp(1n));
    await store.close();

    const copy = join(root, 'copy');
    cpSync(original, copy, { recursive: true });
    const file = join(copy, 'data.mdb');
    const bytes = readFileSync(file);
    // The value is stored twice (its version and the key's head): damage every copy.
    let flipped = 0;
    for (let at = bytes.indexOf('0123456789'); at >= 0; at = bytes.indexOf('0123456789', at + 1)) {
      bytes[at + 3] = bytes[at + 3]! ^ 0x01;
      flipped++;
    }
    expect(flipped).toBe(2);
    writeFileSync(file, bytes);

    const damaged = await openLmdbMvccStore({ path: copy });
    expect(() => damaged.get(enc('victim'), timestamp(1n))).toThrow(StorageCorruptionError);
    expect(() => [...damaged.scan({ start: enc('') }, timestamp(1n))]).toThrow(StorageCorruptionError);
    await expect(damaged.gcVersions(timestamp(1n), { versionsVisitedMax: 100 })).rejects.toThrow(StorageCorruptionError);
    expect(new TextDecoder().decode(damaged.get(enc('good'), timestamp(1n)))).toBe('plain value');
    await damaged.close();

    const intact = await openLmdbMvccStore({ path: original });
    expect(new TextDecoder().decode(intact.get(enc('victim'), timestamp(1n)))).toBe('MARKER-0123456789-MARKER');
    await intact.close();
  });
});
