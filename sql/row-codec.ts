/**
 * The stored form of a row: a version byte, a column count, then per column a tag byte and a
 * self-delimiting body. Values keep their exact runtime form (DECIMAL as unscaled integer and
 * scale, strings as UTF-8 with their original case), so decode(encode(row)) equals row.
 *
 *   0 null | 1 int: zigzag varint | 2 double: 8 bytes LE | 3 decimal: scale byte, zigzag varint
 *   4 string: varint length, UTF-8 | 5 bytes: varint length, raw
 */
import { assert } from '../src/base/assert.js';
import { Decimal } from './decimal.js';
import type { Value } from './values.js';

const VERSION = 1;
const enum Tag { Null = 0, Int = 1, Double = 2, Decimal = 3, String = 4, Bytes = 5 }

class Writer {
  private buf = new Uint8Array(64);
  length = 0;
  private ensure(n: number): void {
    if (this.length + n <= this.buf.length) return;
    let size = this.buf.length * 2;
    while (size < this.length + n) size *= 2;
    const next = new Uint8Array(size);
    next.set(this.buf.subarray(0, this.length));
    this.buf = next;
  }
  byte(b: number): void {
    this.ensure(1);
    this.buf[this.length++] = b;
  }
  varint(n: bigint): void {
    assert(n >= 0n, 'varint is unsigned');
    let v = n;
    while (v >= 0x80n) {
      this.byte(Number(v & 0x7fn) | 0x80);
      v >>= 7n;
    }
    this.byte(Number(v));
  }
  bytes(b: Uint8Array): void {
    this.ensure(b.length);
    this.buf.set(b, this.length);
    this.length += b.length;
  }
  result(): Uint8Array {
    return this.buf.slice(0, this.length);
  }
}

const zigzag = (n: bigint): bigint => (n >= 0n ? n * 2n : -n * 2n - 1n);
const unzigzag = (n: bigint): bigint => (n % 2n === 0n ? n / 2n : -(n + 1n) / 2n);
const encoder = new TextEncoder();
const decoder = new TextDecoder();

/** Encodes a row's values. */
export function encodeRow(values: readonly Value[]): Uint8Array {
  const w = new Writer();
  w.byte(VERSION);
  w.varint(BigInt(values.length));
  for (const v of values) {
    if (v === null) w.byte(Tag.Null);
    else if (typeof v === 'bigint') {
      w.byte(Tag.Int);
      w.varint(zigzag(v));
    } else if (typeof v === 'number') {
      w.byte(Tag.Double);
      const b = new Uint8Array(8);
      new DataView(b.buffer).setFloat64(0, v, true);
      w.bytes(b);
    } else if (v instanceof Decimal) {
      w.byte(Tag.Decimal);
      w.byte(v.scale);
      w.varint(zigzag(v.unscaled));
    } else if (typeof v === 'string') {
      w.byte(Tag.String);
      const b = encoder.encode(v);
      w.varint(BigInt(b.length));
      w.bytes(b);
    } else {
      w.byte(Tag.Bytes);
      w.varint(BigInt(v.length));
      w.bytes(v);
    }
  }
  return w.result();
}

/** Decodes a row; asserts on corrupt input (a stored row is trusted data). */
export function decodeRow(bytes: Uint8Array): Value[] {
  let pos = 0;
  const byte = (): number => {
    assert(pos < bytes.length, 'row truncated');
    return bytes[pos++]!;
  };
  const varint = (): bigint => {
    let result = 0n;
    let shift = 0n;
    for (;;) {
      const b = byte();
      result |= BigInt(b & 0x7f) << shift;
      if ((b & 0x80) === 0) return result;
      shift += 7n;
    }
  };
  const take = (n: number): Uint8Array => {
    assert(pos + n <= bytes.length, 'row truncated');
    const out = bytes.subarray(pos, pos + n);
    pos += n;
    return out;
  };
  assert(byte() === VERSION, 'unknown row version');
  const count = Number(varint());
  const out: Value[] = [];
  for (let i = 0; i < count; i++) {
    const tag = byte();
    switch (tag) {
      case Tag.Null: out.push(null); break;
      case Tag.Int: out.push(unzigzag(varint())); break;
      case Tag.Double: {
        const b = take(8);
        out.push(new DataView(b.buffer, b.byteOffset, 8).getFloat64(0, true));
        break;
      }
      case Tag.Decimal: {
        const scale = byte();
        out.push(new Decimal(unzigzag(varint()), scale));
        break;
      }
      case Tag.String: out.push(decoder.decode(take(Number(varint())))); break;
      case Tag.Bytes: out.push(take(Number(varint())).slice()); break;
      default: assert(false, `unknown row tag ${tag}`);
    }
  }
  assert(pos === bytes.length, 'trailing bytes after row');
  return out;
}
