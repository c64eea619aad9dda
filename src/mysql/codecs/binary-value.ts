/**
 * One value in the binary protocol (COM_STMT_EXECUTE parameters and binary result rows),
 * by MySQL type: integers little-endian at their width, FLOAT/DOUBLE as IEEE-754, temporals
 * as structs, everything else (DECIMAL, strings, blobs, JSON, BIT) length-encoded.
 */
import type { SqlValue } from '../../../sql/session-api.js';
import { ColumnType } from '../../../sql/session-api.js';
import type { PayloadReader } from '../payload-reader.js';
import type { PayloadWriter } from '../payload-writer.js';
import { ProtocolError } from '../protocol-error.js';
import { formatDouble } from '../double-text.js';
import {
  formatDateTimeText,
  formatTimeText,
  parseDateTimeText,
  parseTimeText,
  readBinaryDateTime,
  readBinaryTime,
  writeBinaryDateTime,
  writeBinaryTime,
} from './binary-temporal.js';

/** Byte width of the fixed-size integer types; INT24 travels as 4 bytes. */
const INTEGER_BYTES: Readonly<Record<number, number>> = {
  [ColumnType.TINY]: 1,
  [ColumnType.SHORT]: 2,
  [ColumnType.YEAR]: 2,
  [ColumnType.INT24]: 4,
  [ColumnType.LONG]: 4,
  [ColumnType.LONGLONG]: 8,
};

/** Types whose length-encoded bytes are text (UTF-8); the other length-encoded types are bytes. */
const TEXT_TYPES: ReadonlySet<number> = new Set([
  ColumnType.DECIMAL,
  ColumnType.NEWDECIMAL,
  ColumnType.VARCHAR,
  ColumnType.VAR_STRING,
  ColumnType.STRING,
  ColumnType.ENUM,
  ColumnType.SET,
  ColumnType.JSON,
]);

/** Types whose values are length-encoded in the binary protocol. */
const LENGTH_ENCODED_TYPES: ReadonlySet<number> = new Set([
  ...TEXT_TYPES,
  ColumnType.BIT,
  ColumnType.TINY_BLOB,
  ColumnType.MEDIUM_BLOB,
  ColumnType.LONG_BLOB,
  ColumnType.BLOB,
  ColumnType.GEOMETRY,
]);

/** True when values of `type` are sent as length-encoded text (vs. raw bytes). */
export function isTextType(type: number): boolean {
  return TEXT_TYPES.has(type);
}

/** True when values of `type` are sent length-encoded (strings, blobs, decimals, BIT). */
export function isLengthEncodedType(type: number): boolean {
  return LENGTH_ENCODED_TYPES.has(type);
}

/**
 * Reads one value of `type`. Integers become bigint (sign per `unsigned`), FLOAT/DOUBLE
 * number, temporals their canonical text, text types a string, other length-encoded types
 * bytes. An unknown type is a malformed request.
 */
export function readBinaryValue(r: PayloadReader, type: number, unsigned: boolean, decimals = 0): SqlValue {
  const width = INTEGER_BYTES[type];
  if (width !== undefined) return readInteger(r, width, unsigned);
  switch (type) {
    case ColumnType.NULL:
      return null;
    case ColumnType.FLOAT:
      return r.float32();
    case ColumnType.DOUBLE:
      return r.float64();
    case ColumnType.DATE:
    case ColumnType.DATETIME:
    case ColumnType.TIMESTAMP:
      return formatDateTimeText(readBinaryDateTime(r), type, decimals);
    case ColumnType.TIME:
      return formatTimeText(readBinaryTime(r), decimals);
  }
  if (TEXT_TYPES.has(type)) return r.lenencString();
  if (LENGTH_ENCODED_TYPES.has(type)) return Uint8Array.from(r.lenencBytes());
  throw new ProtocolError('malformed', `unsupported binary type 0x${type.toString(16)}`);
}

function readInteger(r: PayloadReader, width: number, unsigned: boolean): bigint {
  switch (width) {
    case 1:
      return BigInt(unsigned ? r.uint8() : r.int8());
    case 2:
      return BigInt(unsigned ? r.uint16() : r.int16());
    case 4:
      return BigInt(unsigned ? r.uint32() : r.int32());
    default:
      return unsigned ? r.uint64() : r.int64();
  }
}

/**
 * Writes one non-NULL value for a column of `type`. A value of another JS type than the
 * column's natural one is converted (a bigint in a DOUBLE column, a number in a string column).
 */
export function writeBinaryValue(w: PayloadWriter, value: Exclude<SqlValue, null>, type: number, columnLength = 0): void {
  const width = INTEGER_BYTES[type];
  if (width !== undefined) {
    writeInteger(w, toBigInt(value), width);
    return;
  }
  switch (type) {
    case ColumnType.FLOAT:
      w.float32(toNumber(value));
      return;
    case ColumnType.DOUBLE:
      w.float64(toNumber(value));
      return;
    case ColumnType.DATE:
    case ColumnType.DATETIME:
    case ColumnType.TIMESTAMP:
      writeBinaryDateTime(w, parseDateTimeText(toText(value)));
      return;
    case ColumnType.TIME:
      writeBinaryTime(w, parseTimeText(toText(value)));
      return;
    case ColumnType.BIT:
      w.lenencBytes(typeof value === 'bigint' ? bitBytes(value, columnLength) : toBytes(value));
      return;
  }
  if (value instanceof Uint8Array) w.lenencBytes(value);
  else w.lenencString(toText(value));
}

function writeInteger(w: PayloadWriter, value: bigint, width: number): void {
  switch (width) {
    case 1:
      w.uint8(Number(BigInt.asUintN(8, value)));
      return;
    case 2:
      w.uint16(Number(BigInt.asUintN(16, value)));
      return;
    case 4:
      w.uint32(Number(BigInt.asUintN(32, value)));
      return;
    default:
      w.uint64(value);
  }
}

function toBigInt(value: Exclude<SqlValue, null>): bigint {
  if (typeof value === 'bigint') return value;
  if (typeof value === 'number') return BigInt(Math.trunc(value));
  if (typeof value === 'string') return BigInt(value.trim());
  return BigInt(Buffer.from(value).toString('utf8').trim());
}

function toNumber(value: Exclude<SqlValue, null>): number {
  if (typeof value === 'number') return value;
  if (typeof value === 'bigint' || typeof value === 'string') return Number(value);
  return Number(Buffer.from(value).toString('utf8'));
}

function toText(value: Exclude<SqlValue, null>): string {
  if (typeof value === 'string') return value;
  if (typeof value === 'bigint') return value.toString();
  if (typeof value === 'number') return formatDouble(value);
  return Buffer.from(value).toString('utf8');
}

function toBytes(value: Exclude<SqlValue, null>): Uint8Array {
  return value instanceof Uint8Array ? value : Buffer.from(toText(value), 'utf8');
}

/** A BIT(n) value as ceil(n/8) big-endian bytes. */
function bitBytes(value: bigint, bits: number): Uint8Array {
  const bytes = Math.max(1, Math.ceil(bits / 8));
  const out = new Uint8Array(bytes);
  let rest = BigInt.asUintN(bytes * 8, value);
  for (let i = bytes - 1; i >= 0; i--) {
    out[i] = Number(rest & 0xffn);
    rest >>= 8n;
  }
  return out;
}
