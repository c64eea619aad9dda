// Proves the key codec with fast-check: byte order of encodings equals a model's SQL order of
// the parts lists (ints to 2^64-1, 65-digit decimals, doubles, bytes with zeros), prefixes sort
// first, and decoding returns exactly what was encoded (decimals normalized).
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { compareBytes, decodeKey, encodeKey, prefixEnd, type KeyPart } from './key-codec.js';

const kindOrder = { null: 0, int: 1, float: 2, decimal: 3, bytes: 4 } as const;

/** Exact decimal comparison by scaling both sides to one bigint scale. */
function compareDecimal(a: string, b: string): number {
  const scale = 140;
  const toBig = (s: string): bigint => {
    const neg = s.startsWith('-');
    const [i = '', f = ''] = s.replace(/^[+-]/, '').split('.');
    const v = BigInt((i || '0') + f.padEnd(scale, '0'));
    return neg ? -v : v;
  };
  const x = toBig(a);
  const y = toBig(b);
  return x < y ? -1 : x > y ? 1 : 0;
}

function comparePart(a: KeyPart, b: KeyPart): number {
  if (a.kind !== b.kind) return Math.sign(kindOrder[a.kind] - kindOrder[b.kind]);
  switch (a.kind) {
    case 'null':
      return 0;
    case 'int': {
      const y = (b as typeof a).value;
      return a.value < y ? -1 : a.value > y ? 1 : 0;
    }
    case 'float': {
      const y = (b as typeof a).value;
      return a.value < y ? -1 : a.value > y ? 1 : 0;
    }
    case 'decimal':
      return compareDecimal(a.value, (b as typeof a).value);
    case 'bytes':
      return compareBytes(a.value, (b as typeof a).value);
  }
}

function compareParts(a: readonly KeyPart[], b: readonly KeyPart[]): number {
  for (let i = 0; i < Math.min(a.length, b.length); i++) {
    const c = comparePart(a[i]!, b[i]!);
    if (c !== 0) return c;
  }
  return Math.sign(a.length - b.length);
}

const digitString = (min: number, max: number): fc.Arbitrary<string> =>
  fc.array(fc.constantFrom('0', '0', '1', '5', '9', '3'), { minLength: min, maxLength: max }).map((d) => d.join(''));

const decimalArb: fc.Arbitrary<string> = fc
  .tuple(fc.boolean(), digitString(1, 35), fc.option(digitString(0, 30)))
  .map(([neg, i, f]) => (neg ? '-' : '') + i + (f === null ? '' : '.' + f));

const partArb: fc.Arbitrary<KeyPart> = fc.oneof(
  fc.constant<KeyPart>({ kind: 'null' }),
  fc.bigInt({ min: -(1n << 63n), max: (1n << 64n) - 1n }).map((value): KeyPart => ({ kind: 'int', value })),
  fc.constantFrom(0n, -1n, 1n, 255n, 256n, -256n, -257n, (1n << 64n) - 1n, -(1n << 63n)).map((value): KeyPart => ({ kind: 'int', value })),
  fc.double({ noNaN: true }).map((value): KeyPart => ({ kind: 'float', value })),
  decimalArb.map((value): KeyPart => ({ kind: 'decimal', value })),
  fc.uint8Array({ maxLength: 8 }).map((value): KeyPart => ({ kind: 'bytes', value })),
  fc.array(fc.constantFrom(0, 1, 0xff), { maxLength: 4 }).map((a): KeyPart => ({ kind: 'bytes', value: Uint8Array.from(a) })),
);

/** What decodeKey should return for `p`: decimals normalized, -0 as 0. */
function normalized(p: KeyPart): KeyPart {
  if (p.kind === 'float') return { kind: 'float', value: p.value === 0 ? 0 : p.value };
  if (p.kind !== 'decimal') return p;
  return { kind: 'decimal', value: referenceNormalize(p.value) };
}

function referenceNormalize(s: string): string {
  const neg = s.startsWith('-');
  const [i = '', f = ''] = s.replace(/^[+-]/, '').split('.');
  const ii = i.replace(/^0+/, '') || '0';
  const ff = f.replace(/0+$/, '');
  const body = ff ? `${ii}.${ff}` : ii;
  return body === '0' ? '0' : (neg ? '-' : '') + body;
}

describe('key codec', () => {
  it('orders encodings as the model orders parts lists', () => {
    fc.assert(
      fc.property(fc.array(partArb, { maxLength: 4 }), fc.array(partArb, { maxLength: 4 }), (a, b) => {
        expect(compareBytes(encodeKey(a), encodeKey(b))).toBe(compareParts(a, b));
      }),
      { numRuns: 3000 },
    );
  });

  it('orders lists that share a prefix (same kinds, close values)', () => {
    const sameKind = fc.oneof(
      fc.array(decimalArb.map((value): KeyPart => ({ kind: 'decimal', value })), { maxLength: 3 }),
      fc.array(fc.uint8Array({ maxLength: 3 }).map((value): KeyPart => ({ kind: 'bytes', value })), { maxLength: 3 }),
      fc.array(fc.bigInt({ min: -300n, max: 300n }).map((value): KeyPart => ({ kind: 'int', value })), { maxLength: 3 }),
    );
    fc.assert(
      fc.property(sameKind, sameKind, (a, b) => {
        expect(compareBytes(encodeKey(a), encodeKey(b))).toBe(compareParts(a, b));
      }),
      { numRuns: 3000 },
    );
  });

  it('round-trips exactly', () => {
    fc.assert(
      fc.property(fc.array(partArb, { maxLength: 5 }), (parts) => {
        expect(decodeKey(encodeKey(parts))).toEqual(parts.map(normalized));
      }),
      { numRuns: 3000 },
    );
  });

  it('handles 65-digit decimals and the int extremes', () => {
    const big = '9'.repeat(65);
    const cases = [`-${big}`, '-1', '-0.' + '0'.repeat(29) + '1', '0', '0.' + '9'.repeat(30), '1', big];
    const keys = cases.map((value) => encodeKey([{ kind: 'decimal', value }]));
    for (let i = 1; i < keys.length; i++) expect(compareBytes(keys[i - 1]!, keys[i]!)).toBe(-1);
    for (const value of cases) expect(decodeKey(encodeKey([{ kind: 'decimal', value }]))).toEqual([{ kind: 'decimal', value }]);
    expect(decodeKey(encodeKey([{ kind: 'decimal', value: '001.500' }]))).toEqual([{ kind: 'decimal', value: '1.5' }]);
    expect(encodeKey([{ kind: 'decimal', value: '1.50' }])).toEqual(encodeKey([{ kind: 'decimal', value: '1.5' }]));
    const max = (1n << 64n) - 1n;
    const min = -(1n << 63n);
    expect(decodeKey(encodeKey([{ kind: 'int', value: max }, { kind: 'int', value: min }]))).toEqual([
      { kind: 'int', value: max },
      { kind: 'int', value: min },
    ]);
    expect(() => encodeKey([{ kind: 'int', value: max + 1n }])).toThrow();
    expect(() => encodeKey([{ kind: 'float', value: NaN }])).toThrow();
  });

  it('puts every extension of a prefix inside [prefix, prefixEnd(prefix))', () => {
    fc.assert(
      fc.property(fc.array(partArb, { minLength: 1, maxLength: 3 }), fc.array(partArb, { maxLength: 3 }), (p, rest) => {
        const prefix = encodeKey(p);
        const key = encodeKey([...p, ...rest]);
        const end = prefixEnd(prefix);
        expect(compareBytes(prefix, key)).toBeLessThanOrEqual(0);
        expect(compareBytes(key, end)).toBe(-1);
      }),
      { numRuns: 2000 },
    );
    expect(prefixEnd(Uint8Array.of(1, 0xff, 0xff))).toEqual(Uint8Array.of(2));
    expect(prefixEnd(Uint8Array.of(0xff))).toEqual(new Uint8Array(0));
  });
});
