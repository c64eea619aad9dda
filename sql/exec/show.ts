/** SHOW statements and DESCRIBE, answered from the catalog and the session. */
import { assertNever } from '../../src/base/assert.js';
import { SqlError } from '../../src/base/errors.js';
import type { Txn } from '../../src/txn/txn-kv.js';
import type { ShowStatement } from '../ast/statement.js';
import { getDatabase, getTable, getTableStats, getView, listDatabases, listTables, listTriggers, listViews, type ColumnDef, type TableDef, type TableStats, type ViewDef } from '../catalog.js';
import { Decimal } from '../decimal.js';
import { Charset, ColumnFlag, ColumnType, type ColumnInfo, type SqlValue, type StatementResult } from '../session-api.js';
import { typeDdl } from '../types.js';
import { toText, type Value } from '../values.js';
import { likeRegExp } from './compile-expr.js';
import { databaseOf } from './ddl.js';
import { defaultValueOf } from './store-value.js';
import { quoteIdentifier, referenceClause } from './foreign-key-defs.js';

/** What SHOW needs from the session. */
export interface ShowContext {
  readonly txn: Txn;
  readonly database: string | null;
  /** Every system variable name with its value in the requested scope. */
  variables(global: boolean): [string, Value][];
}

function textColumn(name: string, chars = 64, notNull = true): ColumnInfo {
  return { schema: '', table: '', orgTable: '', name, orgName: '', charset: Charset.UTF8MB4_GENERAL_CI, columnLength: chars * 4, type: ColumnType.VAR_STRING, flags: notNull ? ColumnFlag.NOT_NULL : 0, decimals: 0 };
}

function intColumn(name: string): ColumnInfo {
  return { schema: '', table: '', orgTable: '', name, orgName: '', charset: Charset.BINARY, columnLength: 21, type: ColumnType.LONGLONG, flags: ColumnFlag.NUM | ColumnFlag.BINARY, decimals: 0 };
}

function rowsResult(columns: ColumnInfo[], rows: SqlValue[][]): StatementResult {
  return { kind: 'rows', columns, rows, warningCount: 0 };
}

function matches(like: string | null): (s: string) => boolean {
  if (like === null) return () => true;
  const re = likeRegExp(like);
  return (s) => re.test(s.toUpperCase());
}

async function requireTable(ctx: ShowContext, name: { db: string | null; name: string }): Promise<TableDef> {
  const db = databaseOf(name, ctx.database);
  const def = await getTable(ctx.txn, db, name.name);
  if (def === undefined) throw new SqlError('NO_SUCH_TABLE', `Table '${db}.${name.name}' doesn't exist`);
  return def;
}

/** SHOW CREATE VIEW's row: the view as written, with MySQL's defaults for what Atoll does not keep. */
function createViewResult(view: ViewDef): StatementResult {
  const columns = view.columns === null ? '' : ` (${view.columns.map(quoteIdentifier).join(',')})`;
  const text = `CREATE ALGORITHM=UNDEFINED DEFINER=\`root\`@\`%\` SQL SECURITY DEFINER VIEW ${quoteIdentifier(view.name)}${columns} AS ${view.selectText}`;
  return rowsResult([textColumn('View'), textColumn('Create View', 1024), textColumn('character_set_client'), textColumn('collation_connection')], [[view.name, text, 'utf8mb4', 'utf8mb4_general_ci']]);
}

/** Runs a SHOW statement. */
export async function runShow(show: ShowStatement, ctx: ShowContext): Promise<StatementResult> {
  switch (show.kind) {
    case 'showDatabases': {
      const names = ['information_schema', ...(await listDatabases(ctx.txn)).map((d) => d.name)].sort().filter(matches(show.like));
      return rowsResult([textColumn(show.like === null ? 'Database' : `Database (${show.like})`)], names.map((n) => [n]));
    }
    case 'showTables': {
      const db = show.db ?? ctx.database;
      if (db === null) throw new SqlError('NO_DB', 'No database selected');
      if ((await getDatabase(ctx.txn, db)) === undefined) throw new SqlError('BAD_DB', `Unknown database '${db}'`);
      // Views are listed too, as in MySQL (mysqldump finds them here).
      const entries = [
        ...(await listTables(ctx.txn, db)).map((t) => [t.name, 'BASE TABLE']),
        ...(await listViews(ctx.txn, db)).map((v) => [v.name, 'VIEW']),
      ].filter(([n]) => matches(show.like)(n!)).sort((a, b) => (a[0]! < b[0]! ? -1 : a[0]! > b[0]! ? 1 : 0));
      const cols = [textColumn(`Tables_in_${db}${show.like === null ? '' : ` (${show.like})`}`)];
      if (show.full) cols.push(textColumn('Table_type'));
      return rowsResult(cols, entries.map(([n, type]) => (show.full ? [n!, type!] : [n!])));
    }
    case 'showColumns':
      return describe(await requireTable(ctx, show.table), show.full, show.like);
    case 'showCreateTable': {
      // Of a view, MySQL answers as SHOW CREATE VIEW does (mysqldump relies on it).
      const db = databaseOf(show.table, ctx.database);
      const def = await getTable(ctx.txn, db, show.table.name);
      if (def === undefined) {
        const view = await getView(ctx.txn, db, show.table.name);
        if (view !== undefined) return createViewResult(view);
        throw new SqlError('NO_SUCH_TABLE', `Table '${db}.${show.table.name}' doesn't exist`);
      }
      return rowsResult([textColumn('Table'), textColumn('Create Table', 1024)], [[def.name, createTableText(def)]]);
    }
    case 'showCreateView': {
      const db = databaseOf(show.view, ctx.database);
      const view = await getView(ctx.txn, db, show.view.name);
      if (view !== undefined) return createViewResult(view);
      if ((await getTable(ctx.txn, db, show.view.name)) !== undefined) throw new SqlError('WRONG_OBJECT', `'${db}.${show.view.name}' is not VIEW`);
      throw new SqlError('NO_SUCH_TABLE', `Table '${db}.${show.view.name}' doesn't exist`);
    }
    case 'showCreateTrigger': {
      const db = databaseOf(show.trigger, ctx.database);
      const trigger = (await listTriggers(ctx.txn, db)).find((t) => t.name.toLowerCase() === show.trigger.name.toLowerCase());
      if (trigger === undefined) throw new SqlError('TRG_DOES_NOT_EXIST', 'Trigger does not exist');
      // Bodies are empty (CREATE TRIGGER accepts nothing else yet), so the statement is complete.
      const text = `CREATE DEFINER=\`root\`@\`%\` TRIGGER ${quoteIdentifier(trigger.name)} ${trigger.timing} ${trigger.event} ON ${quoteIdentifier(trigger.table)} FOR EACH ROW BEGIN END`;
      return rowsResult(
        [textColumn('Trigger'), textColumn('sql_mode', 1024), textColumn('SQL Original Statement', 1024), textColumn('character_set_client'), textColumn('collation_connection'), textColumn('Database Collation'), textColumn('Created')],
        [[trigger.name, '', text, 'utf8mb4', 'utf8mb4_general_ci', 'utf8mb4_general_ci', null]],
      );
    }
    case 'showIndex': {
      const def = await requireTable(ctx, show.table);
      return showIndex(def, await getTableStats(ctx.txn, def.id));
    }
    case 'showVariables': {
      const rows = ctx.variables(show.global).filter(([n]) => matches(show.like)(n)).map(([n, v]) => [n, v === null ? '' : toText(v)]);
      return rowsResult([textColumn('Variable_name'), textColumn('Value', 1024)], rows);
    }
    case 'showStatus': {
      const rows: SqlValue[][] = [['Threads_connected', '1'], ['Uptime', '1'], ['Questions', '0']].filter(([n]) => matches(show.like)(n!));
      return rowsResult([textColumn('Variable_name'), textColumn('Value', 1024)], rows);
    }
    case 'showWarnings':
      return rowsResult([textColumn('Level', 7), { ...intColumn('Code'), columnLength: 4 }, textColumn('Message', 512)], []);
    case 'showEngines':
      return rowsResult(['Engine', 'Support', 'Comment', 'Transactions', 'XA', 'Savepoints'].map((n) => textColumn(n, 80, n !== 'Transactions' && n !== 'XA' && n !== 'Savepoints')), [['InnoDB', 'DEFAULT', 'Atoll transactional storage (LMDB, Raft)', 'YES', 'NO', 'YES']]);
    case 'showCollation': {
      const rows: SqlValue[][] = [
        ['utf8mb4_general_ci', 'utf8mb4', 45n, 'Yes', 'Yes', 1n, 'PAD SPACE'],
        ['utf8mb4_bin', 'utf8mb4', 46n, '', 'Yes', 1n, 'PAD SPACE'],
        ['binary', 'binary', 63n, 'Yes', 'Yes', 1n, 'NO PAD'],
      ].filter((r) => matches(show.like)(r[0] as string));
      return rowsResult([textColumn('Collation'), textColumn('Charset'), intColumn('Id'), textColumn('Default'), textColumn('Compiled'), intColumn('Sortlen'), textColumn('Pad_attribute')], rows);
    }
    case 'showCharset': {
      const rows: SqlValue[][] = [
        ['binary', 'Binary pseudo charset', 'binary', 1n],
        ['utf8mb4', 'UTF-8 Unicode', 'utf8mb4_general_ci', 4n],
      ].filter((r) => matches(show.like)(r[0] as string));
      return rowsResult([textColumn('Charset'), textColumn('Description'), textColumn('Default collation'), intColumn('Maxlen')], rows);
    }
    default:
      return assertNever(show, 'SHOW statement');
  }
}

function keyOf(def: TableDef, i: number): string {
  if (def.primaryKey.includes(i)) return 'PRI';
  if (def.indexes.some((ix) => ix.unique && ix.columns[0] === i && ix.columns.length === 1)) return 'UNI';
  if (def.indexes.some((ix) => ix.columns[0] === i)) return 'MUL';
  return '';
}

function defaultText(c: ColumnDef): string | null {
  if (c.defaultValue === null) return null;
  if (c.defaultValue.kind === 'now') return 'CURRENT_TIMESTAMP';
  const v = defaultValueOf(c.defaultValue, 0);
  return v === null ? null : v instanceof Decimal ? v.toString() : toText(v);
}

/** DESCRIBE t / SHOW [FULL] COLUMNS FROM t. */
export function describe(def: TableDef, full: boolean, like: string | null): StatementResult {
  const match = matches(like);
  const rows: SqlValue[][] = [];
  def.columns.forEach((c, i) => {
    if (!match(c.name.toUpperCase())) return;
    const extra = c.autoIncrement ? 'auto_increment' : c.defaultValue?.kind === 'now' ? 'DEFAULT_GENERATED' : '';
    const base: SqlValue[] = [c.name, typeDdl(c.type), c.notNull ? 'NO' : 'YES', keyOf(def, i), defaultText(c), extra];
    if (full) rows.push([c.name, typeDdl(c.type), c.type.kind === 'string' ? 'utf8mb4_general_ci' : null, c.notNull ? 'NO' : 'YES', keyOf(def, i), defaultText(c), extra, 'select,insert,update,references', '']);
    else rows.push(base);
  });
  const cols = full
    ? [textColumn('Field'), textColumn('Type'), textColumn('Collation', 64, false), textColumn('Null', 3), textColumn('Key', 3), textColumn('Default', 64, false), textColumn('Extra'), textColumn('Privileges', 80), textColumn('Comment', 1024)]
    : [textColumn('Field'), textColumn('Type'), textColumn('Null', 3), textColumn('Key', 3), textColumn('Default', 64, false), textColumn('Extra')];
  return rowsResult(cols, rows);
}

/** SHOW INDEX; Cardinality is ANALYZE TABLE's figure for the key prefix ending at the column (NULL before). */
function showIndex(def: TableDef, stats: TableStats | undefined): StatementResult {
  const rows: SqlValue[][] = [];
  const cardinality = (index: string, seq: number): bigint | null => {
    const n = stats?.indexes.find((i) => i.name === index)?.cardinality[seq];
    return n === undefined ? null : BigInt(n);
  };
  def.primaryKey.forEach((c, seq) => rows.push([def.name, 0n, 'PRIMARY', BigInt(seq + 1), def.columns[c]!.name, 'A', cardinality('PRIMARY', seq), null, null, '', 'BTREE', '', '', 'YES', null]));
  for (const ix of def.indexes) {
    ix.columns.forEach((c, seq) => rows.push([def.name, ix.unique ? 0n : 1n, ix.name, BigInt(seq + 1), def.columns[c]!.name, 'A', cardinality(ix.name, seq), null, null, def.columns[c]!.notNull ? '' : 'YES', 'BTREE', '', '', 'YES', null]));
  }
  const cols = [textColumn('Table'), intColumn('Non_unique'), textColumn('Key_name'), intColumn('Seq_in_index'), textColumn('Column_name', 64, false), textColumn('Collation', 1, false), intColumn('Cardinality'), intColumn('Sub_part'), textColumn('Packed', 10, false), textColumn('Null', 3), textColumn('Index_type', 16), textColumn('Comment', 16), textColumn('Index_comment', 1024), textColumn('Visible', 3), textColumn('Expression', 64, false)];
  return rowsResult(cols, rows);
}

/** SHOW CREATE TABLE text. */
export function createTableText(def: TableDef): string {
  const q = (s: string): string => '`' + s.replace(/`/g, '``') + '`';
  const lines = def.columns.map((c) => {
    let line = `  ${q(c.name)} ${typeDdl(c.type)}`;
    if (c.notNull) line += ' NOT NULL';
    const d = defaultText(c);
    if (c.defaultValue !== null) line += d === null ? ' DEFAULT NULL' : c.defaultValue.kind === 'now' ? ' DEFAULT CURRENT_TIMESTAMP' : ` DEFAULT '${d.replace(/'/g, "''")}'`;
    else if (!c.notNull && !c.autoIncrement) line += ' DEFAULT NULL';
    if (c.autoIncrement) line += ' AUTO_INCREMENT';
    return line;
  });
  if (def.primaryKey.length > 0) lines.push(`  PRIMARY KEY (${def.primaryKey.map((i) => q(def.columns[i]!.name)).join(',')})`);
  for (const ix of def.indexes) lines.push(`  ${ix.unique ? 'UNIQUE KEY' : 'KEY'} ${q(ix.name)} (${ix.columns.map((i) => q(def.columns[i]!.name)).join(',')})`);
  for (const fk of def.foreignKeys ?? []) lines.push(`  CONSTRAINT ${q(fk.name)} ${referenceClause(fk, def.db, false)}`);
  return `CREATE TABLE ${q(def.name)} (\n${lines.join(',\n')}\n) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_general_ci`;
}
