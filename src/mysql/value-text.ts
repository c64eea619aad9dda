/** The text-protocol form of a SqlValue in a column: what a COM_QUERY row carries. */
import type { ColumnInfo, SqlValue } from '../../sql/session-api.js';
import { ColumnType } from '../../sql/session-api.js';
import { formatDouble, formatFloat } from './double-text.js';

/** Decimals value meaning "not fixed" (MySQL's DECIMAL_NOT_SPECIFIED). */
export const DECIMALS_NOT_FIXED = 0x1f;

const INTEGER_TYPES: ReadonlySet<number> = new Set([
  ColumnType.TINY,
  ColumnType.SHORT,
  ColumnType.INT24,
  ColumnType.LONG,
  ColumnType.LONGLONG,
  ColumnType.YEAR,
]);

/** True for the integer column types (TINY … LONGLONG, YEAR). */
export function isIntegerType(type: number): boolean {
  return INTEGER_TYPES.has(type);
}

/** The value's text (a string or raw bytes), or null for SQL NULL. */
export function textValue(value: SqlValue, column: ColumnInfo): string | Uint8Array | null {
  if (value === null || typeof value === 'string' || value instanceof Uint8Array) return value;
  if (typeof value === 'bigint') return value.toString();
  return numberText(value, column);
}

function numberText(value: number, column: ColumnInfo): string {
  if (isIntegerType(column.type) && Number.isInteger(value)) return BigInt(value).toString();
  const fixed = column.decimals < DECIMALS_NOT_FIXED && (column.type === ColumnType.FLOAT || column.type === ColumnType.DOUBLE);
  if (fixed && Math.abs(value) < 1e21) return value.toFixed(column.decimals);
  return column.type === ColumnType.FLOAT ? formatFloat(value) : formatDouble(value);
}
