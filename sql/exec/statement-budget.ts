/**
 * What one statement may spend: row combinations examined by joins (limits.
 * statementRowsExaminedMax, errno 1104) and, for a SELECT, wall time (max_execution_time in
 * milliseconds, errno 3024). The executor is synchronous, so it calls `examine` from its
 * loops; the clock is read once per `checkEvery` rows to keep the loop cheap.
 */
import { SqlError } from '../../src/base/errors.js';
import { limits } from '../../src/base/limits.js';

/** Rows examined between two reads of the clock. */
const checkEvery = 4096;

/** The budget of one statement. */
export class StatementBudget {
  private examined = 0;
  private untilCheck = checkEvery;

  /**
   * @param monotonicMs the clock (Clock.monotonicMs)
   * @param deadlineMs when the statement must stop (monotonic ms), or null for no deadline
   * @param examinedMax most row combinations it may examine
   */
  constructor(
    private readonly monotonicMs: () => number,
    private readonly deadlineMs: number | null,
    private readonly examinedMax: number = limits.statementRowsExaminedMax,
  ) {}

  /** Counts `n` examined rows; throws 1104 past the row budget and 3024 past the deadline. */
  examine(n = 1): void {
    this.examined += n;
    this.untilCheck -= n;
    if (this.untilCheck > 0) return;
    this.untilCheck = checkEvery;
    if (this.examined > this.examinedMax) {
      throw new SqlError('TOO_BIG_SELECT', `The SELECT would examine more than ${this.examinedMax} rows; check your WHERE and use SET SQL_BIG_SELECTS=1 if the SELECT is okay`);
    }
    if (this.deadlineMs !== null && this.monotonicMs() > this.deadlineMs) {
      throw new SqlError('QUERY_TIMEOUT', 'Query execution was interrupted, maximum statement execution time exceeded');
    }
  }
}
