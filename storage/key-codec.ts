/**
 * A memcomparable key codec: a list of typed parts encodes to bytes whose unsigned byte order
 * (memcmp) is the SQL order of the parts, compared left to right.
 *
 * Layout of one part: a tag byte, then a self-delimiting body, so that the encoding of a list
 * is a byte prefix of the encoding of any longer list that extends it (a shorter key sorts
 * first, and a prefix scan finds every extension).
 *
 * | kind    | tags          | body                                                            |
 * | ------- | ------------- | --------------------------------------------------------------- |
 * | null    | 0x05          | none                                                            |
 * | int     | 0x07 … 0x18   | 0x10 is zero; 0x10+n: n big-endian bytes of a positive value;   |
 * |         |               | 0x0f-n: n complemented bytes of (-v-1) for a negative value     |
 * | float   | 0x20          | 8 bytes: IEEE bits, sign flipped (positive) or all inverted     |
 * | decimal | 0x30/31/32    | negative / zero / positive; exponent byte, then base-100 digit  |
 * |         |               | pairs (1…100) and a 0x00 terminator (all inverted if negative)   |
 * | bytes   | 0x40          | 0x00 escaped as 0x00 0xff, terminated by 0x00 0x01              |
 *
 * Kind order is null < int < float < decimal < bytes; a column holds one kind, so the kind
 * order only matters between columns of mixed type, where it is simply fixed.
 */
import { assert, assertNever } from '../src/base/assert.js';

/** One typed component of a key. */
export type KeyPart =
  | { readonly kind: 'null' }
  /** Any value in [-2^63, 2^64-1]: signed and unsigned BIGINT share one order. */
  | { readonly kind: 'int'; readonly value: bigint }
  /** An IEEE double; -0 encodes as 0; NaN is not allowed. */
  | { readonly kind: 'float'; readonly value: number }
  /** Exact decimal text such as '-123.4500'; '1.50' and '1.5' encode equal. */
  | { readonly kind: 'decimal'; readonly value: string }
  /** Raw bytes; strings arrive here as UTF-8, already collation-folded by the caller. */
  | { readonly kind: 'bytes'; readonly value: Uint8Array };

const TAG_NULL = 0x05;
const TAG_INT_ZERO = 0x10;
const TAG_FLOAT = 0x20;
const TAG_DEC_NEG = 0x30;
const TAG_DEC_ZERO = 0x31;
const TAG_DEC_POS = 0x32;
const TAG_BYTES = 0x40;

const INT_MIN = -(1n << 63n);
const INT_MAX = (1n << 64n) - 1n;
/** Largest decimal exponent magnitude and digit count accepted (MySQL allows 65 digits). */
const DECIMAL_EXPONENT_MAX = 127;
const DECIMAL_DIGITS_MAX = 130;

/** Encodes `parts` so that memcmp order of the results is the SQL order of the lists. */
export function encodeKey(parts: readonly KeyPart[]): Uint8Array {
  const out = new ByteWriter();
  for (const part of parts) encodePart(out, part);
  return out.finish();
}

/** Decodes a key made by `encodeKey`; decimals come back normalized. */
export function decodeKey(key: Uint8Array): KeyPart[] {
  const reader = { bytes: key, pos: 0 };
  const parts: KeyPart[] = [];
  while (reader.pos < key.length) parts.push(decodePart(reader));
  assert(reader.pos === key.length, 'key codec: trailing bytes');
  return parts;
}

/**
 * The smallest key greater than every key that starts with `prefix` (the exclusive end of a
 * prefix scan). When no such key exists (an empty prefix, or one of only 0xff bytes) it
 * returns an empty array: treat that as "to the end of the keyspace".
 */
export function prefixEnd(prefix: Uint8Array): Uint8Array {
  for (let i = prefix.length - 1; i >= 0; i--) {
    const b = prefix[i]!;
    if (b !== 0xff) {
      const end = prefix.slice(0, i + 1);
      end[i] = b + 1;
      return end;
    }
  }
  return new Uint8Array(0);
}

/** Unsigned lexicographic comparison (memcmp, shorter first on a tie): -1, 0 or 1. */
/** The bytes of a key as hex: a Map key that is equal exactly when the bytes are (no copy of the key). */
export function keyHex(key: Uint8Array): string {
  return Buffer.from(key.buffer, key.byteOffset, key.byteLength).toString('hex');
}

export function compareBytes(a: Uint8Array, b: Uint8Array): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    const d = a[i]! - b[i]!;
    if (d !== 0) return d < 0 ? -1 : 1;
  }
  return a.length === b.length ? 0 : a.length < b.length ? -1 : 1;
}

function encodePart(out: ByteWriter, part: KeyPart): void {
  switch (part.kind) {
    case 'null':
      out.push(TAG_NULL);
      return;
    case 'int':
      encodeInt(out, part.value);
      return;
    case 'float':
      encodeFloat(out, part.value);
      return;
    case 'decimal':
      encodeDecimal(out, part.value);
      return;
    case 'bytes':
      encodeBytes(out, part.value);
      return;
    default:
      assertNever(part, 'key part');
  }
}

interface Reader {
  readonly bytes: Uint8Array;
  pos: number;
}

function decodePart(r: Reader): KeyPart {
  const tag = r.bytes[r.pos++]!;
  if (tag === TAG_NULL) return { kind: 'null' };
  if (tag >= TAG_INT_ZERO - 9 && tag <= TAG_INT_ZERO + 8) return { kind: 'int', value: decodeInt(r, tag) };
  if (tag === TAG_FLOAT) return { kind: 'float', value: decodeFloat(r) };
  if (tag === TAG_DEC_NEG || tag === TAG_DEC_ZERO || tag === TAG_DEC_POS) {
    return { kind: 'decimal', value: decodeDecimal(r, tag) };
  }
  if (tag === TAG_BYTES) return { kind: 'bytes', value: decodeBytes(r) };
  throw new RangeError(`key codec: unknown tag 0x${tag.toString(16)} at ${r.pos - 1}`);
}

// ---- int ----

function byteLength(v: bigint): number {
  let n = 0;
  while (v > 0n) {
    v >>= 8n;
    n++;
  }
  return n;
}

function encodeInt(out: ByteWriter, v: bigint): void {
  assert(v >= INT_MIN && v <= INT_MAX, `key codec: int out of range: ${v}`);
  if (v >= 0n) {
    const n = byteLength(v);
    out.push(TAG_INT_ZERO + n);
    pushBigEndian(out, v, n, false);
  } else {
    // -1 → magnitude 0 (tag 0x0f, no bytes); more negative values get longer, lower tags.
    const magnitude = -v - 1n;
    const n = byteLength(magnitude);
    out.push(TAG_INT_ZERO - 1 - n);
    pushBigEndian(out, magnitude, n, true);
  }
}

function pushBigEndian(out: ByteWriter, v: bigint, n: number, invert: boolean): void {
  for (let i = n - 1; i >= 0; i--) {
    const b = Number((v >> BigInt(8 * i)) & 0xffn);
    out.push(invert ? 0xff - b : b);
  }
}

function decodeInt(r: Reader, tag: number): bigint {
  const negative = tag < TAG_INT_ZERO;
  const n = negative ? TAG_INT_ZERO - 1 - tag : tag - TAG_INT_ZERO;
  assert(r.pos + n <= r.bytes.length, 'key codec: truncated int');
  let v = 0n;
  for (let i = 0; i < n; i++) {
    const b = r.bytes[r.pos++]!;
    v = (v << 8n) | BigInt(negative ? 0xff - b : b);
  }
  return negative ? -v - 1n : v;
}

// ---- float ----

const floatView = new DataView(new ArrayBuffer(8));

function encodeFloat(out: ByteWriter, value: number): void {
  assert(!Number.isNaN(value), 'key codec: NaN is not a key');
  floatView.setFloat64(0, value === 0 ? 0 : value);
  const negative = (floatView.getUint8(0) & 0x80) !== 0;
  out.push(TAG_FLOAT);
  for (let i = 0; i < 8; i++) {
    const b = floatView.getUint8(i);
    out.push(negative ? 0xff - b : i === 0 ? b ^ 0x80 : b);
  }
}

function decodeFloat(r: Reader): number {
  assert(r.pos + 8 <= r.bytes.length, 'key codec: truncated float');
  const negative = (r.bytes[r.pos]! & 0x80) === 0;
  for (let i = 0; i < 8; i++) {
    const b = r.bytes[r.pos++]!;
    floatView.setUint8(i, negative ? 0xff - b : i === 0 ? b ^ 0x80 : b);
  }
  return floatView.getFloat64(0);
}

// ---- decimal ----

/** A decimal as 0.d1d2…dn × 10^exponent with d1 ≠ 0 and dn ≠ 0 (or zero). */
interface NormalDecimal {
  readonly negative: boolean;
  readonly digits: string;
  readonly exponent: number;
}

const DECIMAL_TEXT = /^([+-]?)(\d*)(?:\.(\d*))?$/;

function normalizeDecimal(text: string): NormalDecimal {
  const m = DECIMAL_TEXT.exec(text);
  assert(m !== null && (m[2]!.length > 0 || (m[3] ?? '').length > 0), `key codec: bad decimal '${text}'`);
  const intPart = m[2]!.replace(/^0+/, '');
  const fracPart = (m[3] ?? '').replace(/0+$/, '');
  let digits = intPart + fracPart;
  let exponent = intPart.length;
  if (intPart.length === 0) {
    const lead = /^0*/.exec(fracPart)![0].length;
    digits = fracPart.slice(lead);
    exponent = -lead;
  }
  digits = digits.replace(/0+$/, '');
  if (digits.length === 0) return { negative: false, digits: '', exponent: 0 };
  assert(Math.abs(exponent) <= DECIMAL_EXPONENT_MAX, `key codec: decimal exponent out of range '${text}'`);
  assert(digits.length <= DECIMAL_DIGITS_MAX, `key codec: decimal too long '${text}'`);
  return { negative: m[1] === '-', digits, exponent };
}

function encodeDecimal(out: ByteWriter, text: string): void {
  const d = normalizeDecimal(text);
  if (d.digits.length === 0) {
    out.push(TAG_DEC_ZERO);
    return;
  }
  const flip = (b: number): number => (d.negative ? 0xff - b : b);
  out.push(d.negative ? TAG_DEC_NEG : TAG_DEC_POS);
  out.push(flip(d.exponent + 128));
  for (let i = 0; i < d.digits.length; i += 2) {
    const hi = d.digits.charCodeAt(i) - 48;
    const lo = i + 1 < d.digits.length ? d.digits.charCodeAt(i + 1) - 48 : 0;
    out.push(flip(hi * 10 + lo + 1));
  }
  out.push(flip(0));
}

function decodeDecimal(r: Reader, tag: number): string {
  if (tag === TAG_DEC_ZERO) return '0';
  const negative = tag === TAG_DEC_NEG;
  const unflip = (b: number): number => (negative ? 0xff - b : b);
  const exponent = unflip(r.bytes[r.pos++]!) - 128;
  let digits = '';
  for (;;) {
    assert(r.pos < r.bytes.length, 'key codec: truncated decimal');
    const b = unflip(r.bytes[r.pos++]!);
    if (b === 0) break;
    assert(b <= 100, 'key codec: bad decimal digit pair');
    digits += String(b - 1).padStart(2, '0');
  }
  digits = digits.replace(/0+$/, '');
  return (negative ? '-' : '') + placePoint(digits, exponent);
}

/** Renders 0.digits × 10^exponent as plain decimal text. */
function placePoint(digits: string, exponent: number): string {
  if (exponent <= 0) return '0.' + '0'.repeat(-exponent) + digits;
  if (exponent >= digits.length) return digits + '0'.repeat(exponent - digits.length);
  return digits.slice(0, exponent) + '.' + digits.slice(exponent);
}

// ---- bytes ----

function encodeBytes(out: ByteWriter, value: Uint8Array): void {
  out.push(TAG_BYTES);
  for (let i = 0; i < value.length; i++) {
    const b = value[i]!;
    out.push(b);
    if (b === 0) out.push(0xff);
  }
  out.push(0x00);
  out.push(0x01);
}

function decodeBytes(r: Reader): Uint8Array {
  const out = new ByteWriter();
  for (;;) {
    assert(r.pos + 1 < r.bytes.length, 'key codec: truncated bytes');
    const b = r.bytes[r.pos++]!;
    if (b !== 0) {
      out.push(b);
      continue;
    }
    const next = r.bytes[r.pos++]!;
    if (next === 0x01) return out.finish();
    assert(next === 0xff, 'key codec: bad bytes escape');
    out.push(0);
  }
}

/** A growable byte buffer. */
class ByteWriter {
  private buf = new Uint8Array(32);
  private len = 0;
  push(b: number): void {
    if (this.len === this.buf.length) {
      const bigger = new Uint8Array(this.buf.length * 2);
      bigger.set(this.buf);
      this.buf = bigger;
    }
    this.buf[this.len++] = b;
  }
  finish(): Uint8Array {
    return this.buf.slice(0, this.len);
  }
}
