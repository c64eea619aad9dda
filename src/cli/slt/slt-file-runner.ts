/**
 * Runs the records of one sqllogictest script against a connection and judges each one.
 * Every statement or query that runs counts as passed or failed, every one its conditions
 * exclude as skipped; an error or a timeout where success was expected is a failure, never a
 * crash. Queries with the same label must give the same values (compared by their MD5).
 */
import { assertNever } from '../../base/assert.js';
import type { SltQueryResult } from './slt-connection.js';
import { formatRows, hashValues, sortValues } from './slt-format.js';
import { recordAppliesTo, type SltQuery, type SltRecord, type SltStatement } from './slt-record.js';
import { messageOf, SltConnectionError } from './slt-session.js';

/** Runs one SQL text; `SltSession` in production, fakes in tests. */
export interface SltQueryRunner {
  query(sql: string): Promise<SltQueryResult>;
}

/** Why one record failed, with what was expected and what came back when there is a result. */
export interface SltFailure {
  readonly line: number;
  readonly sql: string | null;
  readonly message: string;
  readonly expected?: readonly string[];
  readonly actual?: readonly string[];
}

/** The verdicts of one script. */
export interface SltFileResult {
  passed: number;
  failed: number;
  skipped: number;
  readonly failures: SltFailure[];
  /** A `halt` record for this engine ended the script early. */
  halted: boolean;
  /** The run stopped at a failure because `stopOnFirstError` was set. */
  stopped: boolean;
}

export interface SltFileRunOptions {
  /** The engine name `skipif`/`onlyif` are matched against. */
  readonly engine: string;
  readonly stopOnFirstError: boolean;
  /** Statements and queries to process at most (run or skipped), then stop; unlimited when absent. */
  readonly recordLimit?: number;
}

/** Runs `records` in order and returns the verdicts. */
export async function runSltRecords(records: readonly SltRecord[], runner: SltQueryRunner, options: SltFileRunOptions): Promise<SltFileResult> {
  const result: SltFileResult = { passed: 0, failed: 0, skipped: 0, failures: [], halted: false, stopped: false };
  const labels = new Map<string, { md5: string; line: number }>();
  let processed = 0;
  for (const record of records) {
    if (options.recordLimit !== undefined && processed >= options.recordLimit) break;
    if (record.kind === 'halt') {
      if (recordAppliesTo(record.conditions, options.engine)) {
        result.halted = true;
        break;
      }
      continue;
    }
    processed++;
    const failure = await judgeRecord(record, runner, options.engine, labels);
    if (failure === 'skipped') {
      result.skipped++;
    } else if (failure === null) {
      result.passed++;
    } else {
      result.failed++;
      result.failures.push(failure);
      if (options.stopOnFirstError) {
        result.stopped = true;
        break;
      }
    }
  }
  return result;
}

type Verdict = SltFailure | null | 'skipped';

async function judgeRecord(record: Exclude<SltRecord, { kind: 'halt' }>, runner: SltQueryRunner, engine: string, labels: Map<string, { md5: string; line: number }>): Promise<Verdict> {
  switch (record.kind) {
    case 'invalid':
      return { line: record.line, sql: null, message: `unparseable record: ${record.message}` };
    case 'statement':
      return recordAppliesTo(record.conditions, engine) ? judgeStatement(record, runner) : 'skipped';
    case 'query':
      return recordAppliesTo(record.conditions, engine) ? judgeQuery(record, runner, labels) : 'skipped';
    default:
      return assertNever(record, 'record');
  }
}

async function judgeStatement(record: SltStatement, runner: SltQueryRunner): Promise<SltFailure | null> {
  const fail = (message: string): SltFailure => ({ line: record.line, sql: record.sql, message });
  try {
    await runner.query(record.sql);
  } catch (error) {
    if (error instanceof SltConnectionError) return fail(error.message);
    return record.expectError ? null : fail(`statement failed: ${messageOf(error)}`);
  }
  return record.expectError ? fail('statement succeeded but an error was expected') : null;
}

async function judgeQuery(record: SltQuery, runner: SltQueryRunner, labels: Map<string, { md5: string; line: number }>): Promise<SltFailure | null> {
  const fail = (message: string, actual?: readonly string[]): SltFailure => ({
    line: record.line,
    sql: record.sql,
    message,
    expected: renderExpected(record),
    ...(actual === undefined ? {} : { actual }),
  });
  let result: SltQueryResult;
  try {
    result = await runner.query(record.sql);
  } catch (error) {
    return fail(error instanceof SltConnectionError ? error.message : `query failed: ${messageOf(error)}`);
  }
  const rows = 'rows' in result ? result.rows : [];
  const width = record.types.length;
  const misfit = rows.find((row) => row.length !== width);
  if (misfit !== undefined) return fail(`expected ${width} columns, got ${misfit.length}`);
  const values = sortValues(formatRows(rows, record.types), width, record.sortMode);
  const md5 = hashValues(values);
  const mismatch = compareExpected(record, values, md5);
  if (mismatch !== null) return fail(mismatch, renderActual(record, values, md5));
  if (record.label === null) return null;
  const earlier = labels.get(record.label);
  if (earlier === undefined) {
    labels.set(record.label, { md5, line: record.line });
    return null;
  }
  return earlier.md5 === md5 ? null : fail(`label ${record.label}: result differs from the query at line ${earlier.line}`, renderActual(record, values, md5));
}

/** Null when the values match the record's expected result, else what differs. */
function compareExpected(record: SltQuery, values: readonly string[], md5: string): string | null {
  const expected = record.expected;
  if (expected.kind === 'hash') {
    if (values.length !== expected.valueCount) return `expected ${expected.valueCount} values, got ${values.length}`;
    return md5 === expected.md5 ? null : `values hash to ${md5}, expected ${expected.md5}`;
  }
  if (values.length !== expected.values.length) return `expected ${expected.values.length} values, got ${values.length}`;
  const at = values.findIndex((value, i) => value !== expected.values[i]);
  return at < 0 ? null : `value ${at + 1} is '${values[at]}', expected '${expected.values[at]}'`;
}

function renderExpected(record: SltQuery): readonly string[] {
  const expected = record.expected;
  return expected.kind === 'hash' ? [`${expected.valueCount} values hashing to ${expected.md5}`] : expected.values;
}

/** The actual result as the script would write it (hashed past the threshold), then the values. */
function renderActual(record: SltQuery, values: readonly string[], md5: string): readonly string[] {
  const hashed = record.expected.kind === 'hash' || (record.hashThreshold > 0 && values.length > record.hashThreshold);
  return hashed ? [`${values.length} values hashing to ${md5}`, ...values] : values;
}
