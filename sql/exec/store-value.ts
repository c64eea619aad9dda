/**
 * Storing a value into a column, as MySQL does in strict mode (STRICT_TRANS_TABLES): a value
 * that does not fit is an error (1264 out of range, 1406 too long, 1366/1292 not a number or
 * date, 1048 NULL into NOT NULL), never a silent truncation.
 */
import { SqlError } from '../../src/base/errors.js';
import type { ColumnDef, StoredDefault } from '../catalog.js';
import { Decimal } from '../decimal.js';
import { incorrectValueError, noDefaultError } from '../errors.js';
import { formatDateTime, parseDate, parseDateTime, parseTime } from '../temporal.js';
import { isNumericString, toBytes, toDecimal, toDouble, toText, type Value } from '../values.js';

const intRanges: Record<number, [bigint, bigint, bigint]> = {
  1: [-128n, 127n, 255n],
  2: [-32768n, 32767n, 65535n],
  3: [-8388608n, 8388607n, 16777215n],
  4: [-2147483648n, 2147483647n, 4294967295n],
  8: [-(2n ** 63n), 2n ** 63n - 1n, 2n ** 64n - 1n],
};

function outOfRange(column: string, row: number): SqlError {
  return new SqlError('WARN_DATA_OUT_OF_RANGE', `Out of range value for column '${column}' at row ${row}`);
}

/** `v` converted for storing into `col`; `row` is the 1-based row number for messages. */
export function storeValue(v: Value, col: ColumnDef, row: number): Value {
  if (v === null) {
    if (col.notNull) throw new SqlError('BAD_NULL', `Column '${col.name}' cannot be null`);
    return null;
  }
  const t = col.type;
  switch (t.kind) {
    case 'int': {
      let n: bigint;
      if (typeof v === 'bigint') n = v;
      else {
        if (typeof v === 'string' && !isNumericString(v)) throw incorrectValueError('integer', v, col.name, row);
        if (typeof v === 'number' && !Number.isFinite(v)) throw outOfRange(col.name, row);
        n = toDecimal(v).toBigInt();
      }
      const [min, max, umax] = intRanges[t.bytes]!;
      if (t.unsigned ? n < 0n || n > umax : n < min || n > max) throw outOfRange(col.name, row);
      return n;
    }
    case 'decimal': {
      if (typeof v === 'string' && !isNumericString(v)) throw incorrectValueError('decimal', v, col.name, row);
      if (typeof v === 'number' && !Number.isFinite(v)) throw outOfRange(col.name, row);
      const d = toDecimal(v).rescale(t.scale);
      const limit = 10n ** BigInt(t.precision);
      if (d.unscaled >= limit || d.unscaled <= -limit || (t.unsigned && d.unscaled < 0n)) throw outOfRange(col.name, row);
      return d;
    }
    case 'float':
    case 'double': {
      if (typeof v === 'string' && !isNumericString(v)) throw incorrectValueError('double', v, col.name, row);
      const n = toDouble(v);
      if (!Number.isFinite(n) || (t.kind === 'float' && Math.abs(n) > 3.4028234663852886e38)) throw outOfRange(col.name, row);
      return t.kind === 'float' ? Math.fround(n) : n;
    }
    case 'string': {
      let s = toText(v);
      if ([...s].length > t.maxChars) {
        // MySQL accepts (and drops) trailing spaces beyond the length.
        const trimmed = s.replace(/ +$/, '');
        if ([...trimmed].length > t.maxChars) throw new SqlError('DATA_TOO_LONG', `Data too long for column '${col.name}' at row ${row}`);
        s = [...s].slice(0, t.maxChars).join('');
      }
      return t.variant === 'char' ? s.replace(/ +$/, '') : s;
    }
    case 'binary': {
      const b = toBytes(v);
      if (b.length > t.maxBytes) throw new SqlError('DATA_TOO_LONG', `Data too long for column '${col.name}' at row ${row}`);
      return b;
    }
    case 'date': {
      const d = parseDate(toText(v));
      if (d === undefined) throw new SqlError('TRUNCATED_WRONG_VALUE', `Incorrect date value: '${toText(v)}' for column '${col.name}' at row ${row}`);
      return d;
    }
    case 'datetime':
    case 'timestamp': {
      const d = parseDateTime(toText(v), t.fsp);
      if (d === undefined) throw new SqlError('TRUNCATED_WRONG_VALUE', `Incorrect datetime value: '${toText(v)}' for column '${col.name}' at row ${row}`);
      return d;
    }
    case 'time': {
      const d = parseTime(toText(v));
      if (d === undefined) throw new SqlError('TRUNCATED_WRONG_VALUE', `Incorrect time value: '${toText(v)}' for column '${col.name}' at row ${row}`);
      return d;
    }
    case 'null':
      return null;
  }
}

/** The value of a stored default. */
export function defaultValueOf(d: StoredDefault, nowMs: number): Value {
  switch (d.kind) {
    case 'null':
      return null;
    case 'int':
      return BigInt(d.text);
    case 'decimal':
      return Decimal.parse(d.text) ?? null;
    case 'double':
      return d.value;
    case 'string':
      return d.value;
    case 'now':
      return formatDateTime(nowMs);
  }
}

/** A converted value as a stored default. */
export function toStoredDefault(v: Value): StoredDefault {
  if (v === null) return { kind: 'null' };
  if (typeof v === 'bigint') return { kind: 'int', text: v.toString() };
  if (v instanceof Decimal) return { kind: 'decimal', text: v.toString() };
  if (typeof v === 'number') return { kind: 'double', value: v };
  return { kind: 'string', value: toText(v) };
}

/** The value a column gets when an INSERT names no value for it. */
export function implicitValue(col: ColumnDef, nowMs: number): Value {
  if (col.defaultValue !== null) return defaultValueOf(col.defaultValue, nowMs);
  if (col.autoIncrement || !col.notNull) return null;
  throw noDefaultError(col.name);
}
