/**
 * Atoll's own expression and query syntax tree (expressions contain subqueries and queries
 * contain expressions, so both live in this one file): readonly nodes tagged by `kind`. The parser adapter
 * (sql/parser/convert-ast.ts) builds it from node-sql-parser's output; nothing else sees the
 * external AST.
 */

/** A literal as written. Numbers keep their text so DECIMAL literals stay exact. */
export type Literal =
  | { readonly kind: 'null' }
  | { readonly kind: 'int'; readonly value: bigint }
  | { readonly kind: 'decimal'; readonly text: string }
  | { readonly kind: 'float'; readonly value: number }
  | { readonly kind: 'string'; readonly value: string }
  | { readonly kind: 'bool'; readonly value: boolean };

export type UnaryOp = '-' | '+' | 'NOT' | '~';
export type ArithOp = '+' | '-' | '*' | '/' | 'DIV' | '%';
export type CompareOp = '=' | '<>' | '<' | '<=' | '>' | '>=' | '<=>';
export type LogicOp = 'AND' | 'OR' | 'XOR';
export type BinaryOp = ArithOp | CompareOp | LogicOp;

/** A target type of CAST/CONVERT. */
export type CastTarget =
  | { readonly kind: 'signed' }
  | { readonly kind: 'unsigned' }
  | { readonly kind: 'decimal'; readonly precision: number; readonly scale: number }
  | { readonly kind: 'double' }
  | { readonly kind: 'char'; readonly length: number | null }
  | { readonly kind: 'date' }
  | { readonly kind: 'datetime' }
  | { readonly kind: 'time' }
  | { readonly kind: 'binary'; readonly length: number | null };

export type AggregateName = 'COUNT' | 'SUM' | 'AVG' | 'MIN' | 'MAX';

/** Any scalar expression. */
export type Expr =
  | { readonly kind: 'literal'; readonly literal: Literal }
  | { readonly kind: 'column'; readonly table: string | null; readonly name: string }
  | { readonly kind: 'param'; readonly index: number }
  | { readonly kind: 'unary'; readonly op: UnaryOp; readonly operand: Expr }
  | { readonly kind: 'binary'; readonly op: BinaryOp; readonly left: Expr; readonly right: Expr }
  | { readonly kind: 'isNull'; readonly operand: Expr; readonly negated: boolean }
  | { readonly kind: 'between'; readonly operand: Expr; readonly low: Expr; readonly high: Expr; readonly negated: boolean }
  | { readonly kind: 'inList'; readonly operand: Expr; readonly list: readonly Expr[]; readonly negated: boolean }
  | { readonly kind: 'inQuery'; readonly operand: Expr; readonly query: Query; readonly negated: boolean }
  /** `operand op ANY|SOME|ALL (query)`. */
  | { readonly kind: 'quantified'; readonly operand: Expr; readonly op: CompareOp; readonly all: boolean; readonly query: Query }
  | { readonly kind: 'exists'; readonly query: Query }
  | { readonly kind: 'subquery'; readonly query: Query }
  | { readonly kind: 'like'; readonly operand: Expr; readonly pattern: Expr; readonly negated: boolean }
  | { readonly kind: 'case'; readonly operand: Expr | null; readonly whens: readonly CaseWhen[]; readonly otherwise: Expr | null }
  | { readonly kind: 'call'; readonly name: string; readonly args: readonly Expr[] }
  | { readonly kind: 'aggregate'; readonly name: AggregateName; readonly arg: Expr | null; readonly distinct: boolean }
  /** `fn(args) OVER (…)`: a window function (sql/exec/window.ts). */
  | { readonly kind: 'window'; readonly name: string; readonly args: readonly Expr[]; readonly window: WindowSpec }
  | { readonly kind: 'cast'; readonly operand: Expr; readonly target: CastTarget }
  | { readonly kind: 'sysVar'; readonly scope: 'session' | 'global' | null; readonly name: string }
  | { readonly kind: 'userVar'; readonly name: string }
  | { readonly kind: 'default' };

/** A frame bound: UNBOUNDED PRECEDING/FOLLOWING, CURRENT ROW, or n PRECEDING/FOLLOWING (ROWS). */
export type FrameBound =
  | { readonly kind: 'unboundedPreceding' }
  | { readonly kind: 'unboundedFollowing' }
  | { readonly kind: 'currentRow' }
  | { readonly kind: 'preceding'; readonly rows: number }
  | { readonly kind: 'following'; readonly rows: number };

/** OVER (PARTITION BY … ORDER BY … frame). */
export interface WindowSpec {
  readonly partitionBy: readonly Expr[];
  readonly orderBy: readonly OrderItem[];
  /** Null: MySQL's default frame (the whole partition, or up to the current row's peers with ORDER BY). */
  readonly frame: { readonly unit: 'ROWS' | 'RANGE'; readonly start: FrameBound; readonly end: FrameBound } | null;
}

/** One WHEN … THEN … arm of a CASE. */
export interface CaseWhen {
  readonly when: Expr;
  readonly then: Expr;
}

// ---- Queries ----

/** One item of a select list. `text` is the item as written (MySQL names unaliased columns after it). */
export type SelectItem =
  | { readonly kind: 'star'; readonly table: string | null }
  | { readonly kind: 'expr'; readonly expr: Expr; readonly alias: string | null; readonly text: string };

/** A table named in FROM. */
export interface TableName {
  readonly db: string | null;
  readonly name: string;
}

/** An item of FROM. */
export type FromItem =
  | { readonly kind: 'table'; readonly table: TableName; readonly alias: string | null }
  | { readonly kind: 'derived'; readonly query: Query; readonly alias: string }
  | { readonly kind: 'join'; readonly join: 'inner' | 'cross' | 'left' | 'right'; readonly left: FromItem; readonly right: FromItem; readonly on: Expr | null };

/** One ORDER BY key. */
export interface OrderItem {
  readonly expr: Expr;
  readonly descending: boolean;
}

/** LIMIT count [OFFSET skip]. */
export interface Limit {
  readonly count: Expr;
  readonly offset: Expr | null;
}

/** One common table expression of WITH. */
export interface CommonTableExpr {
  readonly name: string;
  /** WITH c (a, b) AS …: names for the query's columns. */
  readonly columns: readonly string[] | null;
  readonly query: Query;
}

/** WITH [RECURSIVE] c1 AS (…), c2 AS (…) in front of a query. */
export interface WithClause {
  readonly recursive: boolean;
  readonly ctes: readonly CommonTableExpr[];
}

/** A SELECT block. */
export interface Select {
  readonly kind: 'select';
  /** WITH in front of this query (sql/exec/cte.ts); absent when none. */
  readonly with?: WithClause;
  readonly distinct: boolean;
  readonly items: readonly SelectItem[];
  /** Null for SELECT without FROM. */
  readonly from: FromItem | null;
  readonly where: Expr | null;
  readonly groupBy: readonly Expr[];
  readonly having: Expr | null;
  readonly orderBy: readonly OrderItem[];
  readonly limit: Limit | null;
  readonly forUpdate: boolean;
}

export type SetOperator = 'union' | 'unionAll' | 'except' | 'intersect';

/** `left op right`, with the ORDER BY / LIMIT that applies to the whole result. */
export interface SetOperation {
  readonly kind: 'setOp';
  /** WITH in front of the whole set operation; absent when none. */
  readonly with?: WithClause;
  readonly op: SetOperator;
  readonly left: Query;
  readonly right: Query;
  readonly orderBy: readonly OrderItem[];
  readonly limit: Limit | null;
}

/** A query producing rows. */
export type Query = Select | SetOperation;
