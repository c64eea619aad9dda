/**
 * Command line for the Raft simulator.
 *   node dist/raft/sim/cli.js --seeds N [--start S] [--voters 3|5] [--profile P] [--bug NAME]
 *   node dist/raft/sim/cli.js --seed S [--voters 3|5] [--profile P] [--bug NAME]   (replays one seed with a trace)
 * P is `mixed` (the default: every kind of fault) or `leaderChurn` (see SimOptions.profile).
 * Exit code 1 when any seed fails; each failure prints its seed. Arguments are parsed by hand
 * because only one file of the project may import commander.
 */
import type { TestOnlyBugs } from '../config.js';
import type { SimOptions, SimProfile, SimResult } from './simulation.js';
import { runSimulation } from './simulation.js';

interface CliArgs {
  seeds?: number;
  start: number;
  seed?: number;
  voters?: 3 | 5;
  profile?: SimProfile;
  bug?: keyof TestOnlyBugs;
  chaosTime?: number;
}

const BUGS: readonly (keyof TestOnlyBugs)[] = ['commitOldTermEntries', 'voteWithoutLogCheck', 'ackBeforePersist', 'readIndexWithoutQuorum'];
const PROFILES: readonly SimProfile[] = ['mixed', 'leaderChurn'];

function usage(message: string): never {
  process.stderr.write(`${message}\nusage: cli.js --seeds N [--start S] | --seed S  [--voters 3|5] [--profile ${PROFILES.join('|')}] [--bug ${BUGS.join('|')}] [--chaos-time T]\n`);
  process.exit(2);
}

function parseArgs(argv: readonly string[]): CliArgs {
  const args: CliArgs = { start: 1 };
  for (let i = 0; i < argv.length; i++) {
    const flag = argv[i]!;
    const value = argv[i + 1];
    const int = (): number => {
      const n = Number(value);
      if (value === undefined || !Number.isInteger(n) || n < 0) usage(`${flag} needs a non-negative integer`);
      i++;
      return n;
    };
    if (flag === '--seeds') args.seeds = int();
    else if (flag === '--start') args.start = int();
    else if (flag === '--seed') args.seed = int();
    else if (flag === '--chaos-time') args.chaosTime = int();
    else if (flag === '--voters') {
      const v = int();
      if (v !== 3 && v !== 5) usage('--voters must be 3 or 5');
      args.voters = v;
    } else if (flag === '--profile') {
      if (!PROFILES.includes(value as SimProfile)) usage(`unknown profile ${value}`);
      args.profile = value as SimProfile;
      i++;
    } else if (flag === '--bug') {
      if (!BUGS.includes(value as keyof TestOnlyBugs)) usage(`unknown bug ${value}`);
      args.bug = value as keyof TestOnlyBugs;
      i++;
    } else usage(`unknown argument ${flag}`);
  }
  if ((args.seeds === undefined) === (args.seed === undefined)) usage('give exactly one of --seeds and --seed');
  return args;
}

function optionsFor(seed: number, args: CliArgs, trace: boolean): SimOptions {
  return {
    seed,
    trace,
    ...(args.voters !== undefined ? { voters: args.voters } : {}),
    ...(args.profile !== undefined ? { profile: args.profile } : {}),
    ...(args.chaosTime !== undefined ? { chaosTime: args.chaosTime } : {}),
    ...(args.bug !== undefined ? { bugs: { [args.bug]: true } } : {}),
  };
}

function replayHint(seed: number, args: CliArgs): string {
  const extra = [
    args.voters !== undefined ? `--voters ${args.voters}` : '',
    args.profile !== undefined ? `--profile ${args.profile}` : '',
    args.bug !== undefined ? `--bug ${args.bug}` : '',
    args.chaosTime !== undefined ? `--chaos-time ${args.chaosTime}` : '',
  ];
  return `npm run sim -- --seed ${seed} ${extra.filter((x) => x !== '').join(' ')}`.trim();
}

function printResult(r: SimResult, args: CliArgs): void {
  const s = r.stats;
  const line = `seed ${r.seed}: ${r.ok ? 'ok' : 'FAIL'} events=${s.events} leaders=${s.leaders} acked=${s.acked} reads=${s.reads} crashes=${s.crashes} partitions=${s.partitions} confChanges=${s.confChanges} transfers=${s.transfers} snapshots=${s.snapshotsInstalled} commit=${s.finalCommit}`;
  process.stdout.write(line + '\n');
  if (!r.ok) process.stdout.write(`  violation: ${r.violation}\n  config: ${r.config}\n  replay: ${replayHint(r.seed, args)}\n`);
}

function main(): void {
  const args = parseArgs(process.argv.slice(2));
  if (args.seed !== undefined) {
    const result = runSimulation(optionsFor(args.seed, args, true));
    for (const line of result.trace) process.stdout.write(line + '\n');
    printResult(result, args);
    process.exit(result.ok ? 0 : 1);
  }
  const started = Date.now();
  let failures = 0;
  for (let seed = args.start; seed < args.start + args.seeds!; seed++) {
    const result = runSimulation(optionsFor(seed, args, false));
    if (!result.ok) {
      failures++;
      printResult(result, args);
    }
  }
  const seconds = ((Date.now() - started) / 1000).toFixed(1);
  process.stdout.write(`${args.seeds} seeds from ${args.start}: ${failures} failed (${seconds} s)\n`);
  process.exit(failures === 0 ? 0 : 1);
}

main();
