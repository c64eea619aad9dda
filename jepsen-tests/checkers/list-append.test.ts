// Proves the list-append checker finds each anomaly it claims on a minimal hand-made history
// (G0, G1a, G1b, G1c, G-single-item, G-nonadjacent-item, G2-item, their realtime variants,
// internal, future read, duplicates, incompatible order, dirty and lost update), passes valid
// histories, judges against the claimed models (write skew passes snapshot isolation), and
// (property) that any serial execution of random append/read transactions is valid.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { Plain } from '../history/edn.js';
import type { Op, OpType } from '../history/op.js';
import { anomalyTypes } from './check-result.js';
import { checkListAppend } from './list-append.js';

type Mop = [string, Plain, Plain];
/** A transaction: process, ok/fail/info, and its micro-ops as completed. */
type T = [process: number, type: Exclude<OpType, 'invoke'>, mops: Mop[]];

const asInvoke = (mops: Mop[]): Mop[] => mops.map(([f, k, v]) => [f, k, f === 'r' ? null : v]);

/** All transactions concurrent: every invocation, then every completion. */
function concurrent(...txns: T[]): Op[] {
  const evs = [...txns.map(([p, , m]) => [p, 'invoke', asInvoke(m)] as const), ...txns.map(([p, t, m]) => [p, t, m] as const)];
  return evs.map(([process, type, value], index) => ({ index, process, type, f: 'txn', value }));
}

/** Transactions one after another. */
function serial(...txns: T[]): Op[] {
  return txns.flatMap(([p, t, m]) => [[p, 'invoke', asInvoke(m)] as const, [p, t, m] as const]).map(([process, type, value], index) => ({ index, process, type, f: 'txn', value }));
}

const types = (h: Op[], models?: string[]): string[] => anomalyTypes(checkListAppend(h, models === undefined ? {} : { consistencyModels: models }));

describe('list-append anomalies', () => {
  it('G0: write cycle', () => {
    const h = concurrent([0, 'ok', [['append', 'x', 1], ['append', 'y', 1]]], [1, 'ok', [['append', 'x', 2], ['append', 'y', 2]]], [2, 'ok', [['r', 'x', [1, 2]], ['r', 'y', [2, 1]]]]);
    expect(types(h)).toEqual(['G0']);
  });

  it('G1a: reading an aborted append', () => {
    const h = concurrent([0, 'fail', [['append', 'x', 1]]], [1, 'ok', [['r', 'x', [1]]]]);
    const r = checkListAppend(h);
    expect(r.valid).toBe(false);
    expect(anomalyTypes(r)).toContain('G1a');
  });

  it('G1b: reading an intermediate append', () => {
    const h = concurrent([0, 'ok', [['append', 'x', 1], ['append', 'x', 2]]], [1, 'ok', [['r', 'x', [1]]]]);
    expect(types(h)).toContain('G1b');
  });

  it('G1c: circular information flow', () => {
    const h = concurrent([0, 'ok', [['append', 'x', 1], ['r', 'y', [1]]]], [1, 'ok', [['append', 'y', 1], ['r', 'x', [1]]]]);
    expect(types(h)).toEqual(['G1c']);
  });

  it('G-single-item: read skew', () => {
    const h = concurrent([0, 'ok', [['append', 'x', 1], ['append', 'y', 1]]], [1, 'ok', [['r', 'x', [1]], ['r', 'y', []]]]);
    const r = checkListAppend(h, { consistencyModels: ['snapshot-isolation'] });
    expect(anomalyTypes(r)).toEqual(['G-single-item']);
    expect(r.details).toMatchObject({ not: ['consistent-view', 'repeatable-read'] });
  });

  it('G-nonadjacent-item: two rw edges apart (forbidden by snapshot isolation)', () => {
    const h = concurrent(
      [0, 'ok', [['r', 'x', []], ['r', 'w', [1]]]],
      [1, 'ok', [['append', 'x', 1], ['append', 'y', 1]]],
      [2, 'ok', [['r', 'y', [1]], ['r', 'z', []]]],
      [3, 'ok', [['append', 'z', 1], ['append', 'w', 1]]]);
    expect(types(h, ['snapshot-isolation'])).toEqual(['G-nonadjacent-item']);
  });

  it('G2-item: write skew fails serializable but passes snapshot isolation', () => {
    const h = concurrent([0, 'ok', [['r', 'x', []], ['append', 'y', 1]]], [1, 'ok', [['r', 'y', []], ['append', 'x', 1]]]);
    expect(types(h, ['serializable'])).toEqual(['G2-item']);
    expect(checkListAppend(h, { consistencyModels: ['snapshot-isolation'] }).valid).toBe(true);
  });

  it('realtime variants: a read that misses a write completed before it began', () => {
    const h = serial([0, 'ok', [['append', 'x', 1]]], [1, 'ok', [['r', 'x', []]]]);
    expect(types(h, ['strict-serializable'])).toEqual(['G-single-item-realtime']);
    expect(checkListAppend(h, { consistencyModels: ['serializable'] }).valid).toBe(true);
  });

  it('internal inconsistency and future reads', () => {
    expect(types(concurrent([0, 'ok', [['append', 'x', 1], ['r', 'x', []]]]))).toContain('internal');
    expect(types(concurrent([0, 'ok', [['r', 'x', [1]], ['append', 'x', 1]]]))).toContain('future-read');
  });

  it('duplicate elements and incompatible orders', () => {
    expect(types(concurrent([0, 'ok', [['append', 'x', 1]]], [1, 'ok', [['r', 'x', [1, 1]]]]))).toContain('duplicate-elements');
    const h = concurrent([0, 'ok', [['append', 'x', 1]]], [1, 'ok', [['append', 'x', 2]]], [2, 'ok', [['r', 'x', [1, 2]]]], [3, 'ok', [['r', 'x', [2, 1]]]]);
    expect(types(h)).toContain('incompatible-order');
  });

  it('lost update and dirty update', () => {
    const lost = serial([0, 'ok', [['append', 'x', 0]]]).concat(concurrent([1, 'ok', [['r', 'x', [0]], ['append', 'x', 1]]], [2, 'ok', [['r', 'x', [0]], ['append', 'x', 2]]]).map((o) => ({ ...o, index: o.index + 2 })));
    expect(types(lost, ['serializable'])).toEqual(['G2-item', 'lost-update']);
    const dirty = concurrent([0, 'fail', [['append', 'x', 1]]], [1, 'ok', [['append', 'x', 2]]], [2, 'ok', [['r', 'x', [1, 2]]]]);
    expect(types(dirty)).toEqual(expect.arrayContaining(['G1a', 'dirty-update']));
  });
});

describe('list-append verdicts', () => {
  it('passes a serial history, and crashed transactions whose effects are visible', () => {
    const h = serial([0, 'ok', [['append', 'x', 1]]], [1, 'info', [['append', 'x', 2]]], [2, 'ok', [['r', 'x', [1, 2]], ['append', 'y', 1]]], [0, 'ok', [['r', 'y', [1]]]]);
    expect(checkListAppend(h)).toMatchObject({ valid: true, anomalies: {} });
  });

  it("is 'unknown' with nothing to relate, or when appends are not unique", () => {
    expect(checkListAppend(concurrent([0, 'ok', [['r', 'x', []]]])).valid).toBe('unknown');
    const dup = concurrent([0, 'ok', [['append', 'x', 1]]], [1, 'ok', [['append', 'x', 1]]]);
    expect(checkListAppend(dup)).toMatchObject({ valid: 'unknown', anomalies: { 'duplicate-appends': expect.any(Array) } });
  });

  it('rejects micro-ops other than r and append', () => {
    expect(anomalyTypes(checkListAppend(concurrent([0, 'ok', [['w', 'x', 1]]])))).toEqual(['unexpected-txn-micro-op-types']);
  });

  it('property: serial executions of random transactions are strict-serializable', () => {
    const mopArb = fc.record({ read: fc.boolean(), key: fc.integer({ min: 0, max: 3 }) });
    fc.assert(fc.property(fc.array(fc.array(mopArb, { minLength: 1, maxLength: 4 }), { minLength: 1, maxLength: 15 }), (txns) => {
      const db = new Map<number, number[]>();
      let next = 1;
      const done: T[] = txns.map((mops, i) => [i % 3, 'ok', mops.map(({ read, key }): Mop => {
        if (read) return ['r', key, [...(db.get(key) ?? [])]];
        const v = next++;
        db.set(key, [...(db.get(key) ?? []), v]);
        return ['append', key, v];
      })]);
      const r = checkListAppend(serial(...done));
      return r.valid === true || (r.valid === 'unknown' && anomalyTypes(r).join() === 'empty-transaction-graph');
    }), { numRuns: 150, seed: 7 });
  });
});
