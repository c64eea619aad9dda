// Proves the WGL linearizability checker on small hand-made histories: valid and invalid ones
// for the cas-register, key-value, mutex and multi-register models, crashed ops that may or
// may not take effect, the search budget turning into 'unknown', and (property) that any
// history produced by a sequential register with random overlaps is found linearizable.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { Plain } from '../history/edn.js';
import type { Op, OpType } from '../history/op.js';
import { checkLinearizable } from './linearizable.js';
import { casRegister, kvRegister, multiRegister, mutex } from './register-models.js';

type Ev = [process: number, type: OpType, f: string, value: Plain, key?: Plain];
function hist(...evs: Ev[]): Op[] {
  return evs.map(([process, type, f, value, key], index) => ({ index, process, type, f, value, ...(key === undefined ? {} : { key }) }));
}
const reg = casRegister({ initial: 0 });

describe('cas-register', () => {
  it('accepts a read concurrent with a write seeing either value', () => {
    for (const seen of [0, 1]) {
      const h = hist([0, 'invoke', 'write', 1], [1, 'invoke', 'read', null], [1, 'ok', 'read', seen], [0, 'ok', 'write', 1]);
      expect(checkLinearizable(h, { model: reg }).valid).toBe(true);
    }
  });

  it('rejects a stale read after a write completed', () => {
    const h = hist([0, 'invoke', 'write', 1], [0, 'ok', 'write', 1], [1, 'invoke', 'read', null], [1, 'ok', 'read', 0]);
    const r = checkLinearizable(h, { model: reg });
    expect(r.valid).toBe(false);
    expect(r.anomalies['nonlinearizable']).toHaveLength(1);
  });

  it('rejects a read of a value never written, and a read going back in time', () => {
    expect(checkLinearizable(hist([1, 'invoke', 'read', null], [1, 'ok', 'read', 5]), { model: reg }).valid).toBe(false);
    const h = hist([0, 'invoke', 'write', 1], [0, 'ok', 'write', 1], [0, 'invoke', 'write', 2], [1, 'invoke', 'read', null], [1, 'ok', 'read', 2],
      [2, 'invoke', 'read', null], [2, 'ok', 'read', 1], [0, 'ok', 'write', 2]);
    expect(checkLinearizable(h, { model: reg }).valid).toBe(false);
  });

  it('lets a crashed write take effect late, or never', () => {
    const base: Ev[] = [[0, 'invoke', 'write', 7], [0, 'info', 'write', 7]];
    expect(checkLinearizable(hist(...base, [1, 'invoke', 'read', null], [1, 'ok', 'read', 0]), { model: reg }).valid).toBe(true);
    expect(checkLinearizable(hist(...base, [1, 'invoke', 'read', null], [1, 'ok', 'read', 0], [1, 'invoke', 'read', null], [1, 'ok', 'read', 7]), { model: reg }).valid).toBe(true);
    // ...but once seen it cannot be undone.
    const undone = hist(...base, [1, 'invoke', 'read', null], [1, 'ok', 'read', 7], [1, 'invoke', 'read', null], [1, 'ok', 'read', 0]);
    expect(checkLinearizable(undone, { model: reg }).valid).toBe(false);
  });

  it('ignores failed ops, and a crashed cas whose compare fails', () => {
    const h = hist([0, 'invoke', 'write', 3], [0, 'fail', 'write', 3], [1, 'invoke', 'cas', [5, 6]], [1, 'info', 'cas', [5, 6]], [2, 'invoke', 'read', null], [2, 'ok', 'read', 0]);
    expect(checkLinearizable(h, { model: reg }).valid).toBe(true);
    const okCas = hist([1, 'invoke', 'cas', [5, 6]], [1, 'ok', 'cas', [5, 6]]);
    expect(checkLinearizable(okCas, { model: reg }).valid).toBe(false);
  });

  it("treats a failed cas as an observed mismatch in porcupine's etcd semantics", () => {
    const h = hist([1, 'invoke', 'cas', [0, 6]], [1, 'fail', 'cas', [0, 6]]);
    expect(checkLinearizable(h, { model: reg }).valid).toBe(true);
    expect(checkLinearizable(h, { model: casRegister({ initial: 0, failedCasObservesMismatch: true }) }).valid).toBe(false);
  });

  it("reads nil as 'unknown' (knossos) or as the empty register (porcupine)", () => {
    const h = hist([0, 'invoke', 'write', 1], [0, 'ok', 'write', 1], [1, 'invoke', 'read', null], [1, 'ok', 'read', null]);
    expect(checkLinearizable(h, { model: casRegister({ initial: null }) }).valid).toBe(true);
    expect(checkLinearizable(h, { model: casRegister({ initial: null, nilReadMatchesAny: false }) }).valid).toBe(false);
  });

  it("returns 'unknown' when the search budget runs out", () => {
    const evs: Ev[] = [];
    for (let p = 0; p < 8; p++) evs.push([p, 'invoke', 'write', p]);
    for (let p = 0; p < 8; p++) evs.push([p, 'ok', 'write', p]);
    evs.push([9, 'invoke', 'read', null], [9, 'ok', 'read', 42]);
    expect(checkLinearizable(hist(...evs), { model: reg, stepsMaxPerKey: 50 }).valid).toBe('unknown');
    expect(checkLinearizable(hist(...evs), { model: reg }).valid).toBe(false);
  });
});

describe('other models', () => {
  it('checks a key-value register per key', () => {
    const ok = hist([0, 'invoke', 'put', 'a', 'x'], [0, 'ok', 'put', 'a', 'x'], [1, 'invoke', 'append', 'b', 'y'], [1, 'ok', 'append', 'b', 'y'],
      [0, 'invoke', 'get', null, 'x'], [0, 'ok', 'get', 'a', 'x'], [1, 'invoke', 'get', null, 'y'], [1, 'ok', 'get', 'b', 'y']);
    const r = checkLinearizable(ok, { model: kvRegister() });
    expect(r.valid).toBe(true);
    expect(r.details.keys).toHaveLength(2);
    const bad = hist([0, 'invoke', 'put', 'a', 'x'], [0, 'ok', 'put', 'a', 'x'], [1, 'invoke', 'get', null, 'x'], [1, 'ok', 'get', '', 'x']);
    expect(checkLinearizable(bad, { model: kvRegister() }).valid).toBe(false);
  });

  it('checks a mutex: two holders at once are not linearizable; a crashed release may not have happened', () => {
    const both = hist([0, 'invoke', 'acquire', null], [0, 'ok', 'acquire', null], [1, 'invoke', 'acquire', null], [1, 'ok', 'acquire', null]);
    expect(checkLinearizable(both, { model: mutex() }).valid).toBe(false);
    const handoff = hist([0, 'invoke', 'acquire', null], [0, 'ok', 'acquire', null], [0, 'invoke', 'release', null], [0, 'info', 'release', null],
      [1, 'invoke', 'acquire', null], [1, 'ok', 'acquire', null]);
    expect(checkLinearizable(handoff, { model: mutex() }).valid).toBe(true);
    const stillHeld = hist([0, 'invoke', 'release', null], [0, 'ok', 'release', null]);
    expect(checkLinearizable(stillHeld, { model: mutex() }).valid).toBe(false);
  });

  it('checks multi-register transactions atomically', () => {
    const m = multiRegister({ x: 0, y: 0 });
    const torn = hist([0, 'invoke', 'txn', [['write', 'x', 1], ['write', 'y', 1]]], [0, 'ok', 'txn', [['write', 'x', 1], ['write', 'y', 1]]],
      [1, 'invoke', 'txn', [['read', 'x', null], ['read', 'y', null]]], [1, 'ok', 'txn', [['read', 'x', 1], ['read', 'y', 0]]]);
    expect(checkLinearizable(torn, { model: m }).valid).toBe(false);
    const whole = hist(...(torn.slice(0, 3).map((o) => [o.process, o.type, o.f, o.value] as Ev)), [1, 'ok', 'txn', [['read', 'x', 1], ['read', 'y', 1]]]);
    expect(checkLinearizable(whole, { model: m }).valid).toBe(true);
  });
});

describe('property', () => {
  it('a register executed atomically at random points inside overlapping calls is linearizable', () => {
    // Each op: a process, a call time, an effect time and a return time (call ≤ effect ≤ return).
    const opArb = fc.record({ write: fc.boolean(), value: fc.integer({ min: 0, max: 3 }), start: fc.nat(40), effect: fc.nat(10), end: fc.nat(10), crash: fc.boolean() });
    fc.assert(fc.property(fc.array(opArb, { minLength: 1, maxLength: 12 }), (specs) => {
      const ops = specs.map((s, i) => ({ ...s, p: i, at: s.start + s.effect + 0.5, ret: s.start + s.effect + s.end + 1 }));
      let state = 0;
      const results = new Map<number, number>();
      for (const o of [...ops].sort((a, b) => a.at - b.at)) {
        if (o.write) state = o.value;
        else results.set(o.p, state);
      }
      const events: Array<{ t: number; op: Op }> = [];
      for (const o of ops) {
        const f = o.write ? 'write' : 'read';
        events.push({ t: o.start, op: { index: 0, process: o.p, type: 'invoke', f, value: o.write ? o.value : null } });
        const type: OpType = o.crash && o.write ? 'info' : 'ok';
        events.push({ t: o.ret, op: { index: 0, process: o.p, type, f, value: o.write ? o.value : (results.get(o.p) as number) } });
      }
      events.sort((a, b) => a.t - b.t);
      const h = events.map((e, index) => ({ ...e.op, index }));
      return checkLinearizable(h, { model: casRegister({ initial: 0 }) }).valid === true;
    }), { numRuns: 200, seed: 20240601 });
  });
});
