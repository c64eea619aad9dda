/**
 * `bench sysbench`: sysbench's OLTP workloads on Atoll and on a private MariaDB, side by
 * side on this machine, alternating run by run. Both get the same `sbtest1` table prepared
 * by sysbench itself and sysbench's default server-side prepared statements.
 */
import { join, relative } from 'node:path';
import { figuresFrom, remarksOf, runAlternating, type Cell, type MetricSpec, type RunRecord } from './alternation.js';
import type { BenchResult, Check } from './bench-result.js';
import { machineFacts } from './machine-facts.js';
import { sqlScalar } from './mariadb-server.js';
import { createProgress } from './progress.js';
import { repoRoot } from './repo-root.js';
import { fileTimestamp } from './result-writer.js';
import { createDatabase, openHarness, type SystemName, type SystemUnderTest } from './side-by-side.js';
import { runSysbench, sysbenchArgs } from './sysbench-runner.js';

/** The OLTP workloads, in the order they run. */
export const sysbenchWorkloads = ['oltp_point_select', 'oltp_read_only', 'oltp_write_only', 'oltp_read_write'] as const;

/** Options of `bench sysbench`. */
export interface SysbenchBenchOptions {
  readonly threads: readonly number[];
  readonly timeSec: number;
  readonly runs: number;
  readonly tableSize: number;
  readonly workloads: readonly string[];
  readonly systems: readonly SystemName[];
  /** sysbench's --db-ps-mode: `auto` (server-side prepared statements, the default) or `disable` (text queries). */
  readonly psMode: 'auto' | 'disable';
  readonly workDir: string;
  readonly keepData: boolean;
}

const database = 'sbtest';

const metrics: readonly MetricSpec[] = [
  { key: 'tps', metric: 'throughput', unit: 'transactions/s', higherIsBetter: true, headline: true },
  { key: 'qps', metric: 'queries', unit: 'queries/s', higherIsBetter: true },
  { key: 'p95Ms', metric: 'p95 latency', unit: 'ms', higherIsBetter: false },
  { key: 'errors', metric: 'ignored errors', unit: 'per run', higherIsBetter: false },
  { key: 'reconnects', metric: 'reconnects', unit: 'per run', higherIsBetter: false },
];

/** Runs the benchmark and returns its result (not yet written). */
export async function runSysbenchBench(options: SysbenchBenchOptions): Promise<BenchResult> {
  const startedAt = new Date().toISOString();
  const log = (line: string): void => void process.stderr.write(line + '\n');
  const harness = await openHarness({ name: 'sysbench', stamp: fileTimestamp(startedAt), systems: options.systems, workDir: options.workDir, keepData: options.keepData, log });
  try {
    const logFile = join(harness.logDir, 'sysbench.log');
    const common = [`--tables=1`, `--table-size=${options.tableSize}`];
    const checks: Check[] = [];
    for (const system of harness.systems) checks.push(await prepare(system, common, logFile, options.tableSize, log));
    const cells: Cell[] = options.workloads.flatMap((w) => options.threads.map((t) => ({ key: `${w}/${t}`, label: `${w}, ${t} thread${t === 1 ? '' : 's'}` })));
    const progress = createProgress(cells.length * options.runs * harness.systems.length);
    let records: RunRecord[];
    try {
      records = await runAlternating(cells, options.runs, harness.systems, progress, async (cell, system, run): Promise<RunRecord> => {
        const [workload, threads] = cell.key.split('/') as [string, string];
        const extra = [...common, `--threads=${threads}`, `--time=${options.timeSec}`, '--percentile=95', `--db-ps-mode=${options.psMode}`];
        const env = { ATOLL_BENCH_WORKLOAD: workload };
        const outcome = await runSysbench({ script: errorCountingScript(), env, command: 'run', port: system.port, database, extra, timeoutMs: (options.timeSec + 90) * 1000, logFile });
        const r = outcome.report;
        const remarks = r.ignoredErrorKinds.map((k) => `sysbench ignored and retried error ${k.errno} × ${k.count}: ${k.message}`);
        const metricsOf: Record<string, number> = outcome.failure === null ? { tps: r.tps!, qps: r.qps ?? 0, p95Ms: r.percentile?.ms ?? 0, errors: r.ignoredErrors ?? 0, reconnects: r.reconnects ?? 0 } : {};
        return { cell: cell.key, system: system.name, run, metrics: metricsOf, failure: outcome.failure, remarks };
      });
    } finally {
      progress.stop();
    }
    const names = harness.systems.map((s) => s.name);
    const exampleSystem = harness.systems[0]!;
    const commands = [
      ...harness.commands,
      'sysbench ' + sysbenchArgs({ script: 'oltp_read_write', command: 'prepare', port: exampleSystem.port, database, extra: common }).join(' '),
      ...options.workloads.map((w) => `ATOLL_BENCH_WORKLOAD=${w} sysbench ` + sysbenchArgs({ script: 'bench/oltp-errors.lua', command: 'run', port: exampleSystem.port, database, extra: [...common, '--threads=T', `--time=${options.timeSec}`, '--percentile=95', `--db-ps-mode=${options.psMode}`] }).join(' ')),
    ];
    return {
      name: 'sysbench',
      startedAt,
      finishedAt: new Date().toISOString(),
      machine: await machineFacts(harness.mariadbVersion),
      settings: { threads: options.threads, timeSec: options.timeSec, runs: options.runs, tableSize: options.tableSize, workloads: options.workloads, psMode: options.psMode, systems: names, order: 'alternating per run: ' + names.join(' then ') },
      commands,
      figures: figuresFrom(cells, names, records, metrics),
      checks,
      notes: [...harness.notes, ...remarksOf(cells, records), `bench/oltp-errors.lua runs each bundled workload unchanged and also counts the errors sysbench ignores, by errno`, `raw sysbench output (not committed): ${relative(repoRoot(), logFile)}`],
      runs: records,
    };
  } finally {
    await harness.close();
  }
}

/** bench/oltp-errors.lua: a bundled workload, run unchanged, that also reports which errors it ignored. */
export function errorCountingScript(): string {
  return join(repoRoot(), 'bench', 'oltp-errors.lua');
}

/** Creates the database, prepares sbtest1 and checks its row count; a failure is a failed check, not an abort. */
async function prepare(system: SystemUnderTest, common: readonly string[], logFile: string, tableSize: number, log: (line: string) => void): Promise<Check> {
  const name = `prepare sbtest1 with ${tableSize} rows`;
  const dbError = await createDatabase(system, database);
  if (dbError !== null) return { name, system: system.name, passed: false, detail: `CREATE DATABASE ${database} failed: ${dbError}` };
  log(`${system.name}: preparing sbtest1 (${tableSize} rows)…`);
  const timeoutMs = 600_000 + tableSize * 10;
  const outcome = await runSysbench({ script: 'oltp_read_write', command: 'prepare', port: system.port, database, extra: common, timeoutMs, logFile });
  if (outcome.failure !== null) {
    log(`${system.name}: prepare FAILED: ${outcome.failure}`);
    return { name, system: system.name, passed: false, detail: `sysbench prepare failed after ${(outcome.elapsedMs / 1000).toFixed(1)} s: ${outcome.failure}` };
  }
  try {
    const count = Number(await sqlScalar(system.port, 'SELECT COUNT(*) FROM sbtest1', database));
    const passed = count === tableSize;
    log(`${system.name}: prepared in ${(outcome.elapsedMs / 1000).toFixed(1)} s, ${count} rows`);
    return { name, system: system.name, passed, detail: `prepared in ${(outcome.elapsedMs / 1000).toFixed(1)} s; SELECT COUNT(*) = ${count}` };
  } catch (err) {
    return { name, system: system.name, passed: false, detail: `prepared, but SELECT COUNT(*) failed: ${(err as Error).message}` };
  }
}
