// Proves the OrderedKv implementations agree: random batches of put/remove/removeIfValue/
// removeRange applied to an LMDB table, the memory table and the deferred (simulator) table
// leave the same contents, read back the same through get, seek and bounded ranges in both
// directions. Also proves the deferred table's flush/crash semantics.
import { afterAll, describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { compareBytes } from './key-codec.js';
import { openLmdbEnv } from './lmdb-env.js';
import { createDeferredMemoryKv, createMemoryOrderedKv, type KvOp, type OrderedKv } from './ordered-kv.js';

const root = mkdtempSync(join(tmpdir(), 'atoll-okv-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

const keyArb = fc.uint8Array({ minLength: 1, maxLength: 3 }).map((k) => k.map((b) => b % 4));
const opArb: fc.Arbitrary<KvOp> = fc.oneof(
  { weight: 4, arbitrary: fc.record({ op: fc.constant('put' as const), key: keyArb, value: fc.uint8Array({ minLength: 1, maxLength: 3 }) }) },
  fc.record({ op: fc.constant('remove' as const), key: keyArb }),
  fc.record({ op: fc.constant('removeIfValue' as const), key: keyArb, value: fc.uint8Array({ minLength: 1, maxLength: 1 }) }),
  fc.tuple(keyArb, keyArb).map(([a, b]): KvOp => ({ op: 'removeRange', start: compareBytes(a, b) <= 0 ? a : b, end: compareBytes(a, b) <= 0 ? b : a })),
);
const plain = (u: Uint8Array | undefined): number[] | undefined => (u === undefined ? undefined : [...u]);

function readAll(kv: OrderedKv, start: Uint8Array, end: Uint8Array | undefined, probes: Uint8Array[]): unknown {
  return {
    forward: [...kv.range(start, end, false)].map((e) => [plain(e.key), plain(e.value)]),
    reverse: [...kv.range(start, end, true)].map((e) => [plain(e.key), plain(e.value)]),
    gets: probes.map((p) => plain(kv.get(p))),
    seeks: probes.map((p) => plain(kv.seek(p)?.key)),
  };
}

describe('OrderedKv implementations', () => {
  it('agree on random batches (LMDB, memory, deferred memory)', async () => {
    let n = 0;
    await fc.assert(
      fc.asyncProperty(fc.array(fc.array(opArb, { maxLength: 6 }), { maxLength: 6 }), keyArb, fc.option(keyArb), fc.array(keyArb, { maxLength: 5 }), async (batches, start, end, probes) => {
        const env = openLmdbEnv({ path: join(root, `db${n++}`) });
        try {
          const lmdb = env.table('t');
          const memory = createMemoryOrderedKv();
          const deferred = createDeferredMemoryKv();
          for (const ops of batches) {
            const written = deferred.kv.write(ops);
            deferred.flush();
            await Promise.all([lmdb.write(ops), memory.write(ops), written]);
          }
          const expected = readAll(memory, start, end ?? undefined, probes);
          expect(readAll(lmdb, start, end ?? undefined, probes)).toEqual(expected);
          expect(readAll(deferred.kv, start, end ?? undefined, probes)).toEqual(expected);
        } finally {
          await env.close();
        }
      }),
      { numRuns: 40 },
    );
  });

  it('deferred memory: reads see flushed batches only; a crash loses the pending ones', async () => {
    const d = createDeferredMemoryKv();
    let durable = false;
    void d.kv.write([{ op: 'put', key: Uint8Array.of(1), value: Uint8Array.of(1) }]).then(() => (durable = true));
    expect(d.kv.get(Uint8Array.of(1))).toBeUndefined();
    d.flush();
    await Promise.resolve();
    expect(durable).toBe(true);
    expect(d.kv.get(Uint8Array.of(1))).toEqual(Uint8Array.of(1));
    void d.kv.write([{ op: 'put', key: Uint8Array.of(2), value: Uint8Array.of(2) }]);
    expect(d.pendingBatches).toBe(1);
    d.crash();
    d.flush();
    expect(d.kv.get(Uint8Array.of(2))).toBeUndefined();
  });

  it('memory: an iterator keeps its place across writes between its steps', async () => {
    const kv = createMemoryOrderedKv();
    await kv.write([1, 3, 5, 7].map((k): KvOp => ({ op: 'put', key: Uint8Array.of(k), value: Uint8Array.of(k) })));
    const seen: number[] = [];
    for (const e of kv.range(Uint8Array.of(0), undefined, false)) {
      seen.push(e.key[0]!);
      if (e.key[0] === 3) await kv.write([{ op: 'put', key: Uint8Array.of(2), value: Uint8Array.of(2) }, { op: 'put', key: Uint8Array.of(4), value: Uint8Array.of(4) }]);
    }
    expect(seen).toEqual([1, 3, 4, 5, 7]);
  });
});
