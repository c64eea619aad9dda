// Proves the bank, set, set-full and counter checkers on small hand-made histories: each
// anomaly they report (wrong total, negative balance, unknown account; lost and unexpected
// elements; lost, stale and duplicated elements; out-of-bounds counter reads) is found, and
// correct histories pass.
import { describe, expect, it } from 'vitest';
import type { Plain } from '../history/edn.js';
import type { Op, OpType } from '../history/op.js';
import { anomalyTypes } from './check-result.js';
import { checkBank } from './bank.js';
import { checkCounter } from './counter.js';
import { checkSet, checkSetFull } from './set.js';

type Ev = [process: number, type: OpType, f: string, value: Plain];
const hist = (...evs: Ev[]): Op[] => evs.map(([process, type, f, value], index) => ({ index, process, type, f, value }));
const read = (p: number, value: Plain): Ev[] => [[p, 'invoke', 'read', null], [p, 'ok', 'read', value]];
const add = (p: number, value: Plain, type: OpType = 'ok'): Ev[] => [[p, 'invoke', 'add', value], [p, type, 'add', value]];

describe('bank', () => {
  it('passes reads that conserve the total', () => {
    const h = hist(...read(0, { a: 10, b: 0 }), [1, 'invoke', 'transfer', { from: 'a', to: 'b', amount: 3 }], [1, 'ok', 'transfer', null], ...read(0, { a: 7, b: 3 }));
    expect(checkBank(h)).toMatchObject({ valid: true, details: { totalAmount: 10 } });
  });

  it('finds a wrong total, a negative balance and an unknown account', () => {
    expect(anomalyTypes(checkBank(hist(...read(0, { a: 10, b: 0 }), ...read(0, { a: 7, b: 0 }))))).toEqual(['wrong-total']);
    expect(anomalyTypes(checkBank(hist(...read(0, { a: 11, b: -1 }))))).toEqual(['negative-value']);
    expect(checkBank(hist(...read(0, { a: 11, b: -1 })), { allowNegativeBalances: true }).valid).toBe(true);
    expect(anomalyTypes(checkBank(hist(...read(0, { a: 5, c: 5 })), { accounts: ['a', 'b'], totalAmount: 10 }))).toEqual(['unexpected-key']);
  });

  it("is 'unknown' without a single ok read", () => {
    expect(checkBank(hist([0, 'invoke', 'read', null], [0, 'fail', 'read', null])).valid).toBe('unknown');
  });
});

describe('set', () => {
  it('passes when every acknowledged add is read; crashed adds may be recovered', () => {
    const r = checkSet(hist(...add(0, 1), ...add(1, 2, 'info'), ...read(0, [1, 2])));
    expect(r).toMatchObject({ valid: true, details: { recovered: [2] } });
  });

  it('finds lost and unexpected elements', () => {
    expect(anomalyTypes(checkSet(hist(...add(0, 1), ...add(0, 2), ...read(0, [1]))))).toEqual(['lost']);
    expect(anomalyTypes(checkSet(hist(...add(0, 1), ...read(0, [1, 9]))))).toEqual(['unexpected']);
  });
});

describe('set-full', () => {
  it('passes stable elements', () => {
    expect(checkSetFull(hist(...add(0, 1), ...read(1, [1]), ...read(1, [1]))).valid).toBe(true);
  });

  it('finds an element lost after it was acknowledged and seen', () => {
    const r = checkSetFull(hist(...add(0, 1), ...read(1, [1]), ...read(1, [])));
    expect(r).toMatchObject({ valid: false, anomalies: { lost: [1] } });
  });

  it('finds stale reads only when linearizability is claimed', () => {
    const h = hist(...add(0, 1), ...read(1, []), ...read(1, [1]));
    expect(checkSetFull(h).valid).toBe(true);
    expect(anomalyTypes(checkSetFull(h, { linearizable: true }))).toEqual(['stale']);
  });

  it("finds duplicates, and is 'unknown' when nothing was ever read", () => {
    expect(anomalyTypes(checkSetFull(hist(...add(0, 1), ...read(1, [1, 1]))))).toEqual(['duplicated']);
    expect(checkSetFull(hist(...add(0, 1))).valid).toBe('unknown');
  });
});

describe('counter', () => {
  it('accepts reads between completed and attempted increments', () => {
    const h = hist([0, 'invoke', 'add', 1], [1, 'invoke', 'read', null], [1, 'ok', 'read', 1], [0, 'ok', 'add', 1], ...read(1, 1), [2, 'invoke', 'add', 5], [2, 'info', 'add', 5], ...read(1, 6));
    expect(checkCounter(h)).toMatchObject({ valid: true, details: { bounds: [1, 6] } });
  });

  it('rejects a read above the attempts, below the acknowledged, or of a failed add', () => {
    expect(checkCounter(hist(...add(0, 1), ...read(1, 2))).valid).toBe(false);
    expect(checkCounter(hist(...add(0, 2), ...read(1, 1))).valid).toBe(false);
    expect(anomalyTypes(checkCounter(hist([0, 'invoke', 'add', 3], [0, 'fail', 'add', 3], ...read(1, 3))))).toEqual(['out-of-bounds-read']);
  });
});
