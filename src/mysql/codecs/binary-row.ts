/**
 * Codec of ProtocolBinary::ResultsetRow (rows of COM_STMT_EXECUTE): a 0x00 header, a NULL
 * bitmap whose bits start at offset 2, then each non-NULL value in its binary form.
 */
import type { ColumnInfo, SqlValue } from '../../../sql/session-api.js';
import { Charset, ColumnFlag, ColumnType } from '../../../sql/session-api.js';
import { assert } from '../../base/assert.js';
import { PayloadReader } from '../payload-reader.js';
import type { PayloadWriter } from '../payload-writer.js';
import { ProtocolError } from '../protocol-error.js';
import { readBinaryValue, writeBinaryValue } from './binary-value.js';

const ROW_HEADER = 0x00;
const NULL_BITMAP_OFFSET = 2;

function nullBitmapBytes(columnCount: number): number {
  return (columnCount + 7 + NULL_BITMAP_OFFSET) >> 3;
}

/** Writes one binary row. */
export function encodeBinaryRow(w: PayloadWriter, row: readonly SqlValue[], columns: readonly ColumnInfo[]): void {
  assert(row.length === columns.length, `row has ${row.length} values for ${columns.length} columns`);
  const bitmap = new Uint8Array(nullBitmapBytes(columns.length));
  for (let i = 0; i < row.length; i++) {
    if (row[i] === null || columns[i]!.type === ColumnType.NULL) {
      const bit = i + NULL_BITMAP_OFFSET;
      bitmap[bit >> 3]! |= 1 << (bit & 7);
    }
  }
  w.uint8(ROW_HEADER).bytes(bitmap);
  for (let i = 0; i < row.length; i++) {
    const value = row[i]!;
    const column = columns[i]!;
    if (value !== null && column.type !== ColumnType.NULL) writeBinaryValue(w, value, column.type, column.columnLength);
  }
}

/**
 * Reads one binary row (what a client does; used by tests). Length-encoded values of binary
 * columns (charset 63) come back as bytes, of text columns as strings.
 */
export function decodeBinaryRow(payload: Buffer, columns: readonly ColumnInfo[]): SqlValue[] {
  const r = new PayloadReader(payload);
  if (r.uint8() !== ROW_HEADER) throw new ProtocolError('malformed', 'binary row header is not 0x00');
  const bitmap = r.bytes(nullBitmapBytes(columns.length));
  return columns.map((column, i) => {
    const bit = i + NULL_BITMAP_OFFSET;
    if (bitmap[bit >> 3]! & (1 << (bit & 7))) return null;
    const value = readBinaryValue(r, column.type, (column.flags & ColumnFlag.UNSIGNED) !== 0, column.decimals);
    if (value instanceof Uint8Array && column.charset !== Charset.BINARY) return Buffer.from(value).toString('utf8');
    if (typeof value === 'string' && column.charset === Charset.BINARY && isStringType(column.type)) return Uint8Array.from(Buffer.from(value, 'utf8'));
    return value;
  });
}

function isStringType(type: number): boolean {
  return type === ColumnType.VAR_STRING || type === ColumnType.STRING || type === ColumnType.VARCHAR;
}
