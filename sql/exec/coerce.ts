/** Conversions between runtime values and static types, for expressions (not for storing into columns). */
import { SqlError } from '../../src/base/errors.js';
import { Decimal } from '../decimal.js';
import type { SqlValue } from '../session-api.js';
import { parseDate, parseDateTime } from '../temporal.js';
import { isExact, isNumeric, isTemporal, type SqlType } from '../types.js';
import { toBigInt, toBytes, toDecimal, toDouble, toText, type CompareMode, type Value } from '../values.js';

/** `v` in the runtime representation of `type` (lenient: MySQL's implicit conversion). */
export function coerce(v: Value, type: SqlType): Value {
  if (v === null) return null;
  switch (type.kind) {
    case 'int':
      return typeof v === 'bigint' ? v : toBigInt(v);
    case 'decimal':
      return toDecimal(v);
    case 'float':
    case 'double':
      return typeof v === 'number' ? v : toDouble(v);
    case 'string':
      return typeof v === 'string' ? v : toText(v);
    case 'date':
      return typeof v === 'string' ? v : toText(v);
    case 'datetime':
    case 'timestamp':
    case 'time':
      return typeof v === 'string' ? v : toText(v);
    case 'binary':
      return toBytes(v);
    case 'null':
      return null;
  }
}

/** How two operands of these static types compare (MySQL's comparison rules). */
export function compareModeFor(a: SqlType, b: SqlType): CompareMode {
  if (a.kind === 'null') return compareModeFor(b, b.kind === 'null' ? { kind: 'int', bytes: 8, unsigned: false, width: 1 } : b);
  if (b.kind === 'null') return compareModeFor(a, a);
  if (a.kind === 'int' && b.kind === 'int') return 'int';
  if (isExact(a) && isExact(b)) return 'decimal';
  if (isNumeric(a) || isNumeric(b)) return 'double';
  if (isTemporal(a) || isTemporal(b)) return 'temporal';
  if (a.kind === 'binary' || b.kind === 'binary') return 'binary';
  return 'string';
}

/** Normalizes a temporal operand so that DATE, DATETIME and date strings compare as points in time. */
export function temporalKey(v: Exclude<Value, null>): string {
  const text = toText(v);
  return parseDateTime(text, 6) ?? (parseDate(text) !== undefined ? `${parseDate(text)} 00:00:00.000000` : text);
}

/** A value as the protocol sends it for a column of `type` (DECIMAL as text at the type's scale). */
export function toSqlValue(v: Value, type: SqlType): SqlValue {
  if (v === null) return null;
  if (v instanceof Decimal) {
    const scaled = type.kind === 'decimal' ? v.rescale(type.scale) : v;
    return scaled.toString();
  }
  if (type.kind === 'decimal') return toDecimal(v).rescale(type.scale).toString();
  if (type.kind === 'int' && typeof v !== 'bigint') return toBigInt(v);
  if ((type.kind === 'double' || type.kind === 'float') && typeof v !== 'number') return toDouble(v);
  return v;
}

/** Signed and unsigned BIGINT bounds. */
export const int64Min = -(2n ** 63n);
export const int64Max = 2n ** 63n - 1n;
export const uint64Max = 2n ** 64n - 1n;

/** Checks a BIGINT result; errno 1690 when it overflows, as MySQL does. */
export function checkBigint(v: bigint, unsigned: boolean, text: string): bigint {
  if (unsigned ? v < 0n || v > uint64Max : v < int64Min || v > int64Max) {
    throw new SqlError('DATA_OUT_OF_RANGE', `BIGINT${unsigned ? ' UNSIGNED' : ''} value is out of range in '${text}'`);
  }
  return v;
}
