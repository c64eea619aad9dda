/**
 * Codec of the COM_STMT_EXECUTE request and the small statement commands around it
 * (COM_STMT_SEND_LONG_DATA, COM_STMT_CLOSE, COM_STMT_RESET).
 *
 * Execute layout: command 0x17, statement id<4>, flags<1> (cursor type), iteration count<4>;
 * then, when the statement has parameters: a NULL bitmap of (n+7)/8 bytes, the
 * new-params-bound flag<1>, when it is 1 a (type<1>, flags<1>) pair per parameter (flag
 * 0x80 = unsigned), then each parameter that is neither NULL nor sent as long data.
 * A client that does not rebind (flag 0) reuses the types of its previous execution.
 */
import type { SqlValue } from '../../../sql/session-api.js';
import { ColumnType } from '../../../sql/session-api.js';
import { SqlError } from '../../base/errors.js';
import { Command } from '../protocol-constants.js';
import { PayloadReader } from '../payload-reader.js';
import type { PayloadWriter } from '../payload-writer.js';
import { ProtocolError } from '../protocol-error.js';
import { isTextType, readBinaryValue, writeBinaryValue } from './binary-value.js';

/** A parameter's type as bound by the client. */
export interface ParamType {
  readonly type: number;
  readonly unsigned: boolean;
}

/** The fixed head of COM_STMT_EXECUTE. */
export interface StmtExecuteHeader {
  readonly statementId: number;
  readonly flags: number;
  readonly iterationCount: number;
}

/** What the server knows about a statement when it decodes parameters. */
export interface ParamContext {
  readonly paramCount: number;
  /** Types bound by an earlier execution, or null if never bound. */
  readonly previousTypes: readonly ParamType[] | null;
  /** Data sent with COM_STMT_SEND_LONG_DATA, by parameter index. */
  readonly longData: ReadonlyMap<number, Buffer>;
}

/** Decoded parameters and the types they were decoded with. */
export interface DecodedParams {
  readonly types: readonly ParamType[];
  readonly values: SqlValue[];
}

const UNSIGNED_FLAG = 0x80;

/** Reads the head of a COM_STMT_EXECUTE payload; the reader is left at the parameters. */
export function decodeStmtExecuteHeader(r: PayloadReader): StmtExecuteHeader {
  if (r.uint8() !== Command.STMT_EXECUTE) throw new ProtocolError('malformed', 'not a COM_STMT_EXECUTE packet');
  return { statementId: r.uint32(), flags: r.uint8(), iterationCount: r.uint32() };
}

/**
 * Reads the parameters after the head. Throws SqlError 1210 (as MySQL does) when the
 * client never bound types; a short or garbled packet throws ProtocolError.
 */
export function decodeStmtExecuteParams(r: PayloadReader, context: ParamContext): DecodedParams {
  const count = context.paramCount;
  if (count === 0) return { types: [], values: [] };
  const nullBitmap = r.bytes((count + 7) >> 3);
  const bound = r.uint8() === 1;
  let types: readonly ParamType[];
  if (bound) {
    const fresh: ParamType[] = [];
    for (let i = 0; i < count; i++) {
      const type = r.uint8();
      fresh.push({ type, unsigned: (r.uint8() & UNSIGNED_FLAG) !== 0 });
    }
    types = fresh;
  } else if (context.previousTypes !== null) {
    types = context.previousTypes;
  } else {
    throw new SqlError('WRONG_ARGUMENTS', 'Incorrect arguments to mysqld_stmt_execute');
  }
  const values: SqlValue[] = [];
  for (let i = 0; i < count; i++) {
    const longData = context.longData.get(i);
    const { type, unsigned } = types[i]!;
    if (longData !== undefined) values.push(longDataValue(longData, type));
    else if (nullBitmap[i >> 3]! & (1 << (i & 7))) values.push(null);
    else values.push(readBinaryValue(r, type, unsigned));
  }
  return { types, values };
}

function longDataValue(data: Buffer, type: number): SqlValue {
  return isTextType(type) ? data.toString('utf8') : Uint8Array.from(data);
}

/** One parameter as a client binds it (for encodeStmtExecute). */
export interface BoundParam {
  readonly type: number;
  readonly unsigned?: boolean;
  readonly value: SqlValue;
}

/** Writes a COM_STMT_EXECUTE payload (what a client does; used by tests). */
export function encodeStmtExecute(w: PayloadWriter, header: StmtExecuteHeader, params: readonly BoundParam[], rebind = true): void {
  w.uint8(Command.STMT_EXECUTE).uint32(header.statementId).uint8(header.flags).uint32(header.iterationCount);
  if (params.length === 0) return;
  const bitmap = new Uint8Array((params.length + 7) >> 3);
  params.forEach((p, i) => {
    if (p.value === null || p.type === ColumnType.NULL) bitmap[i >> 3]! |= 1 << (i & 7);
  });
  w.bytes(bitmap).uint8(rebind ? 1 : 0);
  if (rebind) for (const p of params) w.uint8(p.type).uint8(p.unsigned === true ? UNSIGNED_FLAG : 0);
  for (const p of params) if (p.value !== null && p.type !== ColumnType.NULL) writeBinaryValue(w, p.value, p.type);
}

/** COM_STMT_SEND_LONG_DATA: a piece of one parameter's value. */
export interface StmtSendLongData {
  readonly statementId: number;
  readonly paramIndex: number;
  readonly data: Buffer;
}

/** Reads a COM_STMT_SEND_LONG_DATA payload. */
export function decodeStmtSendLongData(payload: Buffer): StmtSendLongData {
  const r = new PayloadReader(payload);
  if (r.uint8() !== Command.STMT_SEND_LONG_DATA) throw new ProtocolError('malformed', 'not a COM_STMT_SEND_LONG_DATA packet');
  return { statementId: r.uint32(), paramIndex: r.uint16(), data: r.rest() };
}

/** Writes a COM_STMT_SEND_LONG_DATA payload (used by tests). */
export function encodeStmtSendLongData(w: PayloadWriter, request: StmtSendLongData): void {
  w.uint8(Command.STMT_SEND_LONG_DATA).uint32(request.statementId).uint16(request.paramIndex).bytes(request.data);
}

/** Reads the statement id of COM_STMT_CLOSE or COM_STMT_RESET. */
export function decodeStatementIdCommand(payload: Buffer): number {
  const r = new PayloadReader(payload, 1);
  return r.uint32();
}
