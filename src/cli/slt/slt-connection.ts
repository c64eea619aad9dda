/**
 * What the sqllogictest runner needs from a database connection: run one SQL text over the
 * text protocol and get every value back as the server's raw text (null for SQL NULL), so that
 * all rendering is the runner's. src/cli/mysql-client.ts implements it over mysql2; tests use
 * small fakes.
 */

/** The outcome of one SQL text: a result set, or an OK packet. */
export type SltQueryResult = { readonly rows: readonly (readonly (string | null)[])[] } | { readonly ok: true };

/** A connection to the server under test. */
export interface SltConnection {
  /** Runs one statement; rejects with the server's error. */
  query(sql: string): Promise<SltQueryResult>;
  /** Closes the connection, abandoning a query still running. Never rejects. */
  close(): Promise<void>;
  /** True once the connection itself failed (lost, protocol error): it must be replaced. */
  readonly broken?: boolean;
}

/** Opens a new connection, optionally with a default database. */
export type SltConnect = (database: string | null) => Promise<SltConnection>;
