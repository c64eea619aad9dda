/**
 * SQL types: what a column or an expression holds, how MySQL combines types in expressions,
 * and how a type is announced to clients (ColumnInfo).
 *
 * Runtime representation of a value of each type (see values.ts): int → bigint, decimal →
 * Decimal, float/double → number, string and temporal types → string, binary → Uint8Array,
 * and null → null in every type.
 */
import { SqlError } from '../src/base/errors.js';
import { limits } from '../src/base/limits.js';
import type { TypeSpec } from './ast/statement.js';
import { unsupported } from './errors.js';
import { Charset, ColumnFlag, ColumnType, type ColumnInfo } from './session-api.js';

/** A static SQL type. */
export type SqlType =
  | { readonly kind: 'int'; readonly bytes: 1 | 2 | 3 | 4 | 8; readonly unsigned: boolean; readonly width: number }
  | { readonly kind: 'decimal'; readonly precision: number; readonly scale: number; readonly unsigned: boolean }
  | { readonly kind: 'float' }
  | { readonly kind: 'double' }
  | { readonly kind: 'string'; readonly maxChars: number; readonly variant: 'char' | 'varchar' | 'text' }
  | { readonly kind: 'binary'; readonly maxBytes: number; readonly variant: 'binary' | 'varbinary' | 'blob' }
  | { readonly kind: 'date' }
  | { readonly kind: 'datetime'; readonly fsp: number }
  | { readonly kind: 'timestamp'; readonly fsp: number }
  | { readonly kind: 'time'; readonly fsp: number }
  | { readonly kind: 'null' };

export const bigintType: SqlType = { kind: 'int', bytes: 8, unsigned: false, width: 21 };
export const doubleType: SqlType = { kind: 'double' };
export const nullType: SqlType = { kind: 'null' };

/** A VARCHAR type of `chars` characters. */
export function varcharType(chars: number): SqlType {
  return { kind: 'string', maxChars: Math.max(0, chars), variant: 'varchar' };
}

/** An int type wide enough to show `width` characters. */
export function intType(width: number, unsigned = false): SqlType {
  return { kind: 'int', bytes: 8, unsigned, width: Math.max(1, width) };
}

/** A DECIMAL(p, s), capped at MySQL's maxima. */
export function decimalType(precision: number, scale: number, unsigned = false): SqlType {
  const s = Math.min(scale, limits.decimalScaleMax);
  return { kind: 'decimal', precision: Math.min(Math.max(precision, s, 1), limits.decimalPrecisionMax), scale: s, unsigned };
}

const intSpecs: Record<string, { bytes: 1 | 2 | 3 | 4 | 8; width: number }> = {
  TINYINT: { bytes: 1, width: 4 },
  BOOL: { bytes: 1, width: 1 },
  BOOLEAN: { bytes: 1, width: 1 },
  SMALLINT: { bytes: 2, width: 6 },
  MEDIUMINT: { bytes: 3, width: 9 },
  INT: { bytes: 4, width: 11 },
  INTEGER: { bytes: 4, width: 11 },
  BIGINT: { bytes: 8, width: 20 },
};

/** The column type for a DDL type spec. Throws 1235 for types not supported yet, 1426/1425 for bad DECIMALs. */
export function typeFromSpec(spec: TypeSpec): SqlType {
  const name = spec.name;
  const int = intSpecs[name];
  if (int !== undefined) {
    const width = spec.length ?? (spec.unsigned && int.bytes !== 8 ? int.width - 1 : int.width);
    return { kind: 'int', bytes: int.bytes, unsigned: spec.unsigned, width };
  }
  switch (name) {
    case 'DECIMAL':
    case 'NUMERIC':
    case 'DEC':
    case 'FIXED': {
      const p = spec.length ?? 10;
      const s = spec.scale ?? 0;
      if (p > limits.decimalPrecisionMax) throw new SqlError('TOO_BIG_PRECISION', `Too-big precision ${p} specified. Maximum is ${limits.decimalPrecisionMax}.`);
      if (s > limits.decimalScaleMax) throw new SqlError('TOO_BIG_SCALE', `Too big scale ${s} specified. Maximum is ${limits.decimalScaleMax}.`);
      if (s > p) throw new SqlError('WRONG_ARGUMENTS', `For float(M,D), double(M,D) or decimal(M,D), M must be >= D`);
      return { kind: 'decimal', precision: p, scale: s, unsigned: spec.unsigned };
    }
    case 'FLOAT':
      return { kind: 'float' };
    case 'DOUBLE':
    case 'REAL':
    case 'DOUBLE PRECISION':
      return { kind: 'double' };
    case 'CHAR':
    case 'CHARACTER':
      return { kind: 'string', maxChars: spec.length ?? 1, variant: 'char' };
    case 'VARCHAR':
    case 'CHARACTER VARYING':
      if (spec.length === null) throw new SqlError('PARSE', 'You have an error in your SQL syntax: VARCHAR needs a length');
      return { kind: 'string', maxChars: spec.length, variant: 'varchar' };
    case 'TINYTEXT':
      return { kind: 'string', maxChars: 255, variant: 'text' };
    case 'TEXT':
      return { kind: 'string', maxChars: 65535, variant: 'text' };
    case 'MEDIUMTEXT':
      return { kind: 'string', maxChars: 16777215, variant: 'text' };
    case 'LONGTEXT':
      return { kind: 'string', maxChars: 4294967295, variant: 'text' };
    case 'BINARY':
      return { kind: 'binary', maxBytes: spec.length ?? 1, variant: 'binary' };
    case 'VARBINARY':
      return { kind: 'binary', maxBytes: spec.length ?? 255, variant: 'varbinary' };
    case 'BLOB':
    case 'TINYBLOB':
    case 'MEDIUMBLOB':
    case 'LONGBLOB':
      return { kind: 'binary', maxBytes: name === 'TINYBLOB' ? 255 : name === 'BLOB' ? 65535 : name === 'MEDIUMBLOB' ? 16777215 : 4294967295, variant: 'blob' };
    case 'DATE':
      return { kind: 'date' };
    case 'DATETIME':
      return { kind: 'datetime', fsp: spec.length ?? 0 };
    case 'TIMESTAMP':
      return { kind: 'timestamp', fsp: spec.length ?? 0 };
    case 'TIME':
      return { kind: 'time', fsp: spec.length ?? 0 };
    default:
      throw unsupported(`column type ${name}`);
  }
}

/** True for int and decimal: types whose arithmetic is exact. */
export function isExact(t: SqlType): boolean {
  return t.kind === 'int' || t.kind === 'decimal';
}

/** True for int, decimal, float and double. */
export function isNumeric(t: SqlType): boolean {
  return t.kind === 'int' || t.kind === 'decimal' || t.kind === 'float' || t.kind === 'double';
}

/** True for DATE, DATETIME, TIMESTAMP and TIME. */
export function isTemporal(t: SqlType): boolean {
  return t.kind === 'date' || t.kind === 'datetime' || t.kind === 'timestamp' || t.kind === 'time';
}

/** Scale of an exact type (0 for int). */
export function scaleOf(t: SqlType): number {
  return t.kind === 'decimal' ? t.scale : 0;
}

/** Integer digits an exact type may need. */
export function intDigitsOf(t: SqlType): number {
  if (t.kind === 'decimal') return t.precision - t.scale;
  if (t.kind === 'int') return t.bytes === 8 ? 20 : t.width;
  return 20;
}

/** Display length of a type in characters (MySQL's max_length for expressions). */
export function displayChars(t: SqlType): number {
  switch (t.kind) {
    case 'int':
      return t.width;
    case 'decimal':
      return t.precision + (t.scale > 0 ? 1 : 0) + (t.unsigned ? 0 : 1);
    case 'float':
      return 12;
    case 'double':
      return 22;
    case 'string':
      return t.maxChars;
    case 'binary':
      return t.maxBytes;
    case 'date':
      return 10;
    case 'datetime':
    case 'timestamp':
      return 19 + (t.fsp > 0 ? t.fsp + 1 : 0);
    case 'time':
      return 10 + (t.fsp > 0 ? t.fsp + 1 : 0);
    case 'null':
      return 0;
  }
}

/**
 * The type of CASE/IF/COALESCE/UNION over branches of types `types` (MySQL's type
 * aggregation, simplified): all NULL → NULL; all ints → BIGINT; all exact → DECIMAL with the
 * widest integer part and scale; any float/double with numbers → DOUBLE; all temporal of one
 * kind → that kind; anything else → VARCHAR.
 */
export function unifyTypes(types: readonly SqlType[]): SqlType {
  const real = types.filter((t) => t.kind !== 'null');
  if (real.length === 0) return nullType;
  if (real.every((t) => t.kind === 'int')) {
    const unsigned = real.every((t) => t.kind === 'int' && t.unsigned);
    const width = Math.max(...real.map(displayChars));
    const bytes = Math.max(...real.map((t) => (t.kind === 'int' ? t.bytes : 8))) as 1 | 2 | 3 | 4 | 8;
    return { kind: 'int', bytes: bytes === 8 ? 8 : bytes, unsigned, width };
  }
  if (real.every(isExact)) {
    const scale = Math.max(...real.map(scaleOf));
    const intDigits = Math.max(...real.map(intDigitsOf));
    return decimalType(intDigits + scale, scale);
  }
  if (real.every(isNumeric)) return doubleType;
  const first = real[0]!;
  if (real.every((t) => t.kind === first.kind) && isTemporal(first)) return first;
  if (real.every((t) => t.kind === 'binary')) return { kind: 'binary', maxBytes: Math.max(...real.map(displayChars)), variant: 'varbinary' };
  return varcharType(Math.max(...real.map(displayChars)));
}

/** What a column or expression needs to build its ColumnInfo. */
export interface ColumnOrigin {
  readonly schema: string;
  readonly table: string;
  readonly orgTable: string;
  readonly name: string;
  readonly orgName: string;
}

/** Extra flag bits of a table column (key membership, NOT NULL, AUTO_INCREMENT …). */
export function columnInfo(type: SqlType, origin: ColumnOrigin, flags: number): ColumnInfo {
  const base = { ...origin };
  switch (type.kind) {
    case 'int': {
      const code = type.bytes === 1 ? ColumnType.TINY : type.bytes === 2 ? ColumnType.SHORT : type.bytes === 3 ? ColumnType.INT24 : type.bytes === 4 ? ColumnType.LONG : ColumnType.LONGLONG;
      return { ...base, charset: Charset.BINARY, columnLength: type.width, type: code, flags: flags | ColumnFlag.NUM | (type.unsigned ? ColumnFlag.UNSIGNED : 0), decimals: 0 };
    }
    case 'decimal':
      return { ...base, charset: Charset.BINARY, columnLength: displayChars(type), type: ColumnType.NEWDECIMAL, flags: flags | ColumnFlag.NUM | (type.unsigned ? ColumnFlag.UNSIGNED : 0), decimals: type.scale };
    case 'float':
      return { ...base, charset: Charset.BINARY, columnLength: 12, type: ColumnType.FLOAT, flags: flags | ColumnFlag.NUM, decimals: 31 };
    case 'double':
      return { ...base, charset: Charset.BINARY, columnLength: 22, type: ColumnType.DOUBLE, flags: flags | ColumnFlag.NUM, decimals: 31 };
    case 'string': {
      const code = type.variant === 'char' ? ColumnType.STRING : type.variant === 'text' ? ColumnType.BLOB : ColumnType.VAR_STRING;
      const length = Math.min(type.maxChars * 4, 0xffffffff);
      return { ...base, charset: Charset.UTF8MB4_GENERAL_CI, columnLength: length, type: code, flags: flags | (type.variant === 'text' ? ColumnFlag.BLOB : 0), decimals: type.variant === 'text' || origin.orgTable === '' ? 31 : 0 };
    }
    case 'binary': {
      const code = type.variant === 'binary' ? ColumnType.STRING : type.variant === 'blob' ? ColumnType.BLOB : ColumnType.VAR_STRING;
      return { ...base, charset: Charset.BINARY, columnLength: type.maxBytes, type: code, flags: flags | ColumnFlag.BINARY | (type.variant === 'blob' ? ColumnFlag.BLOB : 0), decimals: 0 };
    }
    case 'date':
      return { ...base, charset: Charset.BINARY, columnLength: 10, type: ColumnType.DATE, flags: flags | ColumnFlag.BINARY, decimals: 0 };
    case 'datetime':
      return { ...base, charset: Charset.BINARY, columnLength: displayChars(type), type: ColumnType.DATETIME, flags: flags | ColumnFlag.BINARY, decimals: type.fsp };
    case 'timestamp':
      return { ...base, charset: Charset.BINARY, columnLength: displayChars(type), type: ColumnType.TIMESTAMP, flags: flags | ColumnFlag.BINARY | ColumnFlag.TIMESTAMP, decimals: type.fsp };
    case 'time':
      return { ...base, charset: Charset.BINARY, columnLength: displayChars(type), type: ColumnType.TIME, flags: flags | ColumnFlag.BINARY, decimals: type.fsp };
    case 'null':
      return { ...base, charset: Charset.BINARY, columnLength: 0, type: ColumnType.NULL, flags: flags | ColumnFlag.BINARY, decimals: 0 };
  }
}

/** The DDL text of a type, as SHOW CREATE TABLE and DESCRIBE print it. */
export function typeDdl(t: SqlType): string {
  switch (t.kind) {
    case 'int': {
      const name = t.bytes === 1 ? (t.width === 1 ? 'tinyint(1)' : 'tinyint') : t.bytes === 2 ? 'smallint' : t.bytes === 3 ? 'mediumint' : t.bytes === 4 ? 'int' : 'bigint';
      return name + (t.unsigned ? ' unsigned' : '');
    }
    case 'decimal':
      return `decimal(${t.precision},${t.scale})${t.unsigned ? ' unsigned' : ''}`;
    case 'float':
      return 'float';
    case 'double':
      return 'double';
    case 'string':
      return t.variant === 'char' ? `char(${t.maxChars})` : t.variant === 'varchar' ? `varchar(${t.maxChars})` : t.maxChars <= 255 ? 'tinytext' : t.maxChars <= 65535 ? 'text' : t.maxChars <= 16777215 ? 'mediumtext' : 'longtext';
    case 'binary':
      return t.variant === 'binary' ? `binary(${t.maxBytes})` : t.variant === 'varbinary' ? `varbinary(${t.maxBytes})` : 'blob';
    case 'date':
      return 'date';
    case 'datetime':
      return t.fsp > 0 ? `datetime(${t.fsp})` : 'datetime';
    case 'timestamp':
      return t.fsp > 0 ? `timestamp(${t.fsp})` : 'timestamp';
    case 'time':
      return t.fsp > 0 ? `time(${t.fsp})` : 'time';
    case 'null':
      return 'null';
  }
}
