// Proves the rw-register checker on minimal hand-made histories: G1a, G1b and internal
// inconsistency, an anti-dependency cycle from readers of the initial state (write skew,
// G2-item), a realtime G-single-item, and that valid histories pass.
import { describe, expect, it } from 'vitest';
import type { Plain } from '../history/edn.js';
import type { Op, OpType } from '../history/op.js';
import { anomalyTypes } from './check-result.js';
import { checkRwRegister } from './rw-register.js';

type Mop = [string, Plain, Plain];
type T = [process: number, type: Exclude<OpType, 'invoke'>, mops: Mop[]];
const asInvoke = (mops: Mop[]): Mop[] => mops.map(([f, k, v]) => [f, k, f === 'r' ? null : v]);
function concurrent(...txns: T[]): Op[] {
  const evs = [...txns.map(([p, , m]) => [p, 'invoke', asInvoke(m)] as const), ...txns.map(([p, t, m]) => [p, t, m] as const)];
  return evs.map(([process, type, value], index) => ({ index, process, type, f: 'txn', value }));
}
function serial(...txns: T[]): Op[] {
  return txns.flatMap(([p, t, m]) => [[p, 'invoke', asInvoke(m)] as const, [p, t, m] as const]).map(([process, type, value], index) => ({ index, process, type, f: 'txn', value }));
}

describe('rw-register', () => {
  it('passes a serial history', () => {
    const h = serial([0, 'ok', [['w', 'x', 1]]], [1, 'ok', [['r', 'x', 1], ['w', 'y', 2]]], [0, 'ok', [['r', 'y', 2]]]);
    expect(checkRwRegister(h)).toMatchObject({ valid: true });
  });

  it('finds G1a, G1b and internal inconsistency', () => {
    expect(anomalyTypes(checkRwRegister(concurrent([0, 'fail', [['w', 'x', 1]]], [1, 'ok', [['r', 'x', 1]]])))).toContain('G1a');
    expect(anomalyTypes(checkRwRegister(concurrent([0, 'ok', [['w', 'x', 1], ['w', 'x', 2]]], [1, 'ok', [['r', 'x', 1]]])))).toContain('G1b');
    expect(anomalyTypes(checkRwRegister(concurrent([0, 'ok', [['w', 'x', 1], ['r', 'x', 5]]])))).toContain('internal');
  });

  it('finds write skew from reads of the initial state', () => {
    const h = concurrent([0, 'ok', [['r', 'x', null], ['w', 'y', 1]]], [1, 'ok', [['r', 'y', null], ['w', 'x', 1]]]);
    expect(anomalyTypes(checkRwRegister(h, { consistencyModels: ['serializable'] }))).toEqual(['G2-item']);
    expect(checkRwRegister(h, { consistencyModels: ['snapshot-isolation'] }).valid).toBe(true);
  });

  it('finds a stale read in real time', () => {
    const h = serial([0, 'ok', [['w', 'x', 1]]], [1, 'ok', [['r', 'x', null]]]);
    expect(anomalyTypes(checkRwRegister(h))).toEqual(['G-single-item-realtime']);
  });

  it('uses writes-follow-reads only when asked', () => {
    // T2 read x=1 then wrote x=2, so 1 precedes 2; T3 read x=1, missing T2's write (rw), yet
    // read T2's y (wr): a G-single cycle, visible only with that version order.
    const h = concurrent([0, 'ok', [['w', 'x', 1]]], [1, 'ok', [['r', 'x', 1], ['w', 'x', 2], ['w', 'y', 3]]], [2, 'ok', [['r', 'x', 1], ['r', 'y', 3]]]);
    expect(checkRwRegister(h, { consistencyModels: ['serializable'] }).valid).toBe(true);
    expect(anomalyTypes(checkRwRegister(h, { consistencyModels: ['serializable'], wfrKeys: true }))).toEqual(['G-single-item']);
  });
});
