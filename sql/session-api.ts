/**
 * The contract between the wire protocol (src/mysql) and the SQL layer. The protocol knows
 * packets; the SQL layer knows statements. Values crossing this boundary are plain:
 *
 *   null                 SQL NULL
 *   bigint               every integer type (TINYINT … BIGINT, signed or unsigned), YEAR
 *   number               FLOAT and DOUBLE
 *   string               CHAR/VARCHAR/TEXT (utf8mb4), DECIMAL as its exact text ('100.30'),
 *                        DATE 'YYYY-MM-DD', DATETIME/TIMESTAMP 'YYYY-MM-DD HH:MM:SS[.ffffff]',
 *                        TIME '[-]HH:MM:SS[.ffffff]'
 *   Uint8Array           BINARY/VARBINARY/BLOB
 *
 * The column's `type` (MySQL's MYSQL_TYPE_* code) tells the protocol how to encode a value in
 * the binary row format; the text format is the value's canonical text.
 */
import type { SqlError } from '../src/base/errors.js';

/** A value crossing the protocol boundary (see the module comment). */
export type SqlValue = null | bigint | number | string | Uint8Array;

/** MySQL column type codes (enum_field_types). */
export const ColumnType = {
  DECIMAL: 0x00,
  TINY: 0x01,
  SHORT: 0x02,
  LONG: 0x03,
  FLOAT: 0x04,
  DOUBLE: 0x05,
  NULL: 0x06,
  TIMESTAMP: 0x07,
  LONGLONG: 0x08,
  INT24: 0x09,
  DATE: 0x0a,
  TIME: 0x0b,
  DATETIME: 0x0c,
  YEAR: 0x0d,
  VARCHAR: 0x0f,
  BIT: 0x10,
  JSON: 0xf5,
  NEWDECIMAL: 0xf6,
  ENUM: 0xf7,
  SET: 0xf8,
  TINY_BLOB: 0xf9,
  MEDIUM_BLOB: 0xfa,
  LONG_BLOB: 0xfb,
  BLOB: 0xfc,
  VAR_STRING: 0xfd,
  STRING: 0xfe,
  GEOMETRY: 0xff,
} as const;
export type ColumnType = (typeof ColumnType)[keyof typeof ColumnType];

/** MySQL column definition flags. */
export const ColumnFlag = {
  NOT_NULL: 1,
  PRI_KEY: 2,
  UNIQUE_KEY: 4,
  MULTIPLE_KEY: 8,
  BLOB: 16,
  UNSIGNED: 32,
  ZEROFILL: 64,
  BINARY: 128,
  ENUM: 256,
  AUTO_INCREMENT: 512,
  TIMESTAMP: 1024,
  SET: 2048,
  NO_DEFAULT_VALUE: 4096,
  ON_UPDATE_NOW: 8192,
  NUM: 32768,
} as const;

/** Collation ids the protocol announces in column definitions. */
export const Charset = {
  /** utf8mb4_general_ci: text columns and text results. */
  UTF8MB4_GENERAL_CI: 45,
  /** binary: numbers, dates and binary strings. */
  BINARY: 63,
} as const;

/** One column of a result set, as a MySQL column definition packet describes it. */
export interface ColumnInfo {
  /** Database of the underlying table ('' for expressions). */
  readonly schema: string;
  /** Table alias as written in the query ('' for expressions). */
  readonly table: string;
  /** Underlying table name ('' for expressions). */
  readonly orgTable: string;
  /** Column alias as the client sees it. */
  readonly name: string;
  /** Underlying column name ('' for expressions). */
  readonly orgName: string;
  /** Collation id (Charset.*). */
  readonly charset: number;
  /** Maximum display length in bytes of the charset (MySQL's column_length). */
  readonly columnLength: number;
  readonly type: ColumnType;
  /** ColumnFlag bits. */
  readonly flags: number;
  /** Digits after the point: DECIMAL scale, fractional seconds; 0x1f for "not fixed" (floats, strings). */
  readonly decimals: number;
}

/** The result of one statement. */
export type StatementResult =
  | {
      readonly kind: 'rows';
      readonly columns: readonly ColumnInfo[];
      readonly rows: readonly (readonly SqlValue[])[];
      readonly warningCount: number;
    }
  | {
      readonly kind: 'ok';
      readonly affectedRows: bigint;
      readonly lastInsertId: bigint;
      /** Human-readable info, e.g. 'Records: 2  Duplicates: 0  Warnings: 0'. */
      readonly info: string;
      readonly warningCount: number;
    }
  | { readonly kind: 'error'; readonly error: SqlError };

/** What COM_STMT_PREPARE learns about a statement. */
export interface PreparedStatementInfo {
  readonly statementId: number;
  readonly paramCount: number;
  /** Result columns when known at prepare time (empty for statements without a result set). */
  readonly columns: readonly ColumnInfo[];
}

/** Session state the protocol reports in OK/EOF status flags. */
export interface SessionStatus {
  readonly inTransaction: boolean;
  readonly autocommit: boolean;
}

/** How one COM_QUERY text is run. */
export interface QueryOptions {
  /**
   * False for a client that did not enable CLIENT_MULTI_STATEMENTS: a text holding a second
   * statement is MySQL's syntax error (1064) at that statement, and nothing runs. Default true.
   */
  readonly multiStatements?: boolean;
}

/** One client session of the SQL layer: current database, variables, open transaction, prepared statements. */
export interface SqlSession {
  readonly status: SessionStatus;
  /** Current database, or null. */
  readonly database: string | null;
  /**
   * Runs the statements of one COM_QUERY text in order. Stops at the first error, which is
   * the last element. Never rejects for a SQL-level problem: that comes back as an 'error' result.
   */
  query(sqlText: string, options?: QueryOptions): Promise<StatementResult[]>;
  /** COM_INIT_DB. Throws SqlError (1049) for an unknown database. */
  useDatabase(name: string): Promise<void>;
  /** COM_STMT_PREPARE. Throws SqlError. */
  prepare(sqlText: string): Promise<PreparedStatementInfo>;
  /** COM_STMT_EXECUTE with decoded parameters. Never rejects for a SQL-level problem. */
  executePrepared(statementId: number, params: readonly SqlValue[]): Promise<StatementResult>;
  /** COM_STMT_CLOSE. */
  closePrepared(statementId: number): void;
  /** COM_FIELD_LIST: the columns of `table` whose names match `wildcard` (SQL LIKE). */
  fieldList(table: string, wildcard: string): Promise<ColumnInfo[]>;
  /** COM_RESET_CONNECTION: rolls back, drops prepared statements and user variables. */
  reset(): Promise<void>;
  /** Connection closed: rolls back the open transaction. */
  close(): Promise<void>;
}

/** Opens sessions; one per client connection. */
export interface SqlSessionFactory {
  openSession(options: { readonly user: string; readonly database: string | null; readonly connectionId: number }): Promise<SqlSession>;
}
