/**
 * Proves FLOAT/DOUBLE values are written as MySQL writes them: the shortest text that reads
 * back to the same double, plain notation for decimal exponents -15 < e < 15 and scientific
 * ('1e15', '1e-16', no '+') outside, FLOAT with at most 6 significant digits. The expected
 * strings follow MySQL's my_gcvt; e.g. MySQL prints 1e-15 as 0.000000000000001 and 1e-16 as
 * 1e-16.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { formatDouble, formatFloat } from './double-text.js';

describe('formatDouble', () => {
  it.each([
    [0.1, '0.1'],
    [3, '3'],
    [-2.5, '-2.5'],
    [0, '0'],
    [-0, '-0'],
    [1e21, '1e21'],
    [1e15, '1e15'],
    [1e14, '100000000000000'],
    [1.2e15, '1200000000000000'],
    [123456789012345680, '123456789012345680'],
    [1e16, '1e16'],
    [1e-15, '0.000000000000001'],
    [1e-16, '1e-16'],
    [1.5e-7, '0.00000015'],
    [2.5e-300, '2.5e-300'],
    [1.7976931348623157e308, '1.7976931348623157e308'],
    [5e-324, '5e-324'],
    [0.30000000000000004, '0.30000000000000004'],
    [-1234.5678, '-1234.5678'],
    [Infinity, 'inf'],
  ])('formats %s as %s', (value, text) => {
    expect(formatDouble(value)).toBe(text);
  });

  it('reads back to the same double, with no more digits than JavaScript needs', () => {
    fc.assert(
      fc.property(fc.double({ noNaN: true, noDefaultInfinity: true }), (value) => {
        const text = formatDouble(value);
        expect(Object.is(Number(text), value)).toBe(true);
        const digits = (s: string): number => s.replace(/^-/, '').split('e')[0]!.replace('.', '').replace(/^0+/, '').replace(/0+$/, '').length;
        expect(digits(text)).toBeLessThanOrEqual(Math.max(1, digits(Math.abs(value).toExponential())));
      }),
      { numRuns: 2000 },
    );
  });
});

describe('formatFloat', () => {
  it.each([
    [1.5, '1.5'],
    [0.1, '0.1'],
    [3.1415927, '3.14159'],
    [16777217, '16777200'],
    [1e20, '1e20'],
    [-0.000123, '-0.000123'],
  ])('formats %s as %s', (value, text) => {
    expect(formatFloat(value)).toBe(text);
  });

  it('stays within 6 significant digits of the single-precision value', () => {
    // Normal single-precision values (subnormals carry fewer than 6 significant digits).
    const normal = fc.float({ noNaN: true, noDefaultInfinity: true, min: Math.fround(-3e38), max: Math.fround(3e38) }).filter((v) => v === 0 || Math.abs(v) >= 1.1754944e-38);
    fc.assert(
      fc.property(normal, (value) => {
        const single = Math.fround(value);
        const back = Number(formatFloat(value));
        expect(Math.abs(back - single)).toBeLessThanOrEqual(Math.abs(single) * 5e-6);
      }),
      { numRuns: 2000 },
    );
  });
});
