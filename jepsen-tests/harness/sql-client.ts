/**
 * The workloads' SQL connection: `src/cli/mysql-client.ts` (the project's one mysql2 file)
 * plus what a Jepsen client needs on top — a time limit on every statement (a node that is
 * paused or partitioned never answers) and the rule that decides whether a failed operation
 * certainly did not happen (`fail`) or may have happened (`info`).
 */
import { assertHarnessTarget } from './names.js';
import { connectTextClient, ServerError, type TextClient, type TextQueryResult } from '../../src/cli/mysql-client.js';

export { ServerError, type TextQueryResult };

/** Where to connect, and how long to wait. */
export interface SqlClientOptions {
  readonly host: string;
  readonly port: number;
  readonly user?: string;
  readonly connectTimeoutMs: number;
  /** A statement that takes longer is abandoned and its connection closed. */
  readonly queryTimeoutMs: number;
}

/** A statement outlived its time limit; its outcome is unknown. */
export class QueryTimeoutError extends Error {
  override readonly name = 'QueryTimeoutError';
}

/** One client connection with per-statement timeouts. */
export interface SqlConnection {
  query(sql: string): Promise<TextQueryResult>;
  /** Rows of a result set; throws if the statement returned an OK packet. */
  rows(sql: string): Promise<(string | null)[][]>;
  /** Affected rows of a statement that returns an OK packet. */
  affected(sql: string): Promise<number>;
  close(): Promise<void>;
  /** True after a timeout or a fatal error: open a new connection. */
  readonly broken: boolean;
}

/** Opens a connection; rejects with ServerError 2003 when the node cannot be reached in time. */
export async function openSqlConnection(options: SqlClientOptions): Promise<SqlConnection> {
  assertHarnessTarget(options.host);
  const client = await withTimeout(
    connectTextClient({ host: options.host, port: options.port, user: options.user ?? 'root', connectTimeoutMs: options.connectTimeoutMs }),
    options.connectTimeoutMs + 500,
    () => new ServerError(2003, 'HY000', `Can't connect to MySQL server on '${options.host}:${options.port}' (timeout)`, true),
    (late) => void late.then((c) => c.close(), () => undefined),
  );
  return new TimedConnection(client, options.queryTimeoutMs);
}

class TimedConnection implements SqlConnection {
  private timedOut = false;
  constructor(
    private readonly client: TextClient,
    private readonly queryTimeoutMs: number,
  ) {}

  get broken(): boolean {
    return this.timedOut || this.client.broken;
  }

  async query(sql: string): Promise<TextQueryResult> {
    return withTimeout(this.client.query(sql), this.queryTimeoutMs, () => {
      this.timedOut = true;
      void this.client.close();
      return new QueryTimeoutError(`no answer within ${this.queryTimeoutMs} ms: ${sql.slice(0, 80)}`);
    });
  }

  async rows(sql: string): Promise<(string | null)[][]> {
    const result = await this.query(sql);
    if (!('rows' in result)) throw new Error(`expected rows from: ${sql}`);
    return result.rows;
  }

  async affected(sql: string): Promise<number> {
    const result = await this.query(sql);
    if (!('ok' in result)) throw new Error(`expected an OK packet from: ${sql}`);
    return result.affectedRows;
  }

  close(): Promise<void> {
    return this.client.close();
  }
}

/**
 * Whether an operation that threw `error` certainly did not take effect. A server error
 * (errno below 2000: conflict 1213, lock wait 1205, duplicate 1062, …) and a failure to
 * connect (2003) mean it did not; a lost connection (2013), a timeout, or anything unknown
 * means it may have.
 */
export function errorOutcome(error: unknown): 'fail' | 'info' {
  if (error instanceof ServerError) return error.errno < 2000 || error.errno === 2003 ? 'fail' : 'info';
  return 'info';
}

/** A short, stable description of an error for the history. */
export function errorLabel(error: unknown): string {
  if (error instanceof ServerError) return `${error.errno}: ${error.message.slice(0, 120)}`;
  if (error instanceof QueryTimeoutError) return 'timeout';
  return error instanceof Error ? `${error.name}: ${error.message.slice(0, 120)}` : String(error);
}

/** A SQL string literal (single quotes, backslash and quote escaped). */
export function sqlString(text: string): string {
  return `'${text.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`;
}

function withTimeout<T>(promise: Promise<T>, timeoutMs: number, onTimeout: () => Error, onLate?: (late: Promise<T>) => void): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    let settled = false;
    const timer = setTimeout(() => {
      settled = true;
      onLate?.(promise);
      reject(onTimeout());
    }, timeoutMs);
    promise.then(
      (value) => {
        clearTimeout(timer);
        if (!settled) resolve(value);
      },
      (error: unknown) => {
        clearTimeout(timer);
        if (!settled) reject(error);
      },
    );
  });
}
