/**
 * MySQL's text form of FLOAT and DOUBLE values (its `my_gcvt`): the shortest digits that
 * read back to the same value, written in plain notation unless the decimal exponent is out
 * of range, then as `<digits>e<exp>` with no '+' sign. Plain notation is used when
 * -14 <= decpt and (decpt <= 15 or the digits reach past the 15th integer place), where
 * decpt is the position of the decimal point relative to the first digit, so:
 * 0.1 → '0.1', 3 → '3', 1e14 → '100000000000000', 1e15 → '1e15', 1e-15 →
 * '0.000000000000001', 1e-16 → '1e-16', 1.5e-7 → '0.00000015', 1e21 → '1e21'.
 * FLOAT is shown with at most 6 significant digits (FLT_DIG), as MySQL does.
 */

/** DBL_DIG: the exponent range in which MySQL keeps plain notation. */
const PLAIN_DECPT_MAX = 15;
/** FLT_DIG: most significant digits MySQL prints for a FLOAT. */
const FLOAT_DIGITS_MAX = 6;

/** The text MySQL sends for a DOUBLE value. */
export function formatDouble(value: number): string {
  if (!Number.isFinite(value)) return nonFiniteText(value);
  if (value === 0) return Object.is(value, -0) ? '-0' : '0';
  const [mantissa, exponent] = value.toExponential().split('e') as [string, string];
  return layout(value < 0, mantissa.replace('-', '').replace('.', ''), Number(exponent) + 1);
}

/** The text MySQL sends for a FLOAT value (the value is rounded to single precision first). */
export function formatFloat(value: number): string {
  const single = Math.fround(value);
  if (!Number.isFinite(single)) return nonFiniteText(single);
  if (single === 0) return Object.is(single, -0) ? '-0' : '0';
  let text = Math.abs(single).toPrecision(FLOAT_DIGITS_MAX);
  for (let digits = 1; digits < FLOAT_DIGITS_MAX; digits++) {
    const candidate = Math.abs(single).toPrecision(digits);
    if (Math.fround(Number(candidate)) === Math.abs(single)) {
      text = candidate;
      break;
    }
  }
  const [mantissa, exponent] = Number(text).toExponential().split('e') as [string, string];
  return layout(single < 0, mantissa.replace('.', ''), Number(exponent) + 1);
}

/** Places `digits` (no leading or trailing zeros) with the decimal point at `decpt`. */
function layout(negative: boolean, digits: string, decpt: number): string {
  const len = digits.length;
  const plain = decpt >= 1 - PLAIN_DECPT_MAX && (decpt <= PLAIN_DECPT_MAX || len > decpt - PLAIN_DECPT_MAX);
  let text: string;
  if (!plain) {
    const exponent = decpt - 1;
    text = digits[0]! + (len > 1 ? '.' + digits.slice(1) : '') + 'e' + String(exponent);
  } else if (decpt <= 0) {
    text = '0.' + '0'.repeat(-decpt) + digits;
  } else if (decpt < len) {
    text = digits.slice(0, decpt) + '.' + digits.slice(decpt);
  } else {
    text = digits + '0'.repeat(decpt - len);
  }
  return negative ? '-' + text : text;
}

function nonFiniteText(value: number): string {
  if (Number.isNaN(value)) return 'nan';
  return value > 0 ? 'inf' : '-inf';
}
