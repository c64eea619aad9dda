/**
 * Proves Decimal arithmetic exact against a rational model over bigint (fast-check), and
 * MySQL's result scales and half-away-from-zero rounding on known cases.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { Decimal, divRoundHalfAway } from './decimal.js';

const decimalArb = fc.record({ unscaled: fc.bigInt({ min: -(10n ** 30n), max: 10n ** 30n }), scale: fc.integer({ min: 0, max: 12 }) }).map(({ unscaled, scale }) => new Decimal(unscaled, scale));

/** The model: a fraction num / 10^scale compared by cross-multiplication. */
const asFraction = (d: Decimal): [bigint, bigint] => [d.unscaled, 10n ** BigInt(d.scale)];
const equalsFraction = (d: Decimal, [n, q]: [bigint, bigint]): boolean => d.unscaled * q === n * 10n ** BigInt(d.scale);

describe('Decimal', () => {
  it('adds, subtracts and multiplies exactly with MySQL result scales', () => {
    fc.assert(fc.property(decimalArb, decimalArb, (a, b) => {
      const [an, aq] = asFraction(a);
      const [bn, bq] = asFraction(b);
      const sum = a.add(b);
      const diff = a.sub(b);
      const prod = a.mul(b);
      expect(sum.scale).toBe(Math.max(a.scale, b.scale));
      expect(prod.scale).toBe(a.scale + b.scale);
      expect(equalsFraction(sum, [an * bq + bn * aq, aq * bq])).toBe(true);
      expect(equalsFraction(diff, [an * bq - bn * aq, aq * bq])).toBe(true);
      expect(equalsFraction(prod, [an * bn, aq * bq])).toBe(true);
    }));
  });

  it('divides to scale s1 + 4, rounding half away from zero', () => {
    fc.assert(fc.property(decimalArb, decimalArb, (a, b) => {
      fc.pre(b.unscaled !== 0n);
      const q = a.div(b)!;
      expect(q.scale).toBe(Math.min(a.scale + 4, 30));
      // Model: exact quotient scaled by 10^scale, rounded half away from zero.
      const [an, aq] = asFraction(a);
      const [bn, bq] = asFraction(b);
      const num = an * bq * 10n ** BigInt(q.scale);
      const den = aq * bn;
      expect(q.unscaled).toBe(divRoundHalfAway(num, den));
      // The rounding error is at most half a unit in the last place.
      const err = q.unscaled * den - num;
      expect((err < 0n ? -err : err) * 2n <= (den < 0n ? -den : den)).toBe(true);
    }));
  });

  it('compares like the model and round-trips through text', () => {
    fc.assert(fc.property(decimalArb, decimalArb, (a, b) => {
      const [an, aq] = asFraction(a);
      const [bn, bq] = asFraction(b);
      const model = an * bq < bn * aq ? -1 : an * bq > bn * aq ? 1 : 0;
      expect(a.compare(b)).toBe(model);
      const back = Decimal.parse(a.toString())!;
      expect(back.unscaled).toBe(a.unscaled);
      expect(back.scale).toBe(a.scale);
    }));
  });

  it('matches MySQL on known results', () => {
    const d = (s: string): Decimal => Decimal.parse(s)!;
    expect(d('100.10').add(d('0.20')).toString()).toBe('100.30');
    expect(d('1').div(d('3'))!.toString()).toBe('0.3333');
    expect(d('2').div(d('3'))!.toString()).toBe('0.6667');
    expect(d('-2').div(d('3'))!.toString()).toBe('-0.6667');
    expect(d('1.5').rescale(0).toString()).toBe('2');
    expect(d('-1.5').rescale(0).toString()).toBe('-2');
    expect(d('2.45').rescale(1).toString()).toBe('2.5');
    expect(d('0.1').mul(d('0.2')).toString()).toBe('0.02');
    expect(d('7').mod(d('-3'))!.toString()).toBe('1');
    expect(d('-7').intDiv(d('2'))).toBe(-3n);
    expect(d('1e3').toString()).toBe('1000');
    expect(d('1.5E-2').toString()).toBe('0.015');
    expect(d('1').div(d('0'))).toBeUndefined();
    expect(d('-0.5').floor()).toBe(-1n);
    expect(d('-0.5').ceil()).toBe(0n);
    expect(Decimal.parse('abc')).toBeUndefined();
  });
});
