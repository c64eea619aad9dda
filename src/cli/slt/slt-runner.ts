/**
 * `atoll slt`: runs sqllogictest scripts against a MySQL-protocol server. Each script runs in
 * a database of its own (created, used, dropped), so scripts never see each other's tables.
 * Prints a line per script, its failures, and last a total line `N passed, N failed, N skipped`.
 */
import { readFile } from 'node:fs/promises';
import { limits } from '../../base/limits.js';
import { connectTextClient } from '../mysql-client.js';
import type { SltConnect } from './slt-connection.js';
import { collectSltFiles } from './slt-files.js';
import { runSltRecords, type SltFailure, type SltFileResult } from './slt-file-runner.js';
import { parseSltScript } from './slt-parser.js';
import { messageOf, SltSession } from './slt-session.js';

/** The engine name the scripts' `skipif`/`onlyif` lines are matched against. */
export const sltEngineName = 'mysql';

/** What `runSlt` was asked to do. */
export interface SltOptions {
  readonly paths: string[];
  readonly host: string;
  readonly port: number;
  readonly user: string;
  readonly password?: string;
  /** Database the connection starts in (before each script's own is created). */
  readonly database?: string;
  /** Where the report goes (default stdout). */
  readonly out?: NodeJS.WritableStream;
  /** Print every failure with its expected and actual values. */
  readonly verbose?: boolean;
  /** Stop the whole run at the first failing record. */
  readonly stopOnFirstError?: boolean;
  /** Process at most this many statements and queries per script. */
  readonly recordLimit?: number;
}

/** The verdicts of one script. */
export interface SltFileTotals {
  file: string;
  passed: number;
  failed: number;
  skipped: number;
}

/** The verdicts of a run. */
export interface SltTotals {
  perFile: SltFileTotals[];
  passed: number;
  failed: number;
  skipped: number;
}

/** Runs the scripts under `options.paths` against the server at host:port. */
export async function runSlt(options: SltOptions): Promise<SltTotals> {
  const connect: SltConnect = (database) =>
    connectTextClient({
      host: options.host,
      port: options.port,
      user: options.user,
      connectTimeoutMs: limits.sltRecordTimeoutMs,
      ...(options.password === undefined ? {} : { password: options.password }),
      ...(database === null ? {} : { database }),
    });
  return runSltWith({ ...options, connect });
}

/** `runSlt` over any connection factory (tests use fakes); `recordTimeoutMs` bounds each record. */
export async function runSltWith(options: Omit<SltOptions, 'host' | 'port' | 'user'> & { connect: SltConnect; recordTimeoutMs?: number }): Promise<SltTotals> {
  const out = options.out ?? process.stdout;
  const files = await collectSltFiles(options.paths);
  const totals: SltTotals = { perFile: [], passed: 0, failed: 0, skipped: 0 };
  for (let i = 0; i < files.length; i++) {
    const file = files[i]!;
    const startedMs = Date.now();
    const outcome = await runOneFile(file, `slt_${process.pid}_${i + 1}`, options);
    const seconds = ((Date.now() - startedMs) / 1000).toFixed(2);
    printFailures(out, file, outcome.failures, options.verbose === true);
    const halted = outcome.halted ? ', halted' : '';
    out.write(`${file}: ${outcome.passed} passed, ${outcome.failed} failed, ${outcome.skipped} skipped${halted} (${seconds} s)\n`);
    totals.perFile.push({ file, passed: outcome.passed, failed: outcome.failed, skipped: outcome.skipped });
    totals.passed += outcome.passed;
    totals.failed += outcome.failed;
    totals.skipped += outcome.skipped;
    if (outcome.stopped) break;
  }
  out.write(`${totals.passed} passed, ${totals.failed} failed, ${totals.skipped} skipped\n`);
  return totals;
}

/** Runs one script in a fresh database; trouble setting it up is one failure of that script. */
async function runOneFile(
  file: string,
  database: string,
  options: { connect: SltConnect; database?: string; recordTimeoutMs?: number; stopOnFirstError?: boolean; recordLimit?: number },
): Promise<SltFileResult> {
  const session = new SltSession(options.connect, options.recordTimeoutMs ?? limits.sltRecordTimeoutMs, options.database ?? null);
  let created = false;
  try {
    let records;
    try {
      records = parseSltScript(await readFile(file, 'utf8'));
      await session.query(`CREATE DATABASE ${database}`);
      created = true;
      await session.useDatabase(database);
    } catch (error) {
      const failure: SltFailure = { line: 0, sql: null, message: `setup failed: ${messageOf(error)}` };
      return { passed: 0, failed: 1, skipped: 0, failures: [failure], halted: false, stopped: options.stopOnFirstError === true };
    }
    return await runSltRecords(records, session, {
      engine: sltEngineName,
      stopOnFirstError: options.stopOnFirstError === true,
      ...(options.recordLimit === undefined ? {} : { recordLimit: options.recordLimit }),
    });
  } finally {
    if (created) await session.query(`DROP DATABASE ${database}`).catch(() => undefined);
    await session.close();
  }
}

/** Failures shown per script unless verbose. */
const failuresShownMax = 5;
/** Expected/actual lines shown per failure when verbose. */
const valuesShownMax = 20;

function printFailures(out: NodeJS.WritableStream, file: string, failures: readonly SltFailure[], verbose: boolean): void {
  const shown = verbose ? failures : failures.slice(0, failuresShownMax);
  for (const failure of shown) {
    out.write(`  FAIL ${file}:${failure.line}: ${failure.message}\n`);
    if (failure.sql !== null) out.write(`    ${oneLine(failure.sql, verbose ? 2000 : 200)}\n`);
    if (!verbose) continue;
    if (failure.expected !== undefined) out.write(`    expected: ${excerpt(failure.expected)}\n`);
    if (failure.actual !== undefined) out.write(`    actual:   ${excerpt(failure.actual)}\n`);
  }
  if (shown.length < failures.length) out.write(`  … and ${failures.length - shown.length} more failures (--verbose shows all)\n`);
}

function oneLine(sql: string, charsMax: number): string {
  const flat = sql.replace(/\s*\n\s*/g, ' ');
  return flat.length <= charsMax ? flat : flat.slice(0, charsMax) + '…';
}

function excerpt(values: readonly string[]): string {
  const head = values.slice(0, valuesShownMax).join(' | ');
  return values.length > valuesShownMax ? `${head} | … (${values.length} lines)` : head;
}
