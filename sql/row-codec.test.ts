/** Proves decodeRow(encodeRow(row)) returns the same values, for arbitrary rows (fast-check). */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { Decimal } from './decimal.js';
import { decodeRow, encodeRow } from './row-codec.js';
import type { Value } from './values.js';

const valueArb: fc.Arbitrary<Value> = fc.oneof(
  fc.constant(null),
  fc.bigInt({ min: -(2n ** 63n), max: 2n ** 64n - 1n }),
  fc.double({ noNaN: true }),
  fc.record({ u: fc.bigInt({ min: -(10n ** 40n), max: 10n ** 40n }), s: fc.integer({ min: 0, max: 30 }) }).map(({ u, s }) => new Decimal(u, s)),
  fc.string({ unit: 'grapheme' }),
  fc.uint8Array({ maxLength: 40 }),
);

describe('row codec', () => {
  it('round-trips every value kind', () => {
    fc.assert(fc.property(fc.array(valueArb, { maxLength: 12 }), (row) => {
      const back = decodeRow(encodeRow(row));
      expect(back.length).toBe(row.length);
      back.forEach((v, i) => {
        const w = row[i]!;
        if (w instanceof Decimal) {
          expect(v).toBeInstanceOf(Decimal);
          expect((v as Decimal).unscaled).toBe(w.unscaled);
          expect((v as Decimal).scale).toBe(w.scale);
        } else if (typeof w === 'number') expect(Object.is(v, w) || v === w).toBe(true);
        else expect(v).toEqual(w);
      });
    }));
  });

  it('rejects corrupt input with an assertion', () => {
    const bytes = encodeRow([1n, 'abc']);
    expect(() => decodeRow(bytes.subarray(0, bytes.length - 1))).toThrow();
    expect(() => decodeRow(new Uint8Array([9]))).toThrow();
  });
});
