/**
 * The journaled table on real LMDB files against a plain in-memory table: random batches of
 * puts, removes and removed ranges — some issued without waiting, so they meet checkpoints in
 * flight — random checkpoints and reopens (the journal replayed), every read compared. Then
 * what only the journal has: one record per burst of writers, a flipped byte or a missing
 * record found on open.
 */
import { afterAll, describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { StorageCorruptionError } from './engine.js';
import { openJournaledKv, type JournaledKv } from './journaled-kv.js';
import { openLmdbEnv, type LmdbEnv } from './lmdb-env.js';
import { createMemoryOrderedKv, type KvOp, type OrderedKv } from './ordered-kv.js';

const root = mkdtempSync(join(tmpdir(), 'atoll-journal-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));
let dirs = 0;

const key = (n: number): Uint8Array => Uint8Array.of(0x10, n >> 8, n & 0xff);
const value = (n: number, v: number): Uint8Array => Uint8Array.of(n & 0xff, v & 0xff, 0x5a);

type Step =
  | { kind: 'write'; ops: { op: 'put' | 'remove' | 'range'; a: number; b: number; v: number }[]; wait: boolean }
  | { kind: 'checkpoint'; wait: boolean }
  | { kind: 'reopen' };

const stepArb: fc.Arbitrary<Step> = fc.oneof(
  {
    weight: 8,
    arbitrary: fc.record({
      kind: fc.constant('write' as const),
      ops: fc.array(fc.record({ op: fc.constantFrom('put' as const, 'put' as const, 'remove' as const, 'range' as const), a: fc.nat(40), b: fc.nat(8), v: fc.nat(255) }), { minLength: 1, maxLength: 6 }),
      wait: fc.boolean(),
    }),
  },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('checkpoint' as const), wait: fc.boolean() }) },
  { weight: 1, arbitrary: fc.constant({ kind: 'reopen' as const }) },
);

function toOps(ops: Extract<Step, { kind: 'write' }>['ops']): KvOp[] {
  return ops.map((o): KvOp => {
    if (o.op === 'put') return { op: 'put', key: key(o.a), value: value(o.a, o.v) };
    if (o.op === 'remove') return { op: 'remove', key: key(o.a) };
    return { op: 'removeRange', start: key(o.a), end: key(o.a + o.b) };
  });
}

function snapshot(kv: OrderedKv): unknown {
  const all = (reverse: boolean): string[] => [...kv.range(key(0), key(60), reverse)].map((p) => `${Buffer.from(p.key).toString('hex')}=${Buffer.from(p.value).toString('hex')}`);
  const probes = [0, 5, 17, 33, 48].map((n) => [kv.get(key(n)), kv.seek(key(n))?.key].map((b) => (b === undefined ? null : Buffer.from(b).toString('hex'))));
  const window = [...kv.range(key(10), key(30), false)].length;
  return { forward: all(false), reverse: all(true), probes, window };
}

interface Opened {
  env: LmdbEnv;
  kv: JournaledKv;
}

/** Small layers by default, so checkpoints happen all the time; `quiet` turns them off. */
function open(path: string, quiet = false): Opened {
  const env = openLmdbEnv({ path });
  const options = quiet ? { checkpointOpsMax: 1_000_000, checkpointIntervalMs: 3_600_000 } : { checkpointOpsMax: 16, checkpointIntervalMs: 5 };
  const kv = openJournaledKv(env.table('base'), env.table('journal'), options);
  return { env, kv };
}

async function close(o: Opened): Promise<void> {
  await o.kv.close();
  await o.env.close();
}

describe('journaled table on LMDB', () => {
  it('reads as a plain table through checkpoints and reopens', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(stepArb, { minLength: 1, maxLength: 40 }), async (steps) => {
        const path = join(root, `prop${dirs++}`);
        const model = createMemoryOrderedKv();
        let db = open(path);
        let unwaited: Promise<void>[] = [];
        try {
          for (const step of steps) {
            if (step.kind === 'write') {
              const ops = toOps(step.ops);
              await model.write(ops);
              const p = db.kv.write(ops);
              if (step.wait) {
                await Promise.all([...unwaited, p]);
                unwaited = [];
                expect(snapshot(db.kv)).toEqual(snapshot(model));
              } else unwaited.push(p);
            } else if (step.kind === 'checkpoint') {
              // A checkpoint takes the writes applied so far; unawaited, later writes meet it in flight.
              await Promise.all(unwaited);
              unwaited = [];
              const p = db.kv.checkpoint();
              if (step.wait) {
                await p;
                expect(db.kv.layeredOps).toBe(0);
                expect(snapshot(db.kv)).toEqual(snapshot(model));
              } else unwaited.push(p);
            } else {
              await Promise.all(unwaited);
              unwaited = [];
              await close(db);
              db = open(path);
              expect(snapshot(db.kv)).toEqual(snapshot(model));
            }
          }
          await Promise.all(unwaited);
          expect(snapshot(db.kv)).toEqual(snapshot(model));
        } finally {
          await close(db);
          rmSync(path, { recursive: true, force: true });
        }
      }),
      { numRuns: 60 },
    );
  });

  it('seals the writes of one burst into one record, and checkpoints them out of the journal', async () => {
    const path = join(root, `burst${dirs++}`);
    const db = open(path, true);
    const commits = db.env.groupCommits;
    // 64 writers resumed together, as 64 Raft groups after one commit.
    await Promise.all(Array.from({ length: 64 }, (_, g) => db.kv.write([{ op: 'put', key: key(g), value: value(g, 1) }])));
    expect(db.env.groupCommits - commits).toBe(1);
    expect([...db.env.table('journal').range(new Uint8Array(8), undefined, false)]).toHaveLength(1);
    expect([...db.env.table('base').range(key(0), undefined, false)]).toHaveLength(0);
    await db.kv.checkpoint();
    expect([...db.env.table('journal').range(new Uint8Array(8), undefined, false)]).toHaveLength(0);
    expect([...db.env.table('base').range(key(0), undefined, false)]).toHaveLength(64);
    expect(db.kv.get(key(63))).toEqual(value(63, 1));
    await close(db);
  });

  it('refuses a journal with a flipped byte or a missing record', async () => {
    const path = join(root, `bad${dirs++}`);
    const db = open(path, true);
    for (let i = 0; i < 3; i++) await db.kv.write([{ op: 'put', key: key(i), value: value(i, i) }]);
    const journal = db.env.table('journal');
    const records = [...journal.range(new Uint8Array(8), undefined, false)];
    expect(records).toHaveLength(3);
    await close(db);

    const flipped = openLmdbEnv({ path });
    const bytes = Uint8Array.from(records[1]!.value);
    bytes[bytes.length - 1]! ^= 0x01;
    await flipped.table('journal').write([{ op: 'put', key: records[1]!.key, value: bytes }]);
    expect(() => openJournaledKv(flipped.table('base'), flipped.table('journal'))).toThrow(StorageCorruptionError);
    await flipped.table('journal').write([{ op: 'remove', key: records[1]!.key }]);
    expect(() => openJournaledKv(flipped.table('base'), flipped.table('journal'))).toThrow(/record 2 missing before 3/);
    await flipped.close();
  });
});
