/**
 * `npm run bench -- <name> [options]`: Atoll's benchmarks (see bench/DESIGN.md).
 *
 *   sysbench  [--threads 1,8] [--time 20] [--runs 3] [--table-size 100000]
 *             [--workloads oltp_point_select,…] [--systems atoll,mariadb] [--ps-mode auto|disable]
 *   ledger    [--connections 8] [--time 20] [--runs 3] [--accounts 10000] [--systems atoll,mariadb]
 *   raft | storage | sql   [--runs 3] [--time 5] [--other value …]   (in-process modules)
 *
 * Common: --results DIR (default bench/results), --work DIR (default bench/runs),
 * --keep-data (keep the servers' data folders). Results: <results>/<name>-<timestamp>.{json,md,svg}
 * and <results>/LATEST.md.
 */
import { mkdirSync, rmSync } from 'node:fs';
import { join, relative } from 'node:path';
import { OptionReader, parseArgs, UsageError } from './args.js';
import type { BenchResult } from './bench-result.js';
import { runLedgerBench } from './ledger-bench.js';
import { runModuleBench } from './module-bench.js';
import { killAllNow } from './processes.js';
import { repoRoot } from './repo-root.js';
import { fileTimestamp, writeResults } from './result-writer.js';
import { allSystems, type SystemName } from './side-by-side.js';
import { formatNumber, formatRatio } from './svg-chart.js';
import { runSysbenchBench, sysbenchWorkloads } from './sysbench-bench.js';

const usage = `usage: npm run bench -- <sysbench|ledger|raft|storage|sql> [options]

  sysbench  [--threads 1,8] [--time 20] [--runs 3] [--table-size 100000]
            [--workloads ${sysbenchWorkloads.join(',')}] [--systems atoll,mariadb] [--ps-mode auto|disable]
  ledger    [--connections 8] [--time 20] [--runs 3] [--accounts 10000] [--systems atoll,mariadb]
  raft | storage | sql   [--runs 3] [--time 5] [--key value …]

  common:   [--results DIR] [--work DIR] [--keep-data]
`;

async function main(argv: readonly string[]): Promise<number> {
  const parsed = parseArgs(argv);
  const options = new OptionReader(parsed.options);
  if (parsed.command === null || options.flag('help')) {
    process.stdout.write(usage);
    return parsed.command === null && !parsed.options.has('help') ? 2 : 0;
  }
  const resultsDir = options.string('results', join(repoRoot(), 'bench', 'results'));
  const workDir = options.string('work', join(repoRoot(), 'bench', 'runs'));
  const keepData = options.flag('keep-data');
  const result = await runNamed(parsed.command, options, { workDir, keepData });
  if (result === null) return 0;
  const written = writeResults(result, resultsDir);
  process.stdout.write(summaryText(result) + `\nresults: ${relative(process.cwd(), written.markdownPath)} (+ .json, .svg); ${relative(process.cwd(), written.latestPath)} updated\n`);
  const failedChecks = result.checks.filter((c) => !c.passed);
  return failedChecks.some((c) => c.system !== 'atoll') ? 1 : 0;
}

async function runNamed(name: string, options: OptionReader, common: { workDir: string; keepData: boolean }): Promise<BenchResult | null> {
  switch (name) {
    case 'sysbench': {
      const o = {
        threads: options.positiveIntList('threads', [1, 8]),
        timeSec: options.positiveInt('time', 20),
        runs: options.positiveInt('runs', 3),
        tableSize: options.positiveInt('table-size', 100_000),
        workloads: options.choiceList('workloads', sysbenchWorkloads, sysbenchWorkloads),
        systems: options.choiceList('systems', allSystems, allSystems) as SystemName[],
        psMode: options.choiceList('ps-mode', ['auto', 'disable'], ['auto'])[0] as 'auto' | 'disable',
        ...common,
      };
      options.rejectUnknown();
      return runSysbenchBench(o);
    }
    case 'ledger': {
      const o = {
        connections: options.positiveInt('connections', 8),
        timeSec: options.positiveInt('time', 20),
        runs: options.positiveInt('runs', 3),
        accounts: options.positiveInt('accounts', 10_000),
        systems: options.choiceList('systems', allSystems, allSystems) as SystemName[],
        ...common,
      };
      if (o.accounts < 2) throw new UsageError('--accounts must be at least 2');
      options.rejectUnknown();
      return runLedgerBench(o);
    }
    case 'raft':
    case 'storage':
    case 'sql':
      return runModule(name, options, common);
    default:
      throw new UsageError(`unknown benchmark '${name}'`);
  }
}

async function runModule(name: 'raft' | 'storage' | 'sql', options: OptionReader, common: { workDir: string; keepData: boolean }): Promise<BenchResult | null> {
  const runs = options.positiveInt('runs', 3);
  const timeSec = options.positiveInt('time', 5);
  const extra: Record<string, string> = Object.fromEntries(options.unread());
  const workDir = join(common.workDir, `${name}-${fileTimestamp(new Date().toISOString())}`);
  mkdirSync(workDir, { recursive: true });
  try {
    return await runModuleBench(name, { runs, timeSec, workDir, extra, log: (line) => void process.stderr.write(line + '\n') });
  } finally {
    if (!common.keepData) rmSync(workDir, { recursive: true, force: true });
  }
}

/** A few lines for the terminal: each headline figure with its ratio, and the checks. */
export function summaryText(result: BenchResult): string {
  const lines = [`${result.name}: finished ${result.finishedAt}`];
  for (const f of result.figures.filter((x) => x.headline)) {
    const sides = f.sides.map((s) => `${s.system} ${s.summary === null ? 'failed' : formatNumber(s.summary.median)}`).join(', ');
    lines.push(`  ${f.group}: ${f.metric} (${f.unit}) ${sides}${f.ratio === null ? '' : `, ratio ${formatRatio(f.ratio)}×`}`);
  }
  for (const c of result.checks) lines.push(`  ${c.passed ? 'PASS' : 'FAIL'} ${c.system}: ${c.name} — ${c.detail}`);
  for (const n of result.notes) lines.push(`  note: ${n}`);
  return lines.join('\n');
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (err: unknown) => {
    killAllNow();
    if (err instanceof UsageError) {
      process.stderr.write(`bench: ${err.message}\n\n${usage}`);
      process.exitCode = 2;
      return;
    }
    process.stderr.write(`bench: failed: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
    process.exitCode = 1;
  },
);
