/**
 * What the `atoll sql` shell needs from a connection: run one statement over the text
 * protocol and get a result set (raw text values, column names, which columns are numeric) or
 * an OK packet's counters. src/cli/mysql-client.ts implements it over mysql2; tests use fakes.
 */

/** A result set column. */
export interface ShellColumn {
  readonly name: string;
  /** Numbers are right-aligned in tables, as the mysql client does. */
  readonly numeric: boolean;
}

/** A result set, or the counters of an OK packet. */
export type ShellResult =
  | { readonly rows: readonly (readonly (string | null)[])[]; readonly columns: readonly ShellColumn[] }
  | { readonly ok: true; readonly affectedRows: number; readonly info: string; readonly warningCount: number };

/** A connection to the server. */
export interface ShellConnection {
  /** Runs one statement; rejects with a `ShellServerError` when the server reports an error. */
  query(sql: string): Promise<ShellResult>;
  /** Closes the connection. Never rejects. */
  close(): Promise<void>;
  /** True once the connection failed and must be replaced. */
  readonly broken?: boolean;
}

/** An error with MySQL's errno and SQLSTATE (from the server, or 2xxx from the client library). */
export interface ShellServerError {
  readonly errno: number;
  readonly sqlState: string;
  readonly message: string;
}

/** Whether `error` carries an errno and SQLSTATE. */
export function isShellServerError(error: unknown): error is ShellServerError {
  const e = error as Partial<ShellServerError> | null;
  return typeof e === 'object' && e !== null && typeof e.errno === 'number' && typeof e.sqlState === 'string' && typeof e.message === 'string';
}
