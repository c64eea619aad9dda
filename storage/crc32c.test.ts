// Proves the hand-written CRC32C against published check values (RFC 3720 B.4 and the
// "123456789" check) and that chaining over split input equals one pass.
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { crc32c } from './crc32c.js';

describe('crc32c', () => {
  it('matches the published check values', () => {
    expect(crc32c(new TextEncoder().encode('123456789'))).toBe(0xe3069283);
    expect(crc32c(new Uint8Array(32))).toBe(0x8a9136aa);
    expect(crc32c(new Uint8Array(32).fill(0xff))).toBe(0x62a8ab43);
    expect(crc32c(Uint8Array.from({ length: 32 }, (_, i) => i))).toBe(0x46dd794e);
    expect(crc32c(new Uint8Array(0))).toBe(0);
  });

  it('chains over split input', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 64 }), fc.uint8Array({ maxLength: 64 }), (a, b) => {
        const joined = new Uint8Array(a.length + b.length);
        joined.set(a);
        joined.set(b, a.length);
        expect(crc32c(b, crc32c(a))).toBe(crc32c(joined));
        expect(crc32c(joined, 0, a.length)).toBe(crc32c(b));
        expect(crc32c(joined, 0, 0, a.length)).toBe(crc32c(a));
      }),
    );
  });
});
