/**
 * `npm run jepsen -- --workload bank|register|append|set[,…] --nemesis partition,kill,pause,clock,loss,latency
 *  --nodes 3 --time 120 --seed S` runs one Jepsen-style test and exits 0 (valid), 1 (a checker
 * found an anomaly) or 2 (unknown, or the harness failed). `… all` runs every workload under
 * each nemesis in turn and prints the matrix; `… cleanup` removes what crashed runs left
 * (namespaces, links, processes and temp folders named atoll-j-*). Arguments are parsed by
 * hand: commander belongs to src/cli/main.ts.
 */
import { writeFileSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { cleanupLeftovers } from './harness/cleanup.js';
import { randomSeed, runJepsen, type JepsenRunOptions, type JepsenRunOutcome } from './harness/jepsen-run.js';
import { repoRoot } from './harness/node-program.js';
import { faultKinds, parseFaultKinds, type FaultKind } from './nemesis/fault.js';
import { parseWorkloadNames, workloadNames } from './workloads/workloads.js';

const usage = `usage: node dist/jepsen-tests/run.js [run|all|cleanup] [options]
  --workload W[,W…]   register, set, bank, append (or all)            default register
  --nemesis  N[,N…]   ${faultKinds.join(', ')}, all, none   default none
  --nodes    3|5      nodes, each in its own network namespace          default 3
  --time     S        seconds of faults before the healed period        default 60 (all: 30)
  --seed     S        schedule and operation seed                       default random
  --concurrency C     clients per workload                              default 3
  --planted-bug       start nodes with ATOLL_TESTONLY_ACK_BEFORE_DURABLE=1
  --store DIR         parent folder of run folders                      default jepsen-tests/store`;

type Flags = Record<string, string | true>;

function parseArgs(argv: readonly string[]): { command: string; flags: Flags } {
  const flags: Flags = {};
  let command = 'run';
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] as string;
    if (!arg.startsWith('--')) {
      command = arg;
      continue;
    }
    const eq = arg.indexOf('=');
    if (eq > 0) flags[arg.slice(2, eq)] = arg.slice(eq + 1);
    else if (arg === '--planted-bug' || arg === '--help') flags[arg.slice(2)] = true;
    else {
      const value = argv[++i];
      if (value === undefined) throw new Error(`${arg} needs a value`);
      flags[arg.slice(2)] = value;
    }
  }
  const known = new Set(['workload', 'nemesis', 'nodes', 'time', 'seed', 'concurrency', 'planted-bug', 'store', 'help']);
  for (const name of Object.keys(flags)) if (!known.has(name)) throw new Error(`unknown option --${name}`);
  return { command, flags };
}

function intFlag(flags: Flags, name: string, fallback: number, min: number, max: number): number {
  const raw = flags[name];
  if (raw === undefined) return fallback;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < min || n > max) throw new Error(`--${name} must be an integer in ${min}..${max}`);
  return n;
}

function baseOptions(flags: Flags, defaultTimeS: number): Omit<JepsenRunOptions, 'workloads' | 'nemeses'> {
  return {
    nodeCount: intFlag(flags, 'nodes', 3, 1, 9),
    timeMs: intFlag(flags, 'time', defaultTimeS, 1, 86_400) * 1000,
    seed: intFlag(flags, 'seed', randomSeed(), 0, 2 ** 31 - 1),
    concurrency: intFlag(flags, 'concurrency', 3, 1, 64),
    plantedBug: flags['planted-bug'] === true,
    ...(typeof flags['store'] === 'string' ? { storeDir: flags['store'] } : {}),
    log: (line) => process.stderr.write(`jepsen: ${line}\n`),
  };
}

function exitCodeOf(valid: boolean | 'unknown'): number {
  return valid === true ? 0 : valid === false ? 1 : 2;
}

function summary(outcome: JepsenRunOutcome): string {
  const lines = outcome.workloads.map((w) => `  ${w.workload.padEnd(9)} ${String(w.valid).padEnd(8)} ok=${w.counts.ok} fail=${w.counts.fail} info=${w.counts.info} ${Object.keys(w.anomalies).join(',')}`);
  return [`${outcome.run}: ${String(outcome.valid)}`, ...lines, ...outcome.errors.map((e) => `  error: ${e}`), `  report: ${join(outcome.dir, 'index.html')}`].join('\n');
}

async function runOneCommand(flags: Flags): Promise<number> {
  const outcome = await runJepsen({
    ...baseOptions(flags, 60),
    workloads: parseWorkloadNames(typeof flags['workload'] === 'string' ? flags['workload'] : 'register'),
    nemeses: parseFaultKinds(typeof flags['nemesis'] === 'string' ? flags['nemesis'] : 'none'),
  });
  process.stdout.write(summary(outcome) + '\n');
  return exitCodeOf(outcome.valid);
}

async function runMatrix(flags: Flags): Promise<number> {
  const workloads = typeof flags['workload'] === 'string' ? parseWorkloadNames(flags['workload']) : [...workloadNames];
  const nemeses: FaultKind[][] = typeof flags['nemesis'] === 'string' ? parseFaultKinds(flags['nemesis']).map((k) => [k]) : faultKinds.map((k) => [k]);
  const cells: Array<{ workload: string; nemesis: string; valid: boolean | 'unknown'; ok: number; fail: number; info: number; anomalies: string[]; dir: string }> = [];
  let worst = 0;
  for (const nemesis of nemeses) {
    for (const workload of workloads) {
      const outcome = await runJepsen({ ...baseOptions(flags, 30), workloads: [workload], nemeses: nemesis });
      const w = outcome.workloads[0];
      cells.push({ workload, nemesis: nemesis.join('+'), valid: outcome.valid, ok: w?.counts.ok ?? 0, fail: w?.counts.fail ?? 0, info: w?.counts.info ?? 0, anomalies: Object.keys(w?.anomalies ?? {}), dir: outcome.dir });
      process.stdout.write(summary(outcome) + '\n');
      worst = Math.max(worst, exitCodeOf(outcome.valid));
    }
  }
  const table = cells.map((c) => `${c.workload.padEnd(9)} ${c.nemesis.padEnd(10)} ${String(c.valid).padEnd(8)} ok=${c.ok} fail=${c.fail} info=${c.info} ${c.anomalies.join(',')}`);
  process.stdout.write(['', 'matrix:', ...table, ''].join('\n'));
  const store = typeof flags['store'] === 'string' ? flags['store'] : join(repoRoot(), 'jepsen-tests', 'store');
  mkdirSync(store, { recursive: true });
  writeFileSync(join(store, `matrix-${new Date().toISOString().replace(/[:.]/g, '-')}.json`), JSON.stringify(cells, null, 2) + '\n');
  return worst;
}

async function main(argv: readonly string[]): Promise<number> {
  const { command, flags } = parseArgs(argv);
  if (flags['help'] === true) {
    process.stdout.write(usage + '\n');
    return 0;
  }
  switch (command) {
    case 'run': return runOneCommand(flags);
    case 'all': return runMatrix(flags);
    case 'cleanup': {
      const report = cleanupLeftovers();
      process.stdout.write(`removed ${report.namespaces.length} namespaces, ${report.links.length} links, ${report.folders.length} folders\n`);
      return 0;
    }
    default:
      throw new Error(`unknown command '${command}'\n${usage}`);
  }
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (error: unknown) => {
    process.stderr.write(`jepsen: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exit(2);
  },
);
