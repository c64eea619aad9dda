/**
 * What EXPLAIN ANALYZE measures (explain.ts prints it). The executor runs fused over fetched
 * rows, so the outermost SELECT records, only when a recorder is set, the rows each of its
 * operators produced and the time it took (children included, as MySQL counts): every level
 * of its join (rows that passed the conditions checked there) and every stage after it
 * (grouping, HAVING, DISTINCT, sort, LIMIT). Subqueries are not broken down.
 */
import type { Expr } from '../ast/expr.js';
import type { TableSource } from './sources.js';

/** One level of a join's nested loop. */
export interface JoinLevelProfile {
  /** How the level finds its rows: every fetched row, a hash of its rows, a merge in key order, or index lookups. */
  readonly method: 'loop' | 'hash' | 'merge' | 'lookup';
  /** The equality the hash or lookup is keyed on. */
  readonly key: Expr | null;
  /** The other conditions checked at this level. */
  readonly conditions: readonly Expr[];
  /** Table sources of the level's FROM leaf (none: a derived table or view). */
  readonly sources: readonly TableSource[];
  /** Rows (or row combinations) that passed this level, over the whole statement. */
  rows: number;
  /** Milliseconds spent at this level and the levels inside it. */
  ms: number;
}

/** The stages after the join, in the order they run. */
export type StageKind = 'group' | 'having' | 'window' | 'distinct' | 'sort' | 'limit';

/** One stage after the join; its time counts everything before it too (MySQL's actual time). */
export interface StageProfile {
  readonly kind: StageKind;
  readonly rows: number;
  readonly ms: number;
}

/** The outermost SELECT's figures. */
export interface SelectProfile {
  readonly levels: JoinLevelProfile[];
  readonly stages: StageProfile[];
  /** Rows the join produced and the milliseconds it took. */
  joinRows: number;
  joinMs: number;
}

/** Handed to the planner by EXPLAIN ANALYZE for one SELECT (by identity of its AST). */
export class AnalyzeRecorder {
  private profile: SelectProfile | null = null;

  constructor(private readonly target: object) {}

  /**
   * A profile to fill when `select` is the statement's own SELECT, else null. A statement is
   * compiled again after loading a table definition; the last compile is the one that runs.
   */
  claim(select: object): SelectProfile | null {
    if (select !== this.target) return null;
    this.profile = { levels: [], stages: [], joinRows: 0, joinMs: 0 };
    return this.profile;
  }

  /** What was recorded (null when no SELECT claimed it). */
  get result(): SelectProfile | null {
    return this.profile;
  }
}

/** Milliseconds now, for measuring (performance.now: monotonic, sub-millisecond). */
export function nowMs(): number {
  return performance.now();
}
