/**
 * One file's connection to the server, kept usable: every query is bounded by a timeout, and
 * a connection that timed out or broke is closed and replaced (on the same database) before
 * the next query. Connection trouble surfaces as `SltConnectionError`, distinct from the
 * server's SQL errors, so a `statement error` record is not passed by a dead connection.
 */
import type { SltConnect, SltConnection, SltQueryResult } from './slt-connection.js';

/** The connection, not the SQL, failed: connect refused, query timed out, connection lost. */
export class SltConnectionError extends Error {
  override readonly name = 'SltConnectionError';
}

export class SltSession {
  private connection: SltConnection | null = null;
  constructor(
    private readonly connect: SltConnect,
    private readonly timeoutMs: number,
    /** The database new connections start in (null: none). */
    private database: string | null = null,
  ) {}

  /** From now on, (re)connections start in this database; the current one switches with USE. */
  async useDatabase(name: string): Promise<void> {
    await this.query(`USE ${name}`);
    this.database = name;
  }

  /** Runs one SQL text within the timeout. */
  async query(sql: string): Promise<SltQueryResult> {
    const connection = await this.liveConnection();
    const pending = connection.query(sql);
    try {
      return await withTimeout(pending, this.timeoutMs, `query did not finish within ${this.timeoutMs} ms`);
    } catch (error) {
      if (error instanceof SltConnectionError || connection.broken === true) {
        await this.dropConnection();
        if (error instanceof SltConnectionError) throw error;
        throw new SltConnectionError(`connection lost: ${messageOf(error)}`, { cause: error });
      }
      throw error;
    }
  }

  /** Closes the connection. */
  async close(): Promise<void> {
    await this.dropConnection();
  }

  private async liveConnection(): Promise<SltConnection> {
    if (this.connection !== null) return this.connection;
    const pending = this.connect(this.database);
    let connection: SltConnection;
    try {
      connection = await withTimeout(pending, this.timeoutMs, `connect did not finish within ${this.timeoutMs} ms`);
    } catch (error) {
      pending.then((late) => late.close(), () => undefined); // a connect that lands after the timeout is closed
      if (error instanceof SltConnectionError) throw error;
      throw new SltConnectionError(`cannot connect: ${messageOf(error)}`, { cause: error });
    }
    this.connection = connection;
    return connection;
  }

  private async dropConnection(): Promise<void> {
    const connection = this.connection;
    this.connection = null;
    if (connection !== null) await connection.close();
  }
}

/** Settles like `work`, or rejects with SltConnectionError after `timeoutMs`. */
async function withTimeout<T>(work: Promise<T>, timeoutMs: number, message: string): Promise<T> {
  work.catch(() => undefined); // a late rejection after the timeout must not go unhandled
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new SltConnectionError(message)), timeoutMs);
  });
  try {
    return await Promise.race([work, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

/** The message of anything thrown. */
export function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
