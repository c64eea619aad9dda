/** Codec of Protocol::ColumnDefinition41: one column of a result set or one statement parameter. */
import type { ColumnInfo, ColumnType } from '../../../sql/session-api.js';
import { PayloadReader } from '../payload-reader.js';
import type { PayloadWriter } from '../payload-writer.js';
import { ProtocolError } from '../protocol-error.js';

const CATALOG = 'def';
const FIXED_FIELDS_BYTES = 0x0c;

/**
 * Writes a column definition payload. `fieldListDefault` adds the trailing default-value
 * field that only COM_FIELD_LIST responses carry (null is written as the 0xfb NULL marker).
 */
export function encodeColumnDefinition(w: PayloadWriter, column: ColumnInfo, fieldListDefault?: string | null): void {
  w.lenencString(CATALOG)
    .lenencString(column.schema)
    .lenencString(column.table)
    .lenencString(column.orgTable)
    .lenencString(column.name)
    .lenencString(column.orgName)
    .lenencInt(FIXED_FIELDS_BYTES)
    .uint16(column.charset)
    .uint32(column.columnLength)
    .uint8(column.type)
    .uint16(column.flags)
    .uint8(column.decimals)
    .zeros(2);
  if (fieldListDefault === undefined) return;
  if (fieldListDefault === null) w.lenencNull();
  else w.lenencString(fieldListDefault);
}

/** Reads a column definition payload. */
export function decodeColumnDefinition(payload: Buffer): ColumnInfo {
  const r = new PayloadReader(payload);
  const catalog = r.lenencString();
  if (catalog !== CATALOG) throw new ProtocolError('malformed', `column definition catalog is '${catalog}', not 'def'`);
  const schema = r.lenencString();
  const table = r.lenencString();
  const orgTable = r.lenencString();
  const name = r.lenencString();
  const orgName = r.lenencString();
  if (r.lenencInt() !== FIXED_FIELDS_BYTES) throw new ProtocolError('malformed', 'column definition: bad fixed-field length');
  const charset = r.uint16();
  const columnLength = r.uint32();
  const type = r.uint8() as ColumnType;
  const flags = r.uint16();
  const decimals = r.uint8();
  return { schema, table, orgTable, name, orgName, charset, columnLength, type, flags, decimals };
}
