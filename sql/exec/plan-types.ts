/** Shared shapes of compiled expressions and query plans. */
import type { Query, TableName } from '../ast/query.js';
import type { TableDef } from '../catalog.js';
import type { SourceRegistry } from './sources.js';
import type { ColumnInfo } from '../session-api.js';
import type { SqlType } from '../types.js';
import type { Value } from '../values.js';
import type { EvalCtx, Scope } from './scope.js';
import type { StatementBudget } from './statement-budget.js';
import type { PartitionPruner } from './partition-pruning.js';
import type { AnalyzeRecorder } from './analyze-profile.js';
import type { TableEstimates } from './table-stats.js';

/** A compiled expression: its static type and a function of the current row. */
export interface Compiled {
  readonly type: SqlType;
  /** False when the expression can never be NULL. */
  readonly nullable: boolean;
  /** True when the value does not depend on any row (literals, parameters, their functions). */
  readonly constant: boolean;
  /** True when the expression contains a subquery (it is then evaluated after all joins). */
  readonly hasSubquery: boolean;
  readonly eval: (ctx: EvalCtx) => Value;
}

/** One result column of a plan. */
export interface OutputColumn {
  readonly type: SqlType;
  readonly nullable: boolean;
  readonly info: ColumnInfo;
}

/** A compiled query: run synchronously once its tables are fetched. */
export interface QueryPlan {
  readonly columns: readonly OutputColumn[];
  /** Rows of the result; `parent` is the enclosing row for a correlated subquery. */
  run(parent: EvalCtx | null): Value[][];
}

/** What the session gives expressions: identity, variables, time, parameters. */
export interface SessionView {
  readonly database: string | null;
  readonly user: string;
  readonly connectionId: number;
  readonly lastInsertId: bigint;
  /** Fixed for the whole statement ("only resolved facts": NOW() is read once). */
  readonly nowMs: number;
  readonly params: readonly Value[];
  userVariable(name: string): Value;
  /** The value of a system variable; throws 1193 when unknown. */
  systemVariable(name: string, scope: 'session' | 'global' | null): Value;
  /** Records a note or warning of the running statement (warnings.ts); absent: dropped. */
  warn?(level: 'Note' | 'Warning', code: number, message: string): void;
  /**
   * True while an INSERT/UPDATE/DELETE runs under strict sql_mode: conditions that only warn
   * in a SELECT (division by zero, 1365) are errors then.
   */
  readonly strictWrite?: boolean;
  /** Counts examined rows against the statement's budget and deadline (statement-budget.ts). */
  readonly budget?: StatementBudget;
}

/** What the planner needs from the statement: tables (already loaded) and the source registry. */
export interface PlannerEnv extends CompileEnv {
  /** The definition of a table; throws 1146 (or 1046 without a database). */
  table(name: TableName): TableDef;
  /**
   * The definition of a table, or undefined when there is none (a FOREIGN KEY may name a parent
   * that does not exist); like `table`, it may first make the session load the definition.
   */
  tableIfExists?(name: TableName): TableDef | undefined;
  readonly sources: SourceRegistry;
  /**
   * A view or common table expression named `name`, or undefined for a base table
   * (relations.ts). Consulted before `table`.
   */
  relation?(name: TableName): DerivedRelation | undefined;
  /**
   * Statistics of a table (table-stats.ts); may throw StatsNotLoaded so the session loads them
   * and compiles again. Absent or undefined: nothing known (cost-model.ts's defaults).
   */
  stats?(def: TableDef): TableEstimates | undefined;
  /** Engine-wide planner settings; absent: the defaults (cost-based join order, unpartitioned). */
  readonly planner?: PlannerOptions;
  /** Set by EXPLAIN ANALYZE: the statement's outermost SELECT records what its operators did. */
  readonly analyze?: AnalyzeRecorder;
}

/** Planner settings of one engine (SqlEngineOptions). */
export interface PlannerOptions {
  /** False keeps FROM leaves in the rule-based greedy order (differential tests of the cost-based order). */
  readonly joinReorder: boolean;
  /**
   * False joins by trying every row pair — no hash join, no index lookups, no WHERE conditions
   * applied early to a LEFT JOIN's preserved side: the reference of differential tests.
   */
  readonly equiJoins: boolean;
  /** Which partitions each table access touches (partition-pruning.ts). */
  readonly partitionPruner: PartitionPruner;
}

/** A view or CTE as the planner sees it (relations.ts, cte.ts). */
export interface DerivedRelation {
  /** Column names that replace the query's own (CREATE VIEW v (a, b), WITH c (a, b) AS …). */
  readonly columns: readonly string[] | null;
  /** Compiles the relation's query for one use in FROM. */
  plan(): QueryPlan;
  /** True when its rows change between runs of one statement (a recursive CTE's working set). */
  readonly volatile?: boolean;
}

/** The planner's entry point, passed to modules the planner itself calls (keeps imports one-way). */
export type QueryCompiler = (query: Query, parent: Scope | null, env: PlannerEnv) => QueryPlan;

/** Everything compiling an expression needs besides the scope. */
export interface CompileEnv {
  readonly session: SessionView;
  /** Compiles a subquery whose enclosing scope is `parent`. */
  compileSubquery(query: Query, parent: Scope): QueryPlan;
}
