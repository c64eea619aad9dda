/**
 * The records of a sqllogictest script (see ../shared/corpora/sqllogictest/FORMAT.wiki), as
 * the parser produces them. Plain immutable data: the parser knows nothing of connections and
 * the runner nothing of line syntax.
 */

/** A `skipif <engine>` or `onlyif <engine>` line in front of a record. */
export interface SltCondition {
  readonly kind: 'skipif' | 'onlyif';
  readonly engine: string;
}

/** How a query's values are ordered before they are compared or hashed. */
export type SltSortMode = 'nosort' | 'rowsort' | 'valuesort';

/** The column type letters of a query: I integer, R real (`%.3f`), T text. */
export type SltColumnType = 'I' | 'R' | 'T';

/** A query's expected result: the values one per line, or their count and MD5. */
export type SltExpected =
  | { readonly kind: 'values'; readonly values: readonly string[] }
  | { readonly kind: 'hash'; readonly valueCount: number; readonly md5: string };

/** `statement ok` / `statement error`, then the SQL. */
export interface SltStatement {
  readonly kind: 'statement';
  /** 1-based line of the `statement` line. */
  readonly line: number;
  readonly conditions: readonly SltCondition[];
  readonly expectError: boolean;
  readonly sql: string;
}

/** `query <types> [sort] [label]`, the SQL, then `----` and the expected result. */
export interface SltQuery {
  readonly kind: 'query';
  readonly line: number;
  readonly conditions: readonly SltCondition[];
  /** One letter per result column. Invariant: non-empty. */
  readonly types: readonly SltColumnType[];
  readonly sortMode: SltSortMode;
  /** Queries of one file with the same label must produce the same values. */
  readonly label: string | null;
  readonly sql: string;
  readonly expected: SltExpected;
  /** The `hash-threshold` in force at this record (0: never hash). */
  readonly hashThreshold: number;
}

/** `halt`: the rest of the file is ignored (when the record's conditions select this engine). */
export interface SltHalt {
  readonly kind: 'halt';
  readonly line: number;
  readonly conditions: readonly SltCondition[];
}

/** A record the parser could not understand; the runner counts it as failed. */
export interface SltInvalid {
  readonly kind: 'invalid';
  readonly line: number;
  readonly message: string;
}

/** One record of a script. `hash-threshold` lines are folded into the queries that follow. */
export type SltRecord = SltStatement | SltQuery | SltHalt | SltInvalid;

/** Whether a record with these conditions runs on `engine` (FORMAT.wiki, "Conditional Records"). */
export function recordAppliesTo(conditions: readonly SltCondition[], engine: string): boolean {
  for (const condition of conditions) {
    if (condition.kind === 'skipif' && condition.engine === engine) return false;
    if (condition.kind === 'onlyif' && condition.engine !== engine) return false;
  }
  return true;
}
