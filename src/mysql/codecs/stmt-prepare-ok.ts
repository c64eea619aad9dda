/** Codec of COM_STMT_PREPARE_OK, the first packet of a successful prepare. */
import { Header } from '../protocol-constants.js';
import { PayloadReader } from '../payload-reader.js';
import type { PayloadWriter } from '../payload-writer.js';
import { ProtocolError } from '../protocol-error.js';

/** The fields of COM_STMT_PREPARE_OK. Parameter and column definitions follow it. */
export interface StmtPrepareOk {
  readonly statementId: number;
  readonly columnCount: number;
  readonly paramCount: number;
  readonly warnings: number;
}

/** Writes a COM_STMT_PREPARE_OK payload. */
export function encodeStmtPrepareOk(w: PayloadWriter, ok: StmtPrepareOk): void {
  w.uint8(Header.OK).uint32(ok.statementId).uint16(ok.columnCount).uint16(ok.paramCount).uint8(0).uint16(ok.warnings);
}

/** Reads a COM_STMT_PREPARE_OK payload. */
export function decodeStmtPrepareOk(payload: Buffer): StmtPrepareOk {
  const r = new PayloadReader(payload);
  if (r.uint8() !== Header.OK) throw new ProtocolError('malformed', 'not a COM_STMT_PREPARE_OK packet');
  const statementId = r.uint32();
  const columnCount = r.uint16();
  const paramCount = r.uint16();
  r.skip(1);
  const warnings = r.remaining >= 2 ? r.uint16() : 0;
  return { statementId, columnCount, paramCount, warnings };
}
