/**
 * Exact DECIMAL arithmetic over bigint, with MySQL's result scales and rounding. A value is an
 * unscaled integer and a scale: `unscaled / 10^scale`. Never goes through a JS float.
 *
 * MySQL's rules (Item_func_plus/minus/mul/div): `+`/`-` keep max(s1, s2) digits, `*` keeps
 * s1 + s2, `/` keeps s1 + div_precision_increment (4) rounded half away from zero; every scale
 * is capped at 30 (DECIMAL_MAX_SCALE).
 */
import { assert } from '../src/base/assert.js';
import { limits } from '../src/base/limits.js';

/** MySQL's div_precision_increment default. */
export const divPrecisionIncrement = 4;

/** An exact decimal number. Invariant: 0 <= scale <= decimalScaleMax. */
export class Decimal {
  /** The value times 10^scale. */
  readonly unscaled: bigint;
  /** Digits after the point. */
  readonly scale: number;

  constructor(unscaled: bigint, scale: number) {
    assert(Number.isInteger(scale) && scale >= 0 && scale <= 60, `bad decimal scale ${scale}`);
    this.unscaled = unscaled;
    this.scale = scale;
  }

  /** A decimal equal to integer `n`. */
  static fromBigInt(n: bigint): Decimal {
    return new Decimal(n, 0);
  }

  /**
   * Parses decimal text such as '-12.340', '.5', '1e3', '1.5E-2'. Returns undefined when `text`
   * is not a number.
   */
  static parse(text: string): Decimal | undefined {
    const m = /^\s*([+-])?(\d*)(?:\.(\d*))?(?:[eE]([+-]?\d+))?\s*$/.exec(text);
    if (m === null) return undefined;
    const intPart = m[2] ?? '';
    const fracPart = m[3] ?? '';
    if (intPart === '' && fracPart === '') return undefined;
    let unscaled = BigInt((intPart === '' ? '0' : intPart) + fracPart);
    let scale = fracPart.length;
    const exp = m[4] === undefined ? 0 : Number(m[4]);
    if (exp >= 0) {
      const shift = Math.min(exp, scale);
      scale -= shift;
      unscaled *= 10n ** BigInt(exp - shift);
    } else {
      scale -= exp;
    }
    if (m[1] === '-') unscaled = -unscaled;
    return scale > limits.decimalScaleMax ? roundScaled(unscaled, scale, limits.decimalScaleMax) : new Decimal(unscaled, scale);
  }

  /** A decimal from a finite double, via its shortest round-trip text (as MySQL converts). */
  static fromNumber(n: number): Decimal {
    assert(Number.isFinite(n), 'decimal from non-finite number');
    const parsed = Decimal.parse(String(n));
    assert(parsed !== undefined, 'number text is a decimal');
    return parsed;
  }

  /** -1, 0 or 1. */
  sign(): number {
    return this.unscaled === 0n ? 0 : this.unscaled < 0n ? -1 : 1;
  }

  /** This value at scale `scale`, rounded half away from zero when digits are dropped. */
  rescale(scale: number): Decimal {
    if (scale === this.scale) return this;
    if (scale > this.scale) return new Decimal(this.unscaled * 10n ** BigInt(scale - this.scale), scale);
    return roundScaled(this.unscaled, this.scale, scale);
  }

  /** This value at scale `scale`, dropping digits toward zero. */
  truncate(scale: number): Decimal {
    if (scale >= this.scale) return this.rescale(scale);
    return new Decimal(this.unscaled / 10n ** BigInt(this.scale - scale), scale);
  }

  add(other: Decimal): Decimal {
    const s = Math.max(this.scale, other.scale);
    return new Decimal(this.rescale(s).unscaled + other.rescale(s).unscaled, s);
  }

  sub(other: Decimal): Decimal {
    const s = Math.max(this.scale, other.scale);
    return new Decimal(this.rescale(s).unscaled - other.rescale(s).unscaled, s);
  }

  mul(other: Decimal): Decimal {
    const s = this.scale + other.scale;
    const exact = new Decimal(this.unscaled * other.unscaled, s);
    return s > limits.decimalScaleMax ? exact.rescale(limits.decimalScaleMax) : exact;
  }

  /**
   * `this / other` at `resultScale` digits (MySQL: s1 + div_precision_increment, capped),
   * rounded half away from zero. Undefined when dividing by zero (SQL NULL).
   */
  div(other: Decimal, resultScale = Math.min(this.scale + divPrecisionIncrement, limits.decimalScaleMax)): Decimal | undefined {
    if (other.unscaled === 0n) return undefined;
    // value = (a / 10^sa) / (b / 10^sb); unscaled result at scale r = a * 10^(sb + r - sa) / b.
    const exp = other.scale + resultScale - this.scale;
    let num = this.unscaled;
    let den = other.unscaled;
    if (exp >= 0) num *= 10n ** BigInt(exp);
    else den *= 10n ** BigInt(-exp);
    return new Decimal(divRoundHalfAway(num, den), resultScale);
  }

  /** Remainder with the sign of the dividend (MySQL's MOD); undefined for a zero divisor. */
  mod(other: Decimal): Decimal | undefined {
    if (other.unscaled === 0n) return undefined;
    const s = Math.max(this.scale, other.scale);
    return new Decimal(this.rescale(s).unscaled % other.rescale(s).unscaled, s);
  }

  /** Integer division truncated toward zero (MySQL's DIV); undefined for a zero divisor. */
  intDiv(other: Decimal): bigint | undefined {
    if (other.unscaled === 0n) return undefined;
    const s = Math.max(this.scale, other.scale);
    return this.rescale(s).unscaled / other.rescale(s).unscaled;
  }

  neg(): Decimal {
    return new Decimal(-this.unscaled, this.scale);
  }

  abs(): Decimal {
    return this.unscaled < 0n ? this.neg() : this;
  }

  /** -1, 0 or 1 as this is less than, equal to or greater than `other`. */
  compare(other: Decimal): number {
    const s = Math.max(this.scale, other.scale);
    const a = this.rescale(s).unscaled;
    const b = other.rescale(s).unscaled;
    return a < b ? -1 : a > b ? 1 : 0;
  }

  /** Largest integer not greater than this value. */
  floor(): bigint {
    const p = 10n ** BigInt(this.scale);
    const q = this.unscaled / p;
    return this.unscaled < 0n && q * p !== this.unscaled ? q - 1n : q;
  }

  /** Smallest integer not less than this value. */
  ceil(): bigint {
    const p = 10n ** BigInt(this.scale);
    const q = this.unscaled / p;
    return this.unscaled > 0n && q * p !== this.unscaled ? q + 1n : q;
  }

  /** Rounded half away from zero to an integer (MySQL's conversion of DECIMAL to INT). */
  toBigInt(): bigint {
    return this.rescale(0).unscaled;
  }

  /** Nearest double. */
  toNumber(): number {
    return Number(this.toString());
  }

  /** Number of digits of the integer part (at least 1) plus the scale: the precision it needs. */
  precision(): number {
    const digits = (this.unscaled < 0n ? -this.unscaled : this.unscaled).toString();
    const intDigits = Math.max(1, digits.length - this.scale);
    return intDigits + this.scale;
  }

  /** Exact text with exactly `scale` digits after the point ('-0.50', '3'). */
  toString(): string {
    const neg = this.unscaled < 0n;
    let digits = (neg ? -this.unscaled : this.unscaled).toString();
    if (this.scale > 0) {
      digits = digits.padStart(this.scale + 1, '0');
      digits = digits.slice(0, digits.length - this.scale) + '.' + digits.slice(digits.length - this.scale);
    }
    return (neg ? '-' : '') + digits;
  }
}

/** Rounds `num / den` half away from zero. Requires den != 0. */
export function divRoundHalfAway(num: bigint, den: bigint): bigint {
  assert(den !== 0n, 'division by zero');
  const negative = num < 0n !== den < 0n;
  const n = num < 0n ? -num : num;
  const d = den < 0n ? -den : den;
  let q = n / d;
  if ((n % d) * 2n >= d) q += 1n;
  return negative ? -q : q;
}

function roundScaled(unscaled: bigint, from: number, to: number): Decimal {
  if (to >= 0) return new Decimal(divRoundHalfAway(unscaled, 10n ** BigInt(from - to)), to);
  // Negative target scale (ROUND(x, -2)): round to a multiple of 10^-to, keep scale 0.
  const p = 10n ** BigInt(from - to);
  return new Decimal(divRoundHalfAway(unscaled, p) * 10n ** BigInt(-to), 0);
}

/** Rounds to `digits` decimal places (negative rounds left of the point), half away from zero. */
export function roundDecimal(d: Decimal, digits: number): Decimal {
  if (digits >= d.scale) return d;
  return roundScaled(d.unscaled, d.scale, digits);
}

/** Truncates to `digits` decimal places (negative truncates left of the point). */
export function truncateDecimal(d: Decimal, digits: number): Decimal {
  if (digits >= d.scale) return d;
  if (digits >= 0) return d.truncate(digits);
  const p = 10n ** BigInt(d.scale - digits);
  return new Decimal((d.unscaled / p) * 10n ** BigInt(-digits), 0);
}
