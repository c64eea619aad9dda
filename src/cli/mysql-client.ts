/**
 * The one file that imports 'mysql2': a text-protocol client for Atoll's own tools (the
 * sqllogictest runner and the `atoll sql` shell). Every value comes back as the server's raw
 * text (null for SQL NULL) so that formatting belongs to the tool, and every failure is a
 * `ServerError` carrying MySQL's errno and SQLSTATE (client-side failures use the client
 * error numbers of libmysqlclient: 2003 cannot connect, 2013 lost connection).
 */
import mysql from 'mysql2/promise';

/** Where and as whom to connect. */
export interface TextClientOptions {
  readonly host: string;
  readonly port: number;
  readonly user: string;
  readonly password?: string;
  readonly database?: string;
  /** Gives up connecting after this long. */
  readonly connectTimeoutMs?: number;
}

/** A result set column. */
export interface TextColumn {
  readonly name: string;
  /** A numeric type (the mysql client right-aligns these). */
  readonly numeric: boolean;
}

/** A result set with raw text values, or an OK packet's counters. */
export type TextQueryResult =
  | { readonly rows: (string | null)[][]; readonly columns: readonly TextColumn[] }
  | { readonly ok: true; readonly affectedRows: number; readonly insertId: number; readonly info: string; readonly warningCount: number };

/** An error as the server (or, for 2xxx, the client library) reported it. */
export class ServerError extends Error {
  override readonly name = 'ServerError';
  constructor(
    readonly errno: number,
    readonly sqlState: string,
    message: string,
    /** The connection is unusable after this error. */
    readonly fatal: boolean,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

/** A connection speaking the text protocol. */
export interface TextClient {
  query(sql: string): Promise<TextQueryResult>;
  /** Closes the connection; abandons a query still running. Never rejects. */
  close(): Promise<void>;
  /** True once the connection failed and must be replaced. */
  readonly broken: boolean;
}

// Column type codes that are numbers (IS_NUM in the mysql client).
const numericTypeNames = ['DECIMAL', 'NEWDECIMAL', 'TINY', 'SHORT', 'LONG', 'LONGLONG', 'INT24', 'FLOAT', 'DOUBLE', 'YEAR', 'BIT'];
const numericTypeCodes = new Set(Object.entries(mysql.Types).flatMap(([name, code]) => (numericTypeNames.includes(name) ? [code] : [])));

/** Opens a connection; rejects with ServerError (2003 when the server cannot be reached). */
export async function connectTextClient(options: TextClientOptions): Promise<TextClient> {
  try {
    const connection = await mysql.createConnection({
      host: options.host,
      port: options.port,
      user: options.user,
      ...(options.password === undefined ? {} : { password: options.password }),
      ...(options.database === undefined ? {} : { database: options.database }),
      connectTimeout: options.connectTimeoutMs ?? 10_000,
      multipleStatements: false,
      rowsAsArray: true,
      typeCast: rawText,
    });
    return new Mysql2TextClient(connection);
  } catch (error) {
    throw toServerError(error, `${options.host}:${options.port}`);
  }
}

/** typeCast: the server's text as is; BIT as its unsigned integer value; JSON as UTF-8. */
function rawText(field: { type: string; string(encoding?: string): string | null; buffer(): Buffer | null }): string | null {
  if (field.type === 'BIT') {
    const bytes = field.buffer();
    return bytes === null ? null : BigInt('0x' + (bytes.toString('hex') || '0')).toString();
  }
  return field.type === 'JSON' ? field.string('utf8') : field.string();
}

class Mysql2TextClient implements TextClient {
  private failed = false;
  private inFlight = 0;

  constructor(private readonly connection: mysql.Connection) {
    connection.on('error', () => {
      this.failed = true; // a connection-level error outside a query; the next query reports it
    });
  }

  get broken(): boolean {
    return this.failed;
  }

  async query(sql: string): Promise<TextQueryResult> {
    this.inFlight++;
    try {
      const [result, fields] = await this.connection.query({ sql, rowsAsArray: true });
      if (Array.isArray(result)) {
        const columns = (fields ?? []).map((f) => ({ name: f.name, numeric: f.type !== undefined && numericTypeCodes.has(f.type) }));
        return { rows: result as unknown as (string | null)[][], columns };
      }
      const header = result as mysql.ResultSetHeader;
      return { ok: true, affectedRows: header.affectedRows, insertId: Number(header.insertId), info: header.info ?? '', warningCount: header.warningStatus ?? 0 };
    } catch (error) {
      const serverError = toServerError(error, null);
      if (serverError.fatal) this.failed = true;
      throw serverError;
    } finally {
      this.inFlight--;
    }
  }

  async close(): Promise<void> {
    if (this.inFlight > 0 || this.failed) {
      this.connection.destroy();
      return;
    }
    try {
      await this.connection.end();
    } catch {
      this.connection.destroy();
    }
  }
}

/** Converts whatever mysql2 threw into a ServerError. */
function toServerError(error: unknown, connectingTo: string | null): ServerError {
  const e = error as { errno?: number; sqlState?: string; sqlMessage?: string; code?: string; message?: string; fatal?: boolean };
  if (typeof e.sqlState === 'string' && typeof e.errno === 'number' && e.errno > 0 && e.errno < 2000) {
    return new ServerError(e.errno, e.sqlState, e.sqlMessage ?? e.message ?? 'error', e.fatal === true, { cause: error });
  }
  const detail = e.code ?? e.message ?? String(error);
  if (connectingTo !== null) {
    return new ServerError(2003, 'HY000', `Can't connect to MySQL server on '${connectingTo}' (${detail})`, true, { cause: error });
  }
  return new ServerError(2013, 'HY000', `Lost connection to MySQL server during query (${detail})`, true, { cause: error });
}
