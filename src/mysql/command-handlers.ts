/**
 * The command phase of a connection: one handler per COM_* command, named after the
 * protocol. Each handler builds its whole response in one PacketWriter and sends it with
 * one write. A handler that throws answers with an ERR packet; the connection carries on.
 */
import type { SqlSession, SqlValue, StatementResult } from '../../sql/session-api.js';
import { SqlError } from '../base/errors.js';
import { limits } from '../base/limits.js';
import type { Logger } from '../base/logger.js';
import type { ErrPacket } from './codecs/err-packet.js';
import {
  type ParamType,
  decodeStatementIdCommand,
  decodeStmtExecuteHeader,
  decodeStmtExecuteParams,
  decodeStmtSendLongData,
} from './codecs/stmt-execute.js';
import { errPacketOf, ProtocolErr } from './error-packets.js';
import type { Packet } from './packet-parser.js';
import { PayloadReader } from './payload-reader.js';
import { PacketWriter } from './payload-writer.js';
import { Capability, Command, SetOption } from './protocol-constants.js';
import { ProtocolError } from './protocol-error.js';
import {
  type ResponseContext,
  type RowFormat,
  statusFlagsOf,
  writeEnd,
  writeErr,
  writeFieldList,
  writeOk,
  writePrepareOk,
  writeResults,
} from './result-writer.js';

/** What the handlers need from their connection. */
export interface CommandContext {
  readonly session: SqlSession;
  /** Negotiated capability flags. */
  readonly capabilities: number;
  readonly logger: Logger;
  readonly connectionId: number;
  readonly packetBytesMax: number;
  /** Sends one response (already framed). */
  readonly send: (bytes: Buffer) => void;
  /** Closes the connection (COM_QUIT). */
  readonly close: () => Promise<void>;
  /** The COM_STATISTICS text. */
  readonly statistics: () => string;
}

/** What the protocol remembers about one prepared statement. */
interface StatementState {
  readonly paramCount: number;
  /** Types of the last execution that bound them; reused when a client does not rebind. */
  types: readonly ParamType[] | null;
  /** COM_STMT_SEND_LONG_DATA pieces by parameter index, until the next execute or reset. */
  readonly longData: Map<number, Buffer[]>;
  longDataBytes: number;
  /** A long-data failure, reported by the next execute (long data has no response of its own). */
  longDataError: ErrPacket | null;
}

/** MariaDB's "the statement prepared last" id in COM_STMT_EXECUTE. */
const LAST_PREPARED_STATEMENT_ID = 0xffffffff;

/** Handlers for the command phase of one connection. */
export class CommandHandlers {
  private multiStatements: boolean;
  private readonly statements = new Map<number, StatementState>();
  private lastPreparedId = -1;

  constructor(private readonly ctx: CommandContext) {
    this.multiStatements = (ctx.capabilities & Capability.MULTI_STATEMENTS) !== 0;
  }

  /** Handles one command packet; never rejects. */
  async onPacket(packet: Packet): Promise<void> {
    const seq = packet.sequenceId + 1;
    try {
      await this.route(packet, seq);
    } catch (error) {
      const w = new PacketWriter(seq, 256);
      writeErr(w, errPacketOf(error, this.ctx.logger));
      this.ctx.send(w.toBuffer());
    }
  }

  private route(packet: Packet, seq: number): Promise<void> | void {
    const payload = packet.payload;
    if (payload.length === 0) throw new ProtocolError('malformed', 'empty command packet');
    switch (payload[0]) {
      case Command.QUERY:
        return this.onComQuery(payload, seq);
      case Command.INIT_DB:
        return this.onComInitDb(payload, seq);
      case Command.PING:
        return this.onComPing(seq);
      case Command.QUIT:
        return this.onComQuit();
      case Command.FIELD_LIST:
        return this.onComFieldList(payload, seq);
      case Command.RESET_CONNECTION:
        return this.onComResetConnection(seq);
      case Command.STATISTICS:
        return this.onComStatistics(seq);
      case Command.SET_OPTION:
        return this.onComSetOption(payload, seq);
      case Command.STMT_PREPARE:
        return this.onComStmtPrepare(payload, seq);
      case Command.STMT_EXECUTE:
        return this.onComStmtExecute(payload, seq);
      case Command.STMT_SEND_LONG_DATA:
        return this.onComStmtSendLongData(payload);
      case Command.STMT_CLOSE:
        return this.onComStmtClose(payload);
      case Command.STMT_RESET:
        return this.onComStmtReset(payload, seq);
      default:
        return this.respond(seq, (w) => writeErr(w, ProtocolErr.unknownCommand));
    }
  }

  private get response(): ResponseContext {
    return { capabilities: this.ctx.capabilities, statusFlags: statusFlagsOf(this.ctx.session) };
  }

  /** Builds one response and sends it in one write. */
  private respond(seq: number, fill: (w: PacketWriter, ctx: ResponseContext) => void): void {
    const w = new PacketWriter(seq);
    fill(w, this.response);
    this.ctx.send(w.toBuffer());
  }

  /** Sends results; if encoding them fails (a value its column type can not carry), sends ERR instead. */
  private respondWithResults(seq: number, results: readonly StatementResult[], format: RowFormat): void {
    const w = new PacketWriter(seq);
    try {
      writeResults(w, this.response, results.length > 0 ? results : [emptyQuery()], format);
    } catch (error) {
      this.respond(seq, (e) => writeErr(e, errPacketOf(error, this.ctx.logger)));
      return;
    }
    this.ctx.send(w.toBuffer());
  }

  /** COM_QUERY: run the statements of a text, results in text row format. */
  async onComQuery(payload: Buffer, seq: number): Promise<void> {
    if (payload.length - 1 > limits.queryBytesMax) {
      throw new SqlError('NET_PACKET_TOO_LARGE', `Query of ${payload.length - 1} bytes is larger than the limit of ${limits.queryBytesMax}`);
    }
    const sql = payload.toString('utf8', 1);
    const results = await this.ctx.session.query(sql, { multiStatements: this.multiStatements });
    this.respondWithResults(seq, results, 'text');
  }

  /** COM_INIT_DB: change the current database. */
  async onComInitDb(payload: Buffer, seq: number): Promise<void> {
    await this.ctx.session.useDatabase(payload.toString('utf8', 1));
    this.respond(seq, (w, ctx) => writeOk(w, ctx));
  }

  /** COM_PING: OK. */
  onComPing(seq: number): void {
    this.respond(seq, (w, ctx) => writeOk(w, ctx));
  }

  /** COM_QUIT: close without a response. */
  async onComQuit(): Promise<void> {
    await this.ctx.close();
  }

  /** COM_FIELD_LIST: the columns of a table, as column definitions. */
  async onComFieldList(payload: Buffer, seq: number): Promise<void> {
    const r = new PayloadReader(payload, 1);
    const table = r.nulStringOrRest();
    const wildcard = r.rest().toString('utf8');
    const columns = await this.ctx.session.fieldList(table, wildcard);
    this.respond(seq, (w, ctx) => writeFieldList(w, ctx, columns));
  }

  /** COM_RESET_CONNECTION: reset the session and forget prepared statements. */
  async onComResetConnection(seq: number): Promise<void> {
    await this.ctx.session.reset();
    this.statements.clear();
    this.lastPreparedId = -1;
    this.respond(seq, (w, ctx) => writeOk(w, ctx));
  }

  /** COM_STATISTICS: a human-readable line, sent as a bare string packet. */
  onComStatistics(seq: number): void {
    this.respond(seq, (w) => w.packet((p) => p.string(this.ctx.statistics())));
  }

  /** COM_SET_OPTION: turn multi-statements on or off; answered with EOF. */
  onComSetOption(payload: Buffer, seq: number): void {
    const option = new PayloadReader(payload, 1).uint16();
    if (option !== SetOption.MULTI_STATEMENTS_ON && option !== SetOption.MULTI_STATEMENTS_OFF) {
      this.respond(seq, (w) => writeErr(w, ProtocolErr.unknownCommand));
      return;
    }
    this.multiStatements = option === SetOption.MULTI_STATEMENTS_ON;
    this.respond(seq, (w, ctx) => writeEnd(w, ctx, ctx.statusFlags));
  }

  /** COM_STMT_PREPARE: prepare, then describe parameters and result columns. */
  async onComStmtPrepare(payload: Buffer, seq: number): Promise<void> {
    if (this.statements.size >= limits.preparedStatementsPerConnectionMax) {
      throw new SqlError(
        'MAX_PREPARED_STMT_COUNT_REACHED',
        `Can't create more than max_prepared_stmt_count statements (current value: ${limits.preparedStatementsPerConnectionMax})`,
      );
    }
    const info = await this.ctx.session.prepare(payload.toString('utf8', 1));
    this.statements.set(info.statementId, { paramCount: info.paramCount, types: null, longData: new Map(), longDataBytes: 0, longDataError: null });
    this.lastPreparedId = info.statementId;
    this.respond(seq, (w, ctx) => writePrepareOk(w, ctx, info));
  }

  /** COM_STMT_EXECUTE: decode parameters, execute, results in binary row format. */
  async onComStmtExecute(payload: Buffer, seq: number): Promise<void> {
    const r = new PayloadReader(payload);
    const header = decodeStmtExecuteHeader(r);
    const statementId = header.statementId === LAST_PREPARED_STATEMENT_ID ? this.lastPreparedId : header.statementId;
    const statement = this.statementOrThrow(statementId, 'mysqld_stmt_execute');
    const values = this.decodeParams(r, statement);
    const result = await this.ctx.session.executePrepared(statementId, values);
    this.respondWithResults(seq, [result], 'binary');
  }

  private decodeParams(r: PayloadReader, statement: StatementState): SqlValue[] {
    const longDataError = statement.longDataError;
    const longData = new Map<number, Buffer>();
    for (const [index, pieces] of statement.longData) longData.set(index, Buffer.concat(pieces));
    clearLongData(statement);
    if (longDataError !== null) throw new SqlError('WRONG_ARGUMENTS', longDataError.message);
    try {
      const decoded = decodeStmtExecuteParams(r, { paramCount: statement.paramCount, previousTypes: statement.types, longData });
      statement.types = decoded.types;
      return decoded.values;
    } catch (error) {
      if (error instanceof ProtocolError) throw new SqlError('WRONG_ARGUMENTS', `Incorrect arguments to mysqld_stmt_execute: ${error.message}`);
      throw error;
    }
  }

  /** COM_STMT_SEND_LONG_DATA: append to a parameter's value; no response, errors wait for execute. */
  onComStmtSendLongData(payload: Buffer): void {
    const request = decodeStmtSendLongData(payload);
    const statement = this.statements.get(request.statementId);
    if (statement === undefined || statement.longDataError !== null) return;
    if (request.paramIndex >= statement.paramCount) {
      statement.longDataError = { errno: 1210, sqlState: 'HY000', message: 'Incorrect arguments to mysqld_stmt_send_long_data' };
      return;
    }
    statement.longDataBytes += request.data.length;
    if (statement.longDataBytes > this.ctx.packetBytesMax) {
      statement.longDataError = {
        errno: 1210,
        sqlState: 'HY000',
        message: `Parameter of prepared statement which is set through mysql_send_long_data() is longer than 'max_allowed_packet' bytes`,
      };
      return;
    }
    const pieces = statement.longData.get(request.paramIndex) ?? [];
    pieces.push(Buffer.from(request.data));
    statement.longData.set(request.paramIndex, pieces);
  }

  /** COM_STMT_CLOSE: forget the statement; no response. */
  onComStmtClose(payload: Buffer): void {
    const statementId = decodeStatementIdCommand(payload);
    if (!this.statements.delete(statementId)) return;
    this.ctx.session.closePrepared(statementId);
  }

  /** COM_STMT_RESET: drop long data collected for the statement. */
  onComStmtReset(payload: Buffer, seq: number): void {
    const statement = this.statementOrThrow(decodeStatementIdCommand(payload), 'mysqld_stmt_reset');
    clearLongData(statement);
    this.respond(seq, (w, ctx) => writeOk(w, ctx));
  }

  private statementOrThrow(statementId: number, command: string): StatementState {
    const statement = this.statements.get(statementId);
    if (statement === undefined) throw new SqlError('UNKNOWN_STMT_HANDLER', `Unknown prepared statement handler (${statementId}) given to ${command}`);
    return statement;
  }
}

function clearLongData(statement: StatementState): void {
  statement.longData.clear();
  statement.longDataBytes = 0;
  statement.longDataError = null;
}

function emptyQuery(): StatementResult {
  return { kind: 'error', error: new SqlError('EMPTY_QUERY', 'Query was empty') };
}

