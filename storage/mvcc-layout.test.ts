/**
 * Proves that a stored value sealed in place (`sealStoredValue`, the Raft append hot path)
 * is byte for byte what `encodeStoredValue` produces and passes `decodeStoredValue`, and that
 * a changed byte of the key or the value is caught.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { decodeStoredValue, encodeStoredValue, sealStoredValue, STORED_VALUE_HEADER_BYTES, ValueKind } from './mvcc-layout.js';

describe('stored value format', () => {
  it('sealing in place equals encoding, and decodes back', () => {
    fc.assert(
      fc.property(fc.uint8Array({ minLength: 1, maxLength: 40 }), fc.uint8Array({ maxLength: 300 }), fc.nat(7), (key, payload, gap) => {
        const bytes = new Uint8Array(key.length + gap + STORED_VALUE_HEADER_BYTES + payload.length);
        bytes.set(key);
        const valueAt = key.length + gap;
        bytes.set(payload, valueAt + STORED_VALUE_HEADER_BYTES);
        sealStoredValue(bytes, { at: 0, end: key.length }, valueAt, bytes.length, ValueKind.LogEntry);
        const sealed = bytes.subarray(valueAt);
        expect([...sealed]).toEqual([...encodeStoredValue(key, ValueKind.LogEntry, payload)]);
        const decoded = decodeStoredValue(key, sealed, 'test');
        expect(decoded.kind).toBe(ValueKind.LogEntry);
        expect([...decoded.payload]).toEqual([...payload]);
      }),
      { numRuns: 200, seed: 7 },
    );
  });

  it('detects a flipped bit in the key or the value', () => {
    const key = Uint8Array.of(0x65, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 9);
    const stored = encodeStoredValue(key, ValueKind.LogEntry, Uint8Array.of(1, 2, 3));
    const badKey = key.slice();
    badKey[12] ^= 1;
    expect(() => decodeStoredValue(badKey, stored, 'test')).toThrow(/crc32c/);
    const badValue = stored.slice();
    badValue[6] ^= 0x10;
    expect(() => decodeStoredValue(key, badValue, 'test')).toThrow(/crc32c/);
  });
});
