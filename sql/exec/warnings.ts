/**
 * The diagnostics area of a session: the notes, warnings and errors of the last statement,
 * as SHOW WARNINGS, SHOW ERRORS and @@warning_count report them. Every statement except
 * those diagnostic ones starts with an empty list (MySQL's rule).
 */
import type { ColumnInfo, SqlValue, StatementResult } from '../session-api.js';
import { Charset, ColumnFlag, ColumnType } from '../session-api.js';

/** One condition of the diagnostics area. */
export interface SqlWarning {
  readonly level: 'Note' | 'Warning' | 'Error';
  readonly code: number;
  readonly message: string;
}

/** MySQL's max_error_count default: conditions kept per statement (the count goes on). */
const keptMax = 1024;

/** The conditions of one statement. */
export class WarningList {
  private readonly items: SqlWarning[] = [];
  private total = 0;

  /** Records a condition. */
  add(w: SqlWarning): void {
    this.total++;
    if (this.items.length < keptMax) this.items.push(w);
  }

  /** Empties the list (a new statement starts). */
  clear(): void {
    this.items.length = 0;
    this.total = 0;
  }

  /** How many conditions the statement raised (@@warning_count). */
  get count(): number {
    return this.total;
  }

  /** Conditions of level Error (@@error_count). */
  get errorCount(): number {
    return this.items.filter((w) => w.level === 'Error').length;
  }

  /** The SHOW WARNINGS (or, with `errorsOnly`, SHOW ERRORS) result. */
  result(errorsOnly: boolean): StatementResult {
    const rows: SqlValue[][] = this.items.filter((w) => !errorsOnly || w.level === 'Error').map((w) => [w.level, BigInt(w.code), w.message]);
    return { kind: 'rows', columns: [text('Level', 7), code(), text('Message', 512)], rows, warningCount: 0 };
  }
}

function text(name: string, chars: number): ColumnInfo {
  return {
    schema: '', table: '', orgTable: '', name, orgName: '', charset: Charset.UTF8MB4_GENERAL_CI, columnLength: chars * 4,
    type: ColumnType.VAR_STRING, flags: ColumnFlag.NOT_NULL, decimals: 0,
  };
}

function code(): ColumnInfo {
  return {
    schema: '', table: '', orgTable: '', name: 'Code', orgName: '', charset: Charset.BINARY, columnLength: 4,
    type: ColumnType.LONG, flags: ColumnFlag.NOT_NULL | ColumnFlag.UNSIGNED | ColumnFlag.BINARY | ColumnFlag.NUM, decimals: 0,
  };
}
