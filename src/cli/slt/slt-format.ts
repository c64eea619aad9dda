/**
 * Turns the server's raw text values into sqllogictest's rendering and compares results, as
 * the reference implementation's ODBC driver (the one that talks to MySQL) does:
 *   NULL → `NULL`; I → the value read as a C `long` (decimals truncated toward zero, text
 *   without a leading number → 0); R → `printf("%.3f")` of the value read as a double;
 *   T → the text, `(empty)` when empty, every byte outside 0x20..0x7e replaced by `@`.
 * Results are then sorted per the record's sort mode and hashed as MD5 over each value
 * followed by "\n". Pure functions only.
 */
import { createHash } from 'node:crypto';
import { assert } from '../../base/assert.js';
import type { SltColumnType, SltSortMode } from './slt-record.js';

/** The leading number of a text, as C's strtod reads it (leading blanks allowed). */
const leadingNumber = /^\s*([+-]?)(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?/;

/** Renders one raw value (the server's text, or null for SQL NULL) for a column of `type`. */
export function formatSltValue(raw: string | null, type: SltColumnType): string {
  if (raw === null) return 'NULL';
  switch (type) {
    case 'I':
      return formatInteger(raw);
    case 'R':
      return formatReal(readDouble(raw));
    case 'T':
      return formatText(raw);
  }
}

/** Text rendering: `(empty)` for '', and `@` for each UTF-8 byte that is not printable ASCII. */
export function formatText(raw: string): string {
  if (raw === '') return '(empty)';
  let out = '';
  for (const ch of raw) {
    const code = ch.codePointAt(0)!;
    if (code >= 0x20 && code <= 0x7e) out += ch;
    else out += '@'.repeat(Buffer.byteLength(ch, 'utf8'));
  }
  return out;
}

/** Integer rendering: the value's integer part (toward zero); 0 when it does not start with a number. */
export function formatInteger(raw: string): string {
  const match = leadingNumber.exec(raw);
  if (match === null) return '0';
  const [, sign, digits, exponent] = match as unknown as [string, string, string, string | undefined];
  if (exponent === undefined) {
    const integerPart = digits.split('.')[0]!;
    const value = BigInt(integerPart === '' ? '0' : integerPart);
    return (sign === '-' ? -value : value).toString();
  }
  const truncated = Math.trunc(Number(sign + digits + exponent));
  if (!Number.isFinite(truncated)) return '0';
  return BigInt(truncated).toString();
}

/** Reads a text as C's strtod does: its leading number, or 0. */
export function readDouble(raw: string): number {
  const match = leadingNumber.exec(raw);
  if (match === null) {
    const word = raw.trim().toLowerCase();
    if (/^[+-]?inf(inity)?$/.test(word)) return word.startsWith('-') ? -Infinity : Infinity;
    return 0;
  }
  return Number(match[0].trim());
}

/**
 * `printf("%.3f", x)` as glibc prints it. JavaScript's toFixed rounds an exact tie away from
 * zero where glibc rounds it to even; a tie at the third decimal means x·16 is an odd integer.
 */
export function formatReal(x: number): string {
  if (Number.isNaN(x)) return x < 0 ? '-nan' : 'nan';
  if (!Number.isFinite(x)) return x < 0 ? '-inf' : 'inf';
  const negative = x < 0 || Object.is(x, -0);
  const magnitude = Math.abs(x);
  let text: string;
  if (magnitude >= 1e21) {
    text = BigInt(magnitude).toString() + '.000';
  } else if (Number.isInteger(magnitude * 16) && (magnitude * 16) % 2 === 1) {
    const thousandths = magnitude * 1000; // exact: an odd multiple of 62.5
    const lower = Math.floor(thousandths);
    const even = lower % 2 === 0 ? lower : lower + 1;
    text = thousandthsToText(even);
  } else {
    text = magnitude.toFixed(3);
  }
  return negative ? '-' + text : text;
}

function thousandthsToText(thousandths: number): string {
  const digits = BigInt(thousandths).toString().padStart(4, '0');
  return `${digits.slice(0, -3)}.${digits.slice(-3)}`;
}

/** Renders a result's rows into its values, row by row, per the column types. */
export function formatRows(rows: readonly (readonly (string | null)[])[], types: readonly SltColumnType[]): string[] {
  const values: string[] = [];
  for (const row of rows) {
    assert(row.length === types.length, 'formatRows: row width must equal the number of types');
    for (let c = 0; c < row.length; c++) values.push(formatSltValue(row[c]!, types[c]!));
  }
  return values;
}

/** Orders rendered values per the sort mode; rows are `width` values long. Returns a new array. */
export function sortValues(values: readonly string[], width: number, mode: SltSortMode): string[] {
  assert(width > 0 && values.length % width === 0, 'sortValues: values must form whole rows');
  switch (mode) {
    case 'nosort':
      return [...values];
    case 'valuesort':
      return [...values].sort(compareText);
    case 'rowsort': {
      const rows: string[][] = [];
      for (let i = 0; i < values.length; i += width) rows.push(values.slice(i, i + width));
      rows.sort(compareRows);
      return rows.flat();
    }
  }
}

/** strcmp order. Rendered values are ASCII, so UTF-16 order equals byte order. */
function compareText(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

function compareRows(a: readonly string[], b: readonly string[]): number {
  for (let i = 0; i < a.length; i++) {
    const order = compareText(a[i]!, b[i]!);
    if (order !== 0) return order;
  }
  return 0;
}

/** The MD5 (lowercase hex) of every value followed by "\n", as sqllogictest hashes results. */
export function hashValues(values: readonly string[]): string {
  const md5 = createHash('md5');
  for (const value of values) md5.update(value + '\n', 'utf8');
  return md5.digest('hex');
}
