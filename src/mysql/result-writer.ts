/**
 * Writes the server's responses into one PacketWriter: OK, ERR, result sets in text or
 * binary row format, and the COM_STMT_PREPARE_OK block. Each function appends whole packets
 * and honours the negotiated CLIENT_DEPRECATE_EOF (an OK with a 0xfe header ends a result
 * set instead of an EOF, and no EOF follows the column definitions).
 */
import type { ColumnInfo, PreparedStatementInfo, StatementResult } from '../../sql/session-api.js';
import { Charset, ColumnFlag, ColumnType } from '../../sql/session-api.js';
import { encodeBinaryRow } from './codecs/binary-row.js';
import { encodeColumnDefinition } from './codecs/column-definition.js';
import { encodeEof } from './codecs/eof-packet.js';
import { type ErrPacket, encodeErr } from './codecs/err-packet.js';
import { encodeOk } from './codecs/ok-packet.js';
import { encodeStmtPrepareOk } from './codecs/stmt-prepare-ok.js';
import { encodeTextRow } from './codecs/text-row.js';
import type { PacketWriter } from './payload-writer.js';
import { Capability, Header, ServerStatus } from './protocol-constants.js';

/** Row format of a result set: text for COM_QUERY, binary for COM_STMT_EXECUTE. */
export type RowFormat = 'text' | 'binary';

/** What the writer needs to know about the connection. */
export interface ResponseContext {
  /** Negotiated capability flags. */
  readonly capabilities: number;
  /** SERVER_STATUS_* flags from the session (IN_TRANS, AUTOCOMMIT). */
  readonly statusFlags: number;
}

function deprecateEof(ctx: ResponseContext): boolean {
  return (ctx.capabilities & Capability.DEPRECATE_EOF) !== 0;
}

/** Appends an OK packet. */
export function writeOk(w: PacketWriter, ctx: ResponseContext, fields: { affectedRows?: bigint; lastInsertId?: bigint; warnings?: number; info?: string; statusFlags?: number } = {}): void {
  w.packet((p) =>
    encodeOk(
      p,
      {
        header: Header.OK,
        affectedRows: fields.affectedRows ?? 0n,
        lastInsertId: fields.lastInsertId ?? 0n,
        statusFlags: fields.statusFlags ?? ctx.statusFlags,
        warnings: fields.warnings ?? 0,
        info: fields.info ?? '',
      },
      ctx.capabilities,
    ),
  );
}

/** Appends an ERR packet. */
export function writeErr(w: PacketWriter, err: ErrPacket): void {
  w.packet((p) => encodeErr(p, err));
}

/** Appends the end of a column list or row stream: EOF, or an OK with a 0xfe header under DEPRECATE_EOF. */
export function writeEnd(w: PacketWriter, ctx: ResponseContext, statusFlags: number, warnings = 0): void {
  if (deprecateEof(ctx)) {
    w.packet((p) => encodeOk(p, { header: Header.EOF, affectedRows: 0n, lastInsertId: 0n, statusFlags, warnings, info: '' }, ctx.capabilities));
  } else {
    w.packet((p) => encodeEof(p, { warnings, statusFlags }));
  }
}

/**
 * Appends the results of one command. Every result but the last carries
 * SERVER_MORE_RESULTS_EXISTS; an 'error' result is written as ERR and ends the sequence.
 */
export function writeResults(w: PacketWriter, ctx: ResponseContext, results: readonly StatementResult[], format: RowFormat): void {
  for (let i = 0; i < results.length; i++) {
    const result = results[i]!;
    const more = i < results.length - 1 ? ServerStatus.MORE_RESULTS_EXISTS : 0;
    const statusFlags = ctx.statusFlags | more;
    switch (result.kind) {
      case 'error':
        writeErr(w, result.error);
        return;
      case 'ok':
        writeOk(w, ctx, { ...result, statusFlags, warnings: result.warningCount });
        break;
      case 'rows':
        writeResultSet(w, ctx, result, statusFlags, format);
        break;
    }
  }
}

function writeResultSet(w: PacketWriter, ctx: ResponseContext, result: Extract<StatementResult, { kind: 'rows' }>, statusFlags: number, format: RowFormat): void {
  const columns = result.columns;
  if (columns.length === 0) {
    writeOk(w, ctx, { statusFlags, warnings: result.warningCount });
    return;
  }
  w.packet((p) => p.lenencInt(columns.length));
  writeColumnDefinitions(w, ctx, columns, statusFlags);
  if (format === 'text') for (const row of result.rows) w.packet((p) => encodeTextRow(p, row, columns));
  else for (const row of result.rows) w.packet((p) => encodeBinaryRow(p, row, columns));
  writeEnd(w, ctx, statusFlags, result.warningCount);
}

/** Appends column definitions, then an EOF unless DEPRECATE_EOF was negotiated. */
function writeColumnDefinitions(w: PacketWriter, ctx: ResponseContext, columns: readonly ColumnInfo[], statusFlags: number): void {
  for (const column of columns) w.packet((p) => encodeColumnDefinition(p, column));
  if (!deprecateEof(ctx)) w.packet((p) => encodeEof(p, { warnings: 0, statusFlags }));
}

/** How a placeholder is described in COM_STMT_PREPARE_OK: '?', VAR_STRING, binary, as MySQL 5.7 does. */
export const PARAM_DEFINITION: ColumnInfo = {
  schema: '',
  table: '',
  orgTable: '',
  name: '?',
  orgName: '',
  charset: Charset.BINARY,
  columnLength: 0,
  type: ColumnType.VAR_STRING,
  flags: ColumnFlag.BINARY,
  decimals: 0,
};

/** Appends COM_STMT_PREPARE_OK with its parameter and column definitions. */
export function writePrepareOk(w: PacketWriter, ctx: ResponseContext, info: PreparedStatementInfo): void {
  const { statementId, paramCount, columns } = info;
  w.packet((p) => encodeStmtPrepareOk(p, { statementId, columnCount: columns.length, paramCount, warnings: 0 }));
  if (paramCount > 0) writeColumnDefinitions(w, ctx, new Array<ColumnInfo>(paramCount).fill(PARAM_DEFINITION), ctx.statusFlags);
  if (columns.length > 0) writeColumnDefinitions(w, ctx, columns, ctx.statusFlags);
}

/** Appends a COM_FIELD_LIST response: column definitions with a NULL default, then the end marker. */
export function writeFieldList(w: PacketWriter, ctx: ResponseContext, columns: readonly ColumnInfo[]): void {
  for (const column of columns) w.packet((p) => encodeColumnDefinition(p, column, null));
  writeEnd(w, ctx, ctx.statusFlags);
}

/** SERVER_STATUS_* flags of a session (AUTOCOMMIT before there is one). */
export function statusFlagsOf(session: { readonly status: { readonly inTransaction: boolean; readonly autocommit: boolean } } | null): number {
  if (session === null) return ServerStatus.AUTOCOMMIT;
  const status = session.status;
  return (status.inTransaction ? ServerStatus.IN_TRANS : 0) | (status.autocommit ? ServerStatus.AUTOCOMMIT : 0);
}
