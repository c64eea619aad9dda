/**
 * information_schema as tools query it: SCHEMATA, TABLES, COLUMNS, STATISTICS,
 * KEY_COLUMN_USAGE (keys and foreign keys), TABLE_CONSTRAINTS, REFERENTIAL_CONSTRAINTS and VIEWS, built from a snapshot of the catalog read in the statement's
 * transaction (the session loads it when a statement names information_schema) and served
 * as relations, so WHERE, joins and ORDER BY work on them like on any derived table.
 */
import { SqlError } from '../../src/base/errors.js';
import type { Txn } from '../../src/txn/txn-kv.js';
import type { TableName } from '../ast/query.js';
import { getTableStats, listDatabases, listTables, listTriggers, listViews, type ColumnDef, type DatabaseDef, type ForeignKeyDef, type TableDef, type TableStats, type TriggerDef, type ViewDef } from '../catalog.js';
import { Decimal } from '../decimal.js';
import { bigintType, columnInfo, typeDdl, varcharType, type SqlType } from '../types.js';
import { toText, type Value } from '../values.js';
import type { DerivedRelation, OutputColumn } from './plan-types.js';
import { defaultValueOf } from './store-value.js';
import { positionsOf, servingIndex } from './foreign-key-defs.js';

/** The catalog as information_schema shows it. */
export interface CatalogSnapshot {
  readonly databases: readonly DatabaseDef[];
  readonly tables: readonly TableDef[];
  readonly views: readonly ViewDef[];
  /** Triggers (empty bodies only: Atoll runs no stored programs yet). */
  readonly triggers?: readonly TriggerDef[];
  /** ANALYZE TABLE statistics by table id (TABLE_ROWS, CARDINALITY); absent: never analyzed. */
  readonly stats?: ReadonlyMap<number, TableStats>;
}

/** True for the name of the information_schema database. */
export function isInformationSchema(db: string): boolean {
  return db.toLowerCase() === 'information_schema';
}

/** Reads every database, table and view through `txn`. */
export async function loadCatalogSnapshot(txn: Txn): Promise<CatalogSnapshot> {
  const databases = await listDatabases(txn);
  const tables: TableDef[] = [];
  const views: ViewDef[] = [];
  const triggers: TriggerDef[] = [];
  for (const d of databases) {
    tables.push(...(await listTables(txn, d.name)));
    views.push(...(await listViews(txn, d.name)));
    triggers.push(...(await listTriggers(txn, d.name)));
  }
  const stats = new Map<number, TableStats>();
  for (const t of tables) {
    const s = await getTableStats(txn, t.id);
    if (s !== undefined) stats.set(t.id, s);
  }
  return { databases, tables, views, triggers, stats };
}

type Column = readonly [name: string, type: SqlType];
const text = (n: string, chars = 64): Column => [n, varcharType(chars)];
const int = (n: string): Column => [n, bigintType];

/** The relation `information_schema.name`; errno 1109 for a table it does not have. */
export function informationSchemaRelation(name: TableName, snap: CatalogSnapshot): DerivedRelation {
  const view = views[name.name.toUpperCase()];
  if (view === undefined) throw unknownTable(name.name);
  const [columns, rowsOf] = view;
  const out: OutputColumn[] = columns.map(([n, t]) => ({ type: t, nullable: true, info: columnInfo(t, { schema: 'information_schema', table: name.name, orgTable: name.name, name: n, orgName: n }, 0) }));
  return { columns: null, plan: () => ({ columns: out, run: () => rowsOf(snap) }) };
}

function unknownTable(name: string): SqlError {
  const e = new SqlError('UNKNOWN_ERROR', `Unknown table '${name}' in information_schema`);
  Object.defineProperty(e, 'errno', { value: 1109 });
  Object.defineProperty(e, 'sqlState', { value: '42S02' });
  return e;
}

const views: Record<string, readonly [readonly Column[], (s: CatalogSnapshot) => Value[][]]> = {
  SCHEMATA: [
    [text('CATALOG_NAME'), text('SCHEMA_NAME'), text('DEFAULT_CHARACTER_SET_NAME'), text('DEFAULT_COLLATION_NAME'), text('SQL_PATH')],
    (s) => [{ name: 'information_schema' }, ...s.databases].map((d) => ['def', d.name, 'utf8mb4', 'utf8mb4_general_ci', null]),
  ],
  TABLES: [
    [text('TABLE_CATALOG'), text('TABLE_SCHEMA'), text('TABLE_NAME'), text('TABLE_TYPE'), text('ENGINE'), int('VERSION'), text('ROW_FORMAT'), int('TABLE_ROWS'), int('AUTO_INCREMENT'), text('TABLE_COLLATION'), text('TABLE_COMMENT', 2048)],
    (s) => [
      ...s.tables.map((t): Value[] => ['def', t.db, t.name, 'BASE TABLE', 'InnoDB', 10n, 'Dynamic', tableRows(s, t), null, 'utf8mb4_general_ci', '']),
      ...s.views.map((v): Value[] => ['def', v.db, v.name, 'VIEW', null, null, null, null, null, null, 'VIEW']),
    ],
  ],
  COLUMNS: [
    [text('TABLE_CATALOG'), text('TABLE_SCHEMA'), text('TABLE_NAME'), text('COLUMN_NAME'), int('ORDINAL_POSITION'), text('COLUMN_DEFAULT', 1024), text('IS_NULLABLE', 3), text('DATA_TYPE'),
      int('CHARACTER_MAXIMUM_LENGTH'), int('NUMERIC_PRECISION'), int('NUMERIC_SCALE'), text('CHARACTER_SET_NAME'), text('COLLATION_NAME'), text('COLUMN_TYPE', 256), text('COLUMN_KEY', 3), text('EXTRA', 256), text('COLUMN_COMMENT', 1024),
      text('GENERATION_EXPRESSION', 1024), int('SRS_ID')],
    (s) => s.tables.flatMap((t) => t.columns.map((c, i) => columnRow(t, c, i))),
  ],
  STATISTICS: [
    [text('TABLE_CATALOG'), text('TABLE_SCHEMA'), text('TABLE_NAME'), int('NON_UNIQUE'), text('INDEX_SCHEMA'), text('INDEX_NAME'), int('SEQ_IN_INDEX'), text('COLUMN_NAME'), text('COLLATION', 1), int('CARDINALITY'), text('NULLABLE', 3), text('INDEX_TYPE', 16), text('COMMENT', 16)],
    (s) => s.tables.flatMap((t) => indexesOf(t).flatMap((ix) => ix.columns.map((col, k): Value[] => [
      'def', t.db, t.name, ix.unique ? 0n : 1n, t.db, ix.name, BigInt(k + 1), t.columns[col]!.name, 'A', cardinality(s, t, ix.name, k), t.columns[col]!.notNull ? '' : 'YES', 'BTREE', '',
    ]))),
  ],
  KEY_COLUMN_USAGE: [
    [text('CONSTRAINT_CATALOG'), text('CONSTRAINT_SCHEMA'), text('CONSTRAINT_NAME'), text('TABLE_CATALOG'), text('TABLE_SCHEMA'), text('TABLE_NAME'), text('COLUMN_NAME'), int('ORDINAL_POSITION'),
      int('POSITION_IN_UNIQUE_CONSTRAINT'), text('REFERENCED_TABLE_SCHEMA'), text('REFERENCED_TABLE_NAME'), text('REFERENCED_COLUMN_NAME')],
    (s) => s.tables.flatMap((t) => [
      ...indexesOf(t).filter((ix) => ix.unique).flatMap((ix) => ix.columns.map((col, k): Value[] => [
        'def', t.db, ix.name, 'def', t.db, t.name, t.columns[col]!.name, BigInt(k + 1), null, null, null, null,
      ])),
      ...(t.foreignKeys ?? []).flatMap((fk) => fk.columns.map((col, k): Value[] => [
        'def', t.db, fk.name, 'def', t.db, t.name, col, BigInt(k + 1), BigInt(k + 1), fk.parentDb, fk.parentTable, fk.parentColumns[k] ?? null,
      ])),
    ]),
  ],
  TRIGGERS: [
    [text('TRIGGER_CATALOG'), text('TRIGGER_SCHEMA'), text('TRIGGER_NAME'), text('EVENT_MANIPULATION', 6), text('EVENT_OBJECT_CATALOG'), text('EVENT_OBJECT_SCHEMA'),
      text('EVENT_OBJECT_TABLE'), int('ACTION_ORDER'), text('ACTION_CONDITION'), text('ACTION_STATEMENT', 1024), text('ACTION_ORIENTATION', 3), text('ACTION_TIMING', 6),
      text('ACTION_REFERENCE_OLD_TABLE'), text('ACTION_REFERENCE_NEW_TABLE'), text('ACTION_REFERENCE_OLD_ROW', 3), text('ACTION_REFERENCE_NEW_ROW', 3), text('SQL_MODE', 1024),
      text('DEFINER', 288), text('CHARACTER_SET_CLIENT'), text('COLLATION_CONNECTION'), text('DATABASE_COLLATION')],
    // Bodies are empty (CREATE TRIGGER accepts nothing else yet): the statement is BEGIN END.
    (s) => (s.triggers ?? []).map((g): Value[] => [
      'def', g.db, g.name, g.event, 'def', g.db, g.table, BigInt(actionOrder(s.triggers!, g)), null, 'BEGIN END', 'ROW', g.timing, null, null, 'OLD', 'NEW', '', 'root@%', 'utf8mb4', 'utf8mb4_general_ci', 'utf8mb4_general_ci',
    ]),
  ],
  TABLE_CONSTRAINTS: [
    [text('CONSTRAINT_CATALOG'), text('CONSTRAINT_SCHEMA'), text('CONSTRAINT_NAME'), text('TABLE_SCHEMA'), text('TABLE_NAME'), text('CONSTRAINT_TYPE', 11), text('ENFORCED', 3)],
    (s) => s.tables.flatMap((t) => [
      ...indexesOf(t).filter((ix) => ix.unique).map((ix): Value[] => ['def', t.db, ix.name, t.db, t.name, ix.name === 'PRIMARY' ? 'PRIMARY KEY' : 'UNIQUE', 'YES']),
      ...(t.foreignKeys ?? []).map((fk): Value[] => ['def', t.db, fk.name, t.db, t.name, 'FOREIGN KEY', 'YES']),
      ...(t.checks ?? []).map((c): Value[] => ['def', t.db, c.name, t.db, t.name, 'CHECK', 'YES']),
    ]),
  ],
  REFERENTIAL_CONSTRAINTS: [
    [text('CONSTRAINT_CATALOG'), text('CONSTRAINT_SCHEMA'), text('CONSTRAINT_NAME'), text('UNIQUE_CONSTRAINT_CATALOG'), text('UNIQUE_CONSTRAINT_SCHEMA'), text('UNIQUE_CONSTRAINT_NAME'),
      text('MATCH_OPTION', 7), text('UPDATE_RULE', 11), text('DELETE_RULE', 11), text('TABLE_NAME'), text('REFERENCED_TABLE_NAME')],
    (s) => s.tables.flatMap((t) => (t.foreignKeys ?? []).map((fk): Value[] => [
      'def', t.db, fk.name, 'def', fk.parentDb, parentIndexName(s, fk), 'NONE', fk.onUpdate, fk.onDelete, t.name, fk.parentTable,
    ])),
  ],
  VIEWS: [
    [text('TABLE_CATALOG'), text('TABLE_SCHEMA'), text('TABLE_NAME'), text('VIEW_DEFINITION', 65535), text('CHECK_OPTION', 8), text('IS_UPDATABLE', 3), text('DEFINER', 288), text('SECURITY_TYPE', 7)],
    (s) => s.views.map((v): Value[] => ['def', v.db, v.name, v.selectText, 'NONE', 'NO', 'root@localhost', 'DEFINER']),
  ],
};

/** TABLE_ROWS: the rows ANALYZE TABLE counted (NULL before). */
function tableRows(s: CatalogSnapshot, t: TableDef): bigint | null {
  const stats = s.stats?.get(t.id);
  return stats === undefined ? null : BigInt(stats.rows);
}

/** CARDINALITY: ANALYZE TABLE's distinct values of the key prefix ending at column `k` (NULL before). */
function cardinality(s: CatalogSnapshot, t: TableDef, index: string, k: number): bigint | null {
  const n = s.stats?.get(t.id)?.indexes.find((i) => i.name === index)?.cardinality[k];
  return n === undefined ? null : BigInt(n);
}

/** UNIQUE_CONSTRAINT_NAME: the parent's index a foreign key matches through (NULL without one). */
function parentIndexName(s: CatalogSnapshot, fk: ForeignKeyDef): string | null {
  const parent = s.tables.find((t) => t.db === fk.parentDb && t.name === fk.parentTable);
  const columns = parent === undefined ? undefined : positionsOf(parent, fk.parentColumns);
  return parent === undefined || columns === undefined ? null : servingIndex(parent, columns)?.name ?? null;
}

/** The primary key (named PRIMARY) and the secondary indexes of a table. */
function indexesOf(t: TableDef): { name: string; columns: readonly number[]; unique: boolean }[] {
  const primary = t.primaryKey.length === 0 ? [] : [{ name: 'PRIMARY', columns: t.primaryKey, unique: true }];
  return [...primary, ...t.indexes.map((ix) => ({ name: ix.name, columns: ix.columns, unique: ix.unique }))];
}

/** A trigger's place among the triggers of its table for the same timing and event (1 first). */
function actionOrder(all: readonly TriggerDef[], g: TriggerDef): number {
  const same = all.filter((x) => x.db === g.db && x.table === g.table && x.timing === g.timing && x.event === g.event);
  return same.indexOf(g) + 1;
}

function columnRow(t: TableDef, c: ColumnDef, i: number): Value[] {
  const ddl = typeDdl(c.type);
  const dataType = ddl.replace(/\(.*$/, '').replace(/ unsigned$/, '');
  const ty = c.type;
  const chars = ty.kind === 'string' ? BigInt(ty.maxChars) : ty.kind === 'binary' ? BigInt(ty.maxBytes) : null;
  const precision = ty.kind === 'int' ? BigInt([0, 3, 5, 7, 10, 0, 0, 0, 19][ty.bytes] ?? 19) + (ty.unsigned && ty.bytes === 8 ? 1n : 0n)
    : ty.kind === 'decimal' ? BigInt(ty.precision) : ty.kind === 'double' ? 22n : ty.kind === 'float' ? 12n : null;
  const scale = ty.kind === 'int' ? 0n : ty.kind === 'decimal' ? BigInt(ty.scale) : null;
  const key = t.primaryKey.includes(i) ? 'PRI' : t.indexes.some((ix) => ix.unique && ix.columns.length === 1 && ix.columns[0] === i) ? 'UNI' : t.indexes.some((ix) => ix.columns[0] === i) ? 'MUL' : '';
  const text = ty.kind === 'string';
  return [
    'def', t.db, t.name, c.name, BigInt(i + 1), defaultText(c), c.notNull ? 'NO' : 'YES', dataType,
    chars, precision, scale, text ? 'utf8mb4' : null, text ? 'utf8mb4_general_ci' : null, ddl, key, c.autoIncrement ? 'auto_increment' : '', '',
    '', null, // no generated columns, no spatial reference systems
  ];
}

function defaultText(c: ColumnDef): string | null {
  if (c.defaultValue === null) return null;
  if (c.defaultValue.kind === 'now') return 'CURRENT_TIMESTAMP';
  const v = defaultValueOf(c.defaultValue, 0);
  return v === null ? null : v instanceof Decimal ? v.toString() : toText(v);
}

