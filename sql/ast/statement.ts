/** Statements: one node kind per statement, all readonly and tagged by `kind`. */
import type { Expr } from './expr.js';
import type { Limit, OrderItem, Query, TableName } from './query.js';

/** A column type as written in DDL. */
export interface TypeSpec {
  /** Upper-case type name: INT, BIGINT, DECIMAL, VARCHAR, … */
  readonly name: string;
  readonly length: number | null;
  readonly scale: number | null;
  readonly unsigned: boolean;
}

/** A column of CREATE TABLE. */
export interface ColumnSpec {
  readonly name: string;
  readonly type: TypeSpec;
  readonly notNull: boolean;
  /** Explicit NULL was written. */
  readonly nullable: boolean;
  readonly defaultValue: Expr | null;
  readonly autoIncrement: boolean;
  readonly primaryKey: boolean;
  readonly unique: boolean;
}

/** An index of CREATE TABLE or CREATE INDEX. */
export interface IndexSpec {
  readonly name: string | null;
  readonly columns: readonly string[];
  readonly unique: boolean;
  readonly primary: boolean;
}

/** A referential action as written (exec/foreign-key-ddl.ts stores NO ACTION when there is none). */
export type ReferentialAction = 'RESTRICT' | 'CASCADE' | 'SET NULL' | 'NO ACTION' | 'SET DEFAULT';

/** `[CONSTRAINT name] FOREIGN KEY [index] (cols) REFERENCES parent (cols) [ON DELETE …] [ON UPDATE …]`. */
export interface ForeignKeySpec {
  /** The CONSTRAINT symbol; null: named `<table>_ibfk_<n>`. */
  readonly name: string | null;
  /** The index name after FOREIGN KEY (names the index created for the key when none serves it). */
  readonly indexName: string | null;
  readonly columns: readonly string[];
  readonly parent: TableName;
  readonly parentColumns: readonly string[];
  readonly onDelete: ReferentialAction | null;
  readonly onUpdate: ReferentialAction | null;
}

/** Targets of SET. */
export type SetTarget =
  | { readonly kind: 'sysVar'; readonly scope: 'session' | 'global'; readonly name: string }
  | { readonly kind: 'userVar'; readonly name: string }
  | { readonly kind: 'names'; readonly charset: string; readonly collation: string | null };

/** One assignment of SET. */
export interface SetAssignment {
  readonly target: SetTarget;
  /** Null for SET NAMES. */
  readonly value: Expr | null;
}

/** What SHOW shows. */
export type ShowStatement =
  | { readonly kind: 'showDatabases'; readonly like: string | null }
  | { readonly kind: 'showTables'; readonly db: string | null; readonly full: boolean; readonly like: string | null }
  | { readonly kind: 'showColumns'; readonly table: TableName; readonly full: boolean; readonly like: string | null }
  | { readonly kind: 'showCreateTable'; readonly table: TableName }
  | { readonly kind: 'showCreateView'; readonly view: TableName }
  | { readonly kind: 'showCreateTrigger'; readonly trigger: TableName }
  | { readonly kind: 'showIndex'; readonly table: TableName }
  | { readonly kind: 'showVariables'; readonly global: boolean; readonly like: string | null }
  | { readonly kind: 'showStatus'; readonly like: string | null }
  | { readonly kind: 'showWarnings'; readonly errorsOnly?: boolean }
  | { readonly kind: 'showEngines' }
  | { readonly kind: 'showCollation'; readonly like: string | null }
  | { readonly kind: 'showCharset'; readonly like: string | null };

/** Any statement Atoll runs. */
export type Statement =
  | { readonly kind: 'query'; readonly query: Query }
  | {
    readonly kind: 'insert'; readonly table: TableName; readonly columns: readonly string[] | null; readonly rows: readonly (readonly Expr[])[] | null; readonly source: Query | null; readonly ignore: boolean;
    /** REPLACE: rows that conflict on a primary or unique key are deleted first. */
    readonly replace?: boolean;
    /** ON DUPLICATE KEY UPDATE assignments (VALUES(col) names the row that was to be inserted). */
    readonly onDuplicate?: readonly { readonly column: string; readonly value: Expr }[];
  }
  | { readonly kind: 'update'; readonly table: TableName; readonly alias: string | null; readonly assignments: readonly { readonly column: string; readonly value: Expr }[]; readonly where: Expr | null; readonly orderBy: readonly OrderItem[]; readonly limit: Limit | null }
  | { readonly kind: 'delete'; readonly table: TableName; readonly where: Expr | null; readonly orderBy: readonly OrderItem[]; readonly limit: Limit | null }
  | { readonly kind: 'createDatabase'; readonly name: string; readonly ifNotExists: boolean }
  | { readonly kind: 'dropDatabase'; readonly name: string; readonly ifExists: boolean }
  | { readonly kind: 'use'; readonly name: string }
  | {
    readonly kind: 'createTable'; readonly table: TableName; readonly ifNotExists: boolean; readonly columns: readonly ColumnSpec[]; readonly indexes: readonly IndexSpec[];
    /** CHECK constraints, column-level and table-level (name null: MySQL names it t_chk_n). */
    readonly checks?: readonly { readonly name: string | null; readonly expr: Expr }[];
    /** Table-level FOREIGN KEYs (a column-level REFERENCES is parsed and ignored, as MySQL does). */
    readonly foreignKeys?: readonly ForeignKeySpec[];
  }
  | { readonly kind: 'dropTable'; readonly tables: readonly TableName[]; readonly ifExists: boolean }
  | { readonly kind: 'createIndex'; readonly table: TableName; readonly index: IndexSpec }
  | { readonly kind: 'dropIndex'; readonly table: TableName; readonly name: string }
  | { readonly kind: 'begin' }
  /** SAVEPOINT name, ROLLBACK TO [SAVEPOINT] name, RELEASE SAVEPOINT name. */
  | { readonly kind: 'savepoint'; readonly action: 'set' | 'rollbackTo' | 'release'; readonly name: string }
  /** ALTER TABLE t DISABLE KEYS / ENABLE KEYS: MyISAM's; InnoDB (and Atoll) answers with a note. */
  | { readonly kind: 'alterTableKeys'; readonly table: TableName }
  /** LOCK TABLES t READ, u WRITE, … (table-locks.ts). */
  | { readonly kind: 'lockTables'; readonly tables: readonly { readonly table: TableName; readonly mode: 'READ' | 'WRITE' }[] }
  /** UNLOCK TABLES: releases the session's table locks (and then commits, as MySQL does). */
  | { readonly kind: 'unlockTables' }
  | { readonly kind: 'commit' }
  | { readonly kind: 'rollback' }
  | { readonly kind: 'set'; readonly assignments: readonly SetAssignment[] }
  | { readonly kind: 'show'; readonly show: ShowStatement }
  | { readonly kind: 'describe'; readonly table: TableName }
  /** ANALYZE [NO_WRITE_TO_BINLOG | LOCAL] TABLE t, …: collects planner statistics (exec/analyze-table.ts). */
  | { readonly kind: 'analyzeTable'; readonly tables: readonly TableName[] }
  | SchemaStatement;

/**
 * Statements on views, triggers and table shapes (sql/exec/schema-change.ts runs them).
 * `selectText` of a view is its query as written: the catalog stores text, not a tree.
 */
export type SchemaStatement =
  | { readonly kind: 'createView'; readonly view: TableName; readonly columns: readonly string[] | null; readonly orReplace: boolean; readonly selectText: string; readonly query: Query }
  | { readonly kind: 'dropView'; readonly views: readonly TableName[]; readonly ifExists: boolean }
  | { readonly kind: 'createTrigger'; readonly name: TableName; readonly table: TableName; readonly timing: 'BEFORE' | 'AFTER'; readonly event: 'INSERT' | 'UPDATE' | 'DELETE' }
  | { readonly kind: 'dropTrigger'; readonly name: TableName; readonly ifExists: boolean }
  | { readonly kind: 'truncate'; readonly table: TableName }
  | { readonly kind: 'createTableLike'; readonly table: TableName; readonly source: TableName; readonly ifNotExists: boolean }
  | { readonly kind: 'createTableAs'; readonly table: TableName; readonly query: Query; readonly ifNotExists: boolean }
  | { readonly kind: 'alterTable'; readonly table: TableName; readonly actions: readonly AlterAction[] };

/** One action of ALTER TABLE (sql/exec/alter-table.ts). */
export type AlterAction =
  | { readonly kind: 'addColumn'; readonly column: ColumnSpec }
  | { readonly kind: 'dropColumn'; readonly name: string }
  | { readonly kind: 'modifyColumn'; readonly oldName: string; readonly column: ColumnSpec }
  | { readonly kind: 'addIndex'; readonly index: IndexSpec }
  | { readonly kind: 'dropIndex'; readonly name: string }
  | { readonly kind: 'rename'; readonly name: string }
  | { readonly kind: 'addForeignKey'; readonly foreignKey: ForeignKeySpec }
  | { readonly kind: 'dropForeignKey'; readonly name: string };
