/** Codec of ProtocolText::ResultsetRow: each value a length-encoded string, NULL as 0xfb. */
import type { ColumnInfo, SqlValue } from '../../../sql/session-api.js';
import { assert } from '../../base/assert.js';
import { PayloadReader } from '../payload-reader.js';
import type { PayloadWriter } from '../payload-writer.js';
import { textValue } from '../value-text.js';

/** Writes one text row of `columns.length` values. */
export function encodeTextRow(w: PayloadWriter, row: readonly SqlValue[], columns: readonly ColumnInfo[]): void {
  assert(row.length === columns.length, `row has ${row.length} values for ${columns.length} columns`);
  for (let i = 0; i < row.length; i++) {
    const text = textValue(row[i]!, columns[i]!);
    if (text === null) w.lenencNull();
    else if (typeof text === 'string') w.lenencString(text);
    else w.lenencBytes(text);
  }
}

/** Reads one text row: each value's bytes, or null. */
export function decodeTextRow(payload: Buffer, columnCount: number): (Buffer | null)[] {
  const r = new PayloadReader(payload);
  const values: (Buffer | null)[] = [];
  for (let i = 0; i < columnCount; i++) {
    const length = r.lenencIntOrNull();
    values.push(length === null ? null : Buffer.from(r.bytes(length)));
  }
  return values;
}
