/**
 * A small stand-in for the SQL layer, for the protocol's tests only. It understands a handful
 * of statement shapes — enough to exercise every packet kind — and records what it was given
 * so tests can check what the protocol decoded:
 *
 *   SELECT <literal>[, <literal>…]    one row; integers → LONGLONG, 1.5 → NEWDECIMAL,
 *                                     1.5e0 → DOUBLE, 'text' → VAR_STRING, NULL → NULL
 *   SELECT * FROM t                   the typed table below (every column type)
 *   SELECT ?[, ?…] (prepared)         echoes the parameters
 *   BEGIN / COMMIT / ROLLBACK         toggle the transaction flag
 *   SET autocommit=0|1
 *   INSERT …                          OK: 1 row affected, last insert id 42
 *   SELECT * FROM missing             an 'error' result (1146)
 *   CRASH                             throws a plain Error (a bug in the SQL layer)
 */
import type {
  ColumnInfo,
  PreparedStatementInfo,
  QueryOptions,
  SessionStatus,
  SqlSession,
  SqlSessionFactory,
  SqlValue,
  StatementResult,
} from '../../../sql/session-api.js';
import { Charset, ColumnFlag, ColumnType } from '../../../sql/session-api.js';
import { SqlError } from '../../base/errors.js';

/** A column description with defaults for the fields tests do not care about. */
export function column(name: string, type: ColumnType, extra: Partial<ColumnInfo> = {}): ColumnInfo {
  const binary = extra.charset === Charset.BINARY || (extra.charset === undefined && !isText(type));
  return {
    schema: '',
    table: '',
    orgTable: '',
    name,
    orgName: '',
    charset: binary ? Charset.BINARY : Charset.UTF8MB4_GENERAL_CI,
    columnLength: 20,
    type,
    flags: binary ? ColumnFlag.BINARY : 0,
    decimals: 0x1f,
    ...extra,
  };
}

function isText(type: number): boolean {
  return type === ColumnType.VAR_STRING || type === ColumnType.STRING || type === ColumnType.VARCHAR || type === ColumnType.NEWDECIMAL;
}

const tableOf = (c: ColumnInfo): ColumnInfo => ({ ...c, schema: 'test', table: 't', orgTable: 't', orgName: c.name });

/** The columns of table `t`: one of each type the binary protocol encodes differently. */
export const TYPED_COLUMNS: readonly ColumnInfo[] = [
  column('tiny', ColumnType.TINY, { columnLength: 4 }),
  column('small', ColumnType.SHORT, { columnLength: 6 }),
  column('medium', ColumnType.INT24, { columnLength: 9 }),
  column('int', ColumnType.LONG, { columnLength: 11 }),
  column('big', ColumnType.LONGLONG),
  column('ubig', ColumnType.LONGLONG, { flags: ColumnFlag.UNSIGNED | ColumnFlag.BINARY }),
  column('yr', ColumnType.YEAR, { columnLength: 4, flags: ColumnFlag.UNSIGNED | ColumnFlag.BINARY }),
  column('flt', ColumnType.FLOAT, { columnLength: 12 }),
  column('dbl', ColumnType.DOUBLE, { columnLength: 22 }),
  column('dec', ColumnType.NEWDECIMAL, { columnLength: 12, decimals: 2 }),
  column('d', ColumnType.DATE, { columnLength: 10, decimals: 0 }),
  column('dt', ColumnType.DATETIME, { columnLength: 26, decimals: 6 }),
  column('ts', ColumnType.TIMESTAMP, { columnLength: 19, decimals: 0 }),
  column('tm', ColumnType.TIME, { columnLength: 10, decimals: 0 }),
  column('s', ColumnType.VAR_STRING, { columnLength: 400 }),
  column('txt', ColumnType.BLOB, { columnLength: 262140, charset: Charset.UTF8MB4_GENERAL_CI, flags: ColumnFlag.BLOB }),
  column('bin', ColumnType.BLOB, { columnLength: 65535, flags: ColumnFlag.BLOB | ColumnFlag.BINARY }),
].map(tableOf);

/** The rows of table `t`. */
export const TYPED_ROWS: readonly (readonly SqlValue[])[] = [
  [
    -128n, -32768n, -8388608n, -2147483648n, -9223372036854775808n, 18446744073709551615n, 2024n,
    1.5, 0.1, '-12345.67', '2024-02-29', '2024-02-29 23:59:58.123456', '1970-01-01 00:00:01', '-838:59:59',
    'héllo wörld ✓ 😀', 'a text column', Uint8Array.of(0, 1, 2, 255),
  ],
  [
    127n, 32767n, 8388607n, 2147483647n, 9223372036854775807n, 0n, 1901n,
    -3.25, 1e21, '0.00', '1000-01-01', '2000-01-01 00:00:00', '2038-01-19 03:14:07', '00:00:00',
    '', '', Uint8Array.of(),
  ],
  [null, null, null, null, null, null, null, null, null, null, null, null, null, null, null, null, null],
];

/** Everything the fake sessions saw, for tests to inspect. */
export interface FakeLog {
  readonly opened: { user: string; database: string | null; connectionId: number }[];
  readonly queries: string[];
  /** Texts refused for holding a second statement with multi-statements off (nothing ran). */
  readonly refused: string[];
  readonly executions: { statementId: number; params: readonly SqlValue[] }[];
  readonly closedStatements: number[];
  closedSessions: number;
  resets: number;
}

/** A factory of fake sessions sharing one log. */
export class FakeSessionFactory implements SqlSessionFactory {
  readonly log: FakeLog = { opened: [], queries: [], refused: [], executions: [], closedStatements: [], closedSessions: 0, resets: 0 };
  readonly databases = new Set(['test', 'other']);

  async openSession(options: { readonly user: string; readonly database: string | null; readonly connectionId: number }): Promise<SqlSession> {
    if (options.database !== null && !this.databases.has(options.database)) {
      throw new SqlError('BAD_DB', `Unknown database '${options.database}'`);
    }
    this.log.opened.push({ ...options });
    return new FakeSession(this, options.database);
  }
}

class FakeSession implements SqlSession {
  status: SessionStatus = { inTransaction: false, autocommit: true };
  private readonly prepared = new Map<number, { sql: string; paramCount: number }>();
  private nextStatementId = 1;

  constructor(
    private readonly factory: FakeSessionFactory,
    public database: string | null,
  ) {}

  async query(sqlText: string, options: QueryOptions = {}): Promise<StatementResult[]> {
    this.factory.log.queries.push(sqlText);
    const statements = splitStatements(sqlText);
    // As the real session does (sql/session.ts): a second statement without multi-statements
    // is a syntax error at it, and nothing runs.
    if (options.multiStatements === false && statements.length > 1) {
      this.factory.log.refused.push(sqlText);
      return [{ kind: 'error', error: new SqlError('PARSE', `You have an error in your SQL syntax; check the manual that corresponds to your MySQL server version for the right syntax to use near '${statements[1]}' at line 1`) }];
    }
    const results: StatementResult[] = [];
    for (const statement of statements) {
      const result = this.run(statement);
      results.push(result);
      if (result.kind === 'error') break;
    }
    return results;
  }

  private run(sql: string): StatementResult {
    const upper = sql.toUpperCase();
    if (upper === 'CRASH') throw new Error('boom: the SQL layer has a bug');
    if (upper === 'BEGIN' || upper === 'START TRANSACTION') return this.setStatus({ inTransaction: true, autocommit: this.status.autocommit });
    if (upper === 'COMMIT' || upper === 'ROLLBACK') return this.setStatus({ inTransaction: false, autocommit: this.status.autocommit });
    if (upper.startsWith('SET AUTOCOMMIT')) return this.setStatus({ inTransaction: this.status.inTransaction, autocommit: upper.endsWith('1') });
    if (upper.startsWith('INSERT')) return { kind: 'ok', affectedRows: 1n, lastInsertId: 42n, info: '', warningCount: 0 };
    if (upper === 'SELECT * FROM T') return { kind: 'rows', columns: TYPED_COLUMNS, rows: TYPED_ROWS, warningCount: 0 };
    if (upper === 'SELECT * FROM MISSING') return { kind: 'error', error: new SqlError('NO_SUCH_TABLE', "Table 'test.missing' doesn't exist") };
    if (upper === 'SELECT DATABASE()') return { kind: 'rows', columns: [column('DATABASE()', ColumnType.VAR_STRING)], rows: [[this.database]], warningCount: 0 };
    if (upper.startsWith('SELECT ')) return selectLiterals(sql.slice(7));
    return { kind: 'error', error: new SqlError('PARSE', `You have an error in your SQL syntax near '${sql}'`) };
  }

  private setStatus(status: SessionStatus): StatementResult {
    this.status = status;
    return { kind: 'ok', affectedRows: 0n, lastInsertId: 0n, info: '', warningCount: 0 };
  }

  async useDatabase(name: string): Promise<void> {
    if (!this.factory.databases.has(name)) throw new SqlError('BAD_DB', `Unknown database '${name}'`);
    this.database = name;
  }

  async prepare(sqlText: string): Promise<PreparedStatementInfo> {
    if (sqlText.toUpperCase() === 'CRASH') throw new Error('boom in prepare');
    const paramCount = (sqlText.match(/\?/g) ?? []).length;
    const statementId = this.nextStatementId++;
    this.prepared.set(statementId, { sql: sqlText, paramCount });
    const upper = sqlText.toUpperCase();
    // Like MySQL, a SELECT's columns are known at prepare time; the echo's types depend on the
    // bound values, so they are announced as strings and resent with each execute.
    const columns = upper === 'SELECT * FROM T' ? TYPED_COLUMNS : upper.startsWith('SELECT') ? Array.from({ length: paramCount }, (_, i) => column(`p${i}`, ColumnType.VAR_STRING)) : [];
    return { statementId, paramCount, columns };
  }

  async executePrepared(statementId: number, params: readonly SqlValue[]): Promise<StatementResult> {
    const statement = this.prepared.get(statementId);
    if (statement === undefined) return { kind: 'error', error: new SqlError('UNKNOWN_STMT_HANDLER', `Unknown prepared statement handler (${statementId})`) };
    this.factory.log.executions.push({ statementId, params });
    if (statement.sql.toUpperCase() === 'SELECT * FROM T') return this.run('SELECT * FROM T');
    if (statement.sql.toUpperCase().startsWith('INSERT')) return this.run('INSERT');
    return { kind: 'rows', columns: params.map((p, i) => columnForValue(`p${i}`, p)), rows: [params], warningCount: 0 };
  }

  closePrepared(statementId: number): void {
    this.prepared.delete(statementId);
    this.factory.log.closedStatements.push(statementId);
  }

  async fieldList(table: string): Promise<ColumnInfo[]> {
    if (table !== 't') throw new SqlError('NO_SUCH_TABLE', `Table 'test.${table}' doesn't exist`);
    return [...TYPED_COLUMNS];
  }

  async reset(): Promise<void> {
    this.factory.log.resets++;
    this.prepared.clear();
    this.status = { inTransaction: false, autocommit: true };
  }

  async close(): Promise<void> {
    this.factory.log.closedSessions++;
  }
}

/** Splits on ';' outside single-quoted strings. */
function splitStatements(sql: string): string[] {
  const statements: string[] = [];
  let current = '';
  let quoted = false;
  for (const c of sql) {
    if (c === "'") quoted = !quoted;
    if (c === ';' && !quoted) {
      statements.push(current);
      current = '';
    } else {
      current += c;
    }
  }
  statements.push(current);
  return statements.map((s) => s.trim()).filter((s) => s !== '');
}

/** A logger that drops everything (tests provoke errors on purpose). */
export const silentLogger = { debug: () => {}, info: () => {}, warn: () => {}, error: () => {} };

function columnForValue(name: string, value: SqlValue): ColumnInfo {
  if (value === null) return column(name, ColumnType.NULL);
  if (typeof value === 'bigint') return column(name, ColumnType.LONGLONG);
  if (typeof value === 'number') return column(name, ColumnType.DOUBLE);
  if (typeof value === 'string') return column(name, ColumnType.VAR_STRING);
  return column(name, ColumnType.BLOB, { flags: ColumnFlag.BLOB | ColumnFlag.BINARY });
}

function selectLiterals(list: string): StatementResult {
  const texts = list.match(/'(?:[^'\\]|\\.|'')*'|[^,]+/g)?.map((t) => t.trim()) ?? [];
  const columns: ColumnInfo[] = [];
  const row: SqlValue[] = [];
  for (const text of texts) {
    const [col, value] = literal(text);
    columns.push(col);
    row.push(value);
  }
  return { kind: 'rows', columns, rows: [row], warningCount: 0 };
}

function literal(text: string): [ColumnInfo, SqlValue] {
  if (/^null$/i.test(text)) return [column('NULL', ColumnType.NULL), null];
  if (/^-?\d+$/.test(text)) return [column(text, ColumnType.LONGLONG), BigInt(text)];
  if (/^-?\d+\.\d+$/.test(text)) return [column(text, ColumnType.NEWDECIMAL, { decimals: text.split('.')[1]!.length }), text];
  if (/^-?[\d.]+e-?\d+$/i.test(text)) return [column(text, ColumnType.DOUBLE), Number(text)];
  if (text.startsWith("'")) {
    const value = text.slice(1, -1).replace(/''/g, "'").replace(/\\(.)/g, '$1');
    return [column(value, ColumnType.VAR_STRING), value];
  }
  throw new SqlError('BAD_FIELD', `Unknown column '${text}' in 'field list'`);
}
