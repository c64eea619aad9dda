/**
 * Runtime values and MySQL's conversions between them. A value describes itself by its JS
 * type: null, bigint (integers), number (FLOAT/DOUBLE), Decimal, string (text and temporal
 * values in canonical form), Uint8Array (binary strings).
 *
 * Comparison follows MySQL's rules: two ints compare as integers, exact numbers as decimals,
 * a number against a string as doubles, two strings under utf8mb4_general_ci (case- and
 * accent-insensitive, trailing spaces ignored).
 */
import { Decimal } from './decimal.js';

/** A runtime SQL value. */
export type Value = null | bigint | number | Decimal | string | Uint8Array;

/** How two values are compared; chosen from the operands' static types. */
export type CompareMode = 'int' | 'decimal' | 'double' | 'string' | 'binary' | 'temporal';

const numericPrefix = /^\s*[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?/;

/** MySQL's string → double: the longest numeric prefix, 0 when there is none. */
export function stringToDouble(s: string): number {
  const m = numericPrefix.exec(s);
  return m === null ? 0 : Number(m[0]);
}

/** MySQL's string → decimal: the longest numeric prefix, 0 when there is none. */
export function stringToDecimal(s: string): Decimal {
  const m = numericPrefix.exec(s);
  if (m === null) return Decimal.fromBigInt(0n);
  return Decimal.parse(m[0]) ?? Decimal.fromBigInt(0n);
}

/** True when the whole of `s` is a number (surrounding spaces allowed). */
export function isNumericString(s: string): boolean {
  const m = numericPrefix.exec(s);
  return m !== null && s.slice(m[0].length).trim() === '';
}

/** A non-null value as a double. */
export function toDouble(v: Exclude<Value, null>): number {
  if (typeof v === 'number') return v;
  if (typeof v === 'bigint') return Number(v);
  if (v instanceof Decimal) return v.toNumber();
  if (typeof v === 'string') return stringToDouble(v);
  return stringToDouble(new TextDecoder().decode(v));
}

/** A non-null value as an exact decimal (doubles through their shortest text). */
export function toDecimal(v: Exclude<Value, null>): Decimal {
  if (v instanceof Decimal) return v;
  if (typeof v === 'bigint') return Decimal.fromBigInt(v);
  if (typeof v === 'number') return Number.isFinite(v) ? Decimal.fromNumber(v) : Decimal.fromBigInt(0n);
  if (typeof v === 'string') return stringToDecimal(v);
  return stringToDecimal(new TextDecoder().decode(v));
}

/** A non-null value as an integer, rounding half away from zero (MySQL's CAST AS SIGNED for exact values). */
export function toBigInt(v: Exclude<Value, null>): bigint {
  if (typeof v === 'bigint') return v;
  if (v instanceof Decimal) return v.toBigInt();
  if (typeof v === 'number') return doubleToBigInt(v);
  if (typeof v === 'string') {
    const m = /^\s*[+-]?\d+/.exec(v);
    if (m !== null && !/^[.eE]/.test(v.slice(m[0].length))) return BigInt(m[0].trim());
    return doubleToBigInt(stringToDouble(v));
  }
  return toBigInt(new TextDecoder().decode(v));
}

function doubleToBigInt(n: number): bigint {
  if (!Number.isFinite(n)) return 0n;
  const r = n < 0 ? -Math.round(-n) : Math.round(n);
  return BigInt(r);
}

/** MySQL truthiness: NULL → null, otherwise nonzero as a number. */
export function truth(v: Value): boolean | null {
  if (v === null) return null;
  if (typeof v === 'bigint') return v !== 0n;
  if (typeof v === 'number') return v !== 0;
  if (v instanceof Decimal) return v.sign() !== 0;
  return toDouble(v) !== 0;
}

/** A boolean as MySQL's 1/0, null stays null. */
export function fromBool(b: boolean | null): Value {
  return b === null ? null : b ? 1n : 0n;
}

/**
 * The utf8mb4_general_ci sort key of a string: accents stripped, upper-cased, trailing spaces
 * dropped. Equal keys mean equal strings under the collation; index keys hold this form.
 */
export function collationKey(s: string): string {
  let out = s;
  if (/[^\x00-\x7f]/.test(out)) out = out.normalize('NFD').replace(/\p{M}/gu, '');
  return out.toUpperCase().replace(/ +$/, '');
}

/** Text form of a value (CONCAT, string contexts). */
export function toText(v: Exclude<Value, null>): string {
  if (typeof v === 'string') return v;
  if (typeof v === 'bigint') return v.toString();
  if (v instanceof Decimal) return v.toString();
  if (typeof v === 'number') return formatDouble(v);
  return new TextDecoder().decode(v);
}

/** MySQL's text of a double: shortest round-trip digits, exponent form for large or tiny magnitudes. */
export function formatDouble(n: number): string {
  if (Number.isNaN(n)) return 'NaN';
  if (!Number.isFinite(n)) return n > 0 ? 'inf' : '-inf';
  if (n === 0) return Object.is(n, -0) ? '-0' : '0';
  const abs = Math.abs(n);
  if (abs >= 1e15 || abs < 1e-15) {
    const [mant, exp] = n.toExponential().split('e');
    return `${mant}e${Number(exp)}`;
  }
  return String(n);
}

/** Compares two non-null values in `mode`: negative, zero or positive. */
export function compareValues(a: Exclude<Value, null>, b: Exclude<Value, null>, mode: CompareMode): number {
  switch (mode) {
    case 'int': {
      const x = typeof a === 'bigint' ? a : toBigInt(a);
      const y = typeof b === 'bigint' ? b : toBigInt(b);
      return x < y ? -1 : x > y ? 1 : 0;
    }
    case 'decimal':
      if (typeof a === 'bigint' && typeof b === 'bigint') return a < b ? -1 : a > b ? 1 : 0;
      return toDecimal(a).compare(toDecimal(b));
    case 'double': {
      const x = toDouble(a);
      const y = toDouble(b);
      return x < y ? -1 : x > y ? 1 : 0;
    }
    case 'string': {
      const x = collationKey(toText(a));
      const y = collationKey(toText(b));
      return x < y ? -1 : x > y ? 1 : 0;
    }
    case 'temporal': {
      const x = toText(a);
      const y = toText(b);
      return x < y ? -1 : x > y ? 1 : 0;
    }
    case 'binary':
      return compareBinary(toBytes(a), toBytes(b));
  }
}

/** A value as bytes (UTF-8 for text). */
export function toBytes(v: Exclude<Value, null>): Uint8Array {
  return v instanceof Uint8Array ? v : new TextEncoder().encode(toText(v));
}

function compareBinary(a: Uint8Array, b: Uint8Array): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) if (a[i] !== b[i]) return a[i]! - b[i]!;
  return a.length - b.length;
}

/**
 * A string that is equal for two values exactly when they are equal in `mode`; used for
 * GROUP BY, DISTINCT and set operations.
 */
export function groupKey(v: Value, mode: CompareMode): string {
  if (v === null) return 'N';
  switch (mode) {
    case 'int':
      return 'i' + toBigInt(v).toString();
    case 'decimal': {
      const d = toDecimal(v);
      // Normalize 1.50 and 1.5 to one key.
      let text = d.toString();
      if (text.includes('.')) text = text.replace(/0+$/, '').replace(/\.$/, '');
      return 'd' + (text === '-0' ? '0' : text);
    }
    case 'double':
      return 'f' + String(toDouble(v) + 0);
    case 'string':
      return 's' + collationKey(toText(v));
    case 'temporal':
      return 't' + toText(v);
    case 'binary':
      return 'b' + Array.from(toBytes(v)).join(',');
  }
}
