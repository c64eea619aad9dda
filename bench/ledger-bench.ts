/**
 * `bench ledger`: money transfers between accounts (bench/ledger.lua, driven by sysbench) on
 * Atoll and on a private MariaDB, alternating run by run; after every run each system must
 * still hold exactly the opening total, with no account below zero.
 */
import { join, relative } from 'node:path';
import { figuresFrom, remarksOf, runAlternating, type Cell, type MetricSpec, type RunRecord } from './alternation.js';
import type { BenchResult, Check } from './bench-result.js';
import { machineFacts } from './machine-facts.js';
import { createProgress } from './progress.js';
import { repoRoot } from './repo-root.js';
import { fileTimestamp } from './result-writer.js';
import { createDatabase, openHarness, type SystemName, type SystemUnderTest } from './side-by-side.js';
import { histogramQuantile } from './stats.js';
import type { SysbenchReport } from './sysbench-output.js';
import { runSysbench, sysbenchArgs } from './sysbench-runner.js';

/** Options of `bench ledger`. */
export interface LedgerBenchOptions {
  readonly connections: number;
  readonly timeSec: number;
  readonly runs: number;
  readonly accounts: number;
  readonly systems: readonly SystemName[];
  readonly workDir: string;
  readonly keepData: boolean;
}

const database = 'ledger';

const metrics: readonly MetricSpec[] = [
  { key: 'eventsPerSec', metric: 'throughput', unit: 'transfers tried/s', higherIsBetter: true, headline: true },
  { key: 'committedPerSec', metric: 'committed transfers', unit: 'transfers/s', higherIsBetter: true },
  { key: 'p50Ms', metric: 'p50 latency', unit: 'ms', higherIsBetter: false },
  { key: 'p99Ms', metric: 'p99 latency', unit: 'ms', higherIsBetter: false },
  { key: 'retries', metric: 'deadlock/lock-timeout retries', unit: 'per run', higherIsBetter: false },
];

/** The ledger script's path in the repository. */
export function ledgerScript(): string {
  return join(repoRoot(), 'bench', 'ledger.lua');
}

/** Runs the benchmark and returns its result (not yet written). */
export async function runLedgerBench(options: LedgerBenchOptions): Promise<BenchResult> {
  const startedAt = new Date().toISOString();
  const log = (line: string): void => void process.stderr.write(line + '\n');
  const harness = await openHarness({ name: 'ledger', stamp: fileTimestamp(startedAt), systems: options.systems, workDir: options.workDir, keepData: options.keepData, log });
  try {
    const logFile = join(harness.logDir, 'sysbench.log');
    const common = [`--accounts=${options.accounts}`];
    const checks: Check[] = [];
    const verifications = new Map<string, string[]>();
    for (const system of harness.systems) checks.push(await prepareLedger(system, common, logFile, log));
    const cell: Cell = { key: 'ledger', label: `ledger, ${options.connections} connections` };
    const progress = createProgress(options.runs * harness.systems.length);
    let records: RunRecord[];
    try {
      records = await runAlternating([cell], options.runs, harness.systems, progress, async (_cell, system, run) => {
        const extra = [...common, `--threads=${options.connections}`, `--time=${options.timeSec}`, '--percentile=99', '--histogram=on'];
        const outcome = await runSysbench({ script: ledgerScript(), command: 'run', port: system.port, database, extra, timeoutMs: (options.timeSec + 90) * 1000, logFile });
        const problem = await verify(system, common, logFile, options.accounts);
        const list = verifications.get(system.name) ?? [];
        list.push(`run ${run}: ${problem ?? 'total unchanged, no negative balance'}`);
        verifications.set(system.name, list);
        const failure = outcome.failure ?? (problem === null ? null : `verification after the run failed: ${problem}`);
        const remarks = outcome.report.ignoredErrorKinds.map((k) => `retried error ${k.errno} × ${k.count}: ${k.message}`);
        // Refused overdrafts follow from how far the random walk of balances went (more
        // transfers, more of them), so they are a remark, not a figure to compare.
        const overdrafts = outcome.failure === null ? ledgerMetrics(outcome.report)['overdrafts'] : undefined;
        if (overdrafts !== undefined && overdrafts > 0) remarks.push(`${overdrafts} transfers refused as overdrafts (rolled back)`);
        return { cell: cell.key, system: system.name, run, metrics: outcome.failure === null ? ledgerMetrics(outcome.report) : {}, failure, remarks };
      });
    } finally {
      progress.stop();
    }
    for (const [system, lines] of verifications) {
      checks.push({ name: 'total balance unchanged after every run', system, passed: lines.every((l) => l.endsWith('no negative balance')), detail: lines.join('; ') });
    }
    const names = harness.systems.map((s) => s.name);
    const example = harness.systems[0]!;
    const runExtra = [...common, `--threads=${options.connections}`, `--time=${options.timeSec}`, '--percentile=99', '--histogram=on'];
    return {
      name: 'ledger',
      startedAt,
      finishedAt: new Date().toISOString(),
      machine: await machineFacts(harness.mariadbVersion),
      settings: { connections: options.connections, timeSec: options.timeSec, runs: options.runs, accounts: options.accounts, systems: names, order: 'alternating per run: ' + names.join(' then ') },
      commands: [
        ...harness.commands,
        ...['prepare', 'run', 'verify'].map((command) => 'sysbench ' + sysbenchArgs({ script: 'bench/ledger.lua', command, port: example.port, database, extra: command === 'run' ? runExtra : common }).join(' ')),
      ],
      figures: figuresFrom([cell], names, records, metrics),
      checks,
      notes: [...harness.notes, ...remarksOf([cell], records), `raw sysbench output (not committed): ${relative(repoRoot(), logFile)}`],
      runs: records,
    };
  } finally {
    await harness.close();
  }
}

/** Throughput, latency and the script's own counters from one run's report. */
export function ledgerMetrics(report: SysbenchReport): Record<string, number> {
  const threads = report.ledgerLines.filter((l) => l['thread'] !== undefined);
  const sum = (key: string): number => threads.reduce((total, l) => total + Number(l[key] ?? 0), 0);
  const seconds = report.totalTimeSec ?? 0;
  return {
    eventsPerSec: report.tps ?? 0,
    committedPerSec: seconds > 0 ? sum('transfers') / seconds : 0,
    p50Ms: histogramQuantile(report.histogram, 0.5) ?? report.latencyMs.avg ?? 0,
    p99Ms: report.percentile?.ms ?? 0,
    retries: sum('retries'),
    overdrafts: sum('overdrafts'),
  };
}

async function prepareLedger(system: SystemUnderTest, common: readonly string[], logFile: string, log: (line: string) => void): Promise<Check> {
  const name = 'prepare ledger_acct';
  const dbError = await createDatabase(system, database);
  if (dbError !== null) return { name, system: system.name, passed: false, detail: `CREATE DATABASE ${database} failed: ${dbError}` };
  log(`${system.name}: preparing ledger_acct…`);
  const outcome = await runSysbench({ script: ledgerScript(), command: 'prepare', port: system.port, database, extra: common, timeoutMs: 600_000, logFile });
  if (outcome.failure !== null) return { name, system: system.name, passed: false, detail: `sysbench prepare failed: ${outcome.failure}` };
  return { name, system: system.name, passed: true, detail: `prepared in ${(outcome.elapsedMs / 1000).toFixed(1)} s` };
}

/** Null when the ledger holds the opening total with no negative balance; else what is wrong. */
async function verify(system: SystemUnderTest, common: readonly string[], logFile: string, accounts: number): Promise<string | null> {
  if (!system.alive()) return 'the server is not running';
  const outcome = await runSysbench({ script: ledgerScript(), command: 'verify', port: system.port, database, extra: common, timeoutMs: 120_000, logFile });
  if (outcome.failure !== null) return `verify failed: ${outcome.failure}`;
  const line = outcome.report.ledgerLines.find((l) => l['verify'] !== undefined || l['total'] !== undefined);
  return line === undefined ? 'verify printed nothing' : verificationProblem(line, accounts);
}

/** Compares a `ledger: verify …` line with what must hold; null when it all does. */
export function verificationProblem(line: Readonly<Record<string, string>>, accounts: number): string | null {
  const problems: string[] = [];
  if (Number(line['accounts']) !== accounts) problems.push(`accounts=${line['accounts']} (expected ${accounts})`);
  if (toCents(line['total']) !== toCents(line['expected_total'])) problems.push(`total=${line['total']} (expected ${line['expected_total']})`);
  const min = toCents(line['min']);
  if (min === null || min < 0n) problems.push(`min balance=${line['min']}`);
  return problems.length === 0 ? null : problems.join(', ');
}

/** "123.4" → 12340n; null for anything that is not a plain decimal. */
export function toCents(text: string | undefined): bigint | null {
  const m = text === undefined ? null : /^(-?)(\d+)(?:\.(\d*))?$/.exec(text);
  if (!m) return null;
  const frac = ((m[3] ?? '') + '00').slice(0, 2);
  if ((m[3] ?? '').slice(2).replace(/0/g, '') !== '') return null;
  const cents = BigInt(m[2]!) * 100n + BigInt(frac);
  return m[1] === '-' ? -cents : cents;
}
