/**
 * `bench raft|storage|sql`: in-process benchmarks written by the engineers of those layers
 * (bench/raft-core.ts → runRaftBench, bench/storage-mvcc.ts → runStorageBench,
 * bench/sql-*.ts → their run…Bench), loaded on demand and reported through the same result
 * writer. A module that is not there is skipped with a message, not an error.
 */
import { existsSync, readdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { figure, side, type BenchResult, type Figure } from './bench-result.js';
import { machineFacts } from './machine-facts.js';

/** What a module benchmark receives. */
export interface ModuleBenchOptions {
  /** Repetitions wanted of each measurement (report every one as a sample). */
  readonly runs: number;
  /** Seconds each measurement should take, roughly. */
  readonly timeSec: number;
  /** A scratch folder of the run (removed afterwards unless --keep-data). */
  readonly workDir: string;
  /** Any other `--key value` options given on the command line. */
  readonly extra: Readonly<Record<string, string>>;
  /** One line of progress for the reader. */
  readonly log: (line: string) => void;
}

/** One figure a module reports: samples (one per run) or a single value. */
export interface ModuleFigure {
  /** What was run (e.g. `3 voters, 1 KiB entries`); defaults to the module name. */
  readonly group?: string;
  /** What was measured (e.g. `commits`). */
  readonly name: string;
  readonly unit: string;
  readonly samples?: readonly number[];
  readonly value?: number;
  readonly higherIsBetter?: boolean;
  /** The subject's name (defaults to `atoll`). */
  readonly system?: string;
  /** A baseline measured alongside (e.g. etcd, raw LMDB); the ratio is subject ÷ baseline. */
  readonly baseline?: { readonly system: string; readonly samples: readonly number[] };
}

/** What a module benchmark returns (a bare array of figures is accepted too). */
export interface ModuleBenchOutput {
  readonly figures: readonly ModuleFigure[];
  readonly notes?: readonly string[];
  readonly commands?: readonly string[];
}

/** The modules behind each benchmark name, relative to this file's folder (dist/bench/). */
export function moduleFiles(name: 'raft' | 'storage' | 'sql', dir: string = dirname(fileURLToPath(import.meta.url))): { file: string; exportName: string | null }[] {
  if (name === 'raft') return [{ file: join(dir, 'raft-core.js'), exportName: 'runRaftBench' }];
  if (name === 'storage') return [{ file: join(dir, 'storage-mvcc.js'), exportName: 'runStorageBench' }];
  if (!existsSync(dir)) return [];
  return readdirSync(dir)
    .filter((f) => /^sql-.+\.js$/.test(f) && !f.endsWith('.test.js'))
    .sort()
    .map((f) => ({ file: join(dir, f), exportName: null }));
}

/** Runs the module benchmark(s) of `name`; null (after a message) when none is present. */
export async function runModuleBench(name: 'raft' | 'storage' | 'sql', options: ModuleBenchOptions): Promise<BenchResult | null> {
  const startedAt = new Date().toISOString();
  const present = moduleFiles(name).filter((m) => existsSync(m.file));
  if (present.length === 0) {
    options.log(`bench ${name}: skipped — no module (${moduleFiles(name).map((m) => m.file).join(', ') || `dist/bench/sql-*.js`}) is present; it is written by the ${name} engineer.`);
    return null;
  }
  const figures: Figure[] = [];
  const notes: string[] = [];
  const commands: string[] = [];
  for (const m of present) {
    const mod = (await import(pathToFileURL(m.file).href)) as Record<string, unknown>;
    const exportName = m.exportName ?? Object.keys(mod).find((k) => /^run.*Bench$/.test(k) && typeof mod[k] === 'function');
    const run = exportName === undefined ? undefined : mod[exportName];
    if (typeof run !== 'function') {
      notes.push(`${m.file}: no function ${m.exportName ?? 'run…Bench'} exported; skipped`);
      options.log(notes[notes.length - 1]!);
      continue;
    }
    const output = await runRepeated(run as (o: ModuleBenchOptions) => Promise<unknown>, `${exportName} (${m.file})`, name, options);
    figures.push(...output.figures.map(toFigure(name)));
    notes.push(...output.notes);
    commands.push(...output.commands);
  }
  return {
    name,
    startedAt,
    finishedAt: new Date().toISOString(),
    machine: await machineFacts(null),
    settings: { runs: options.runs, timeSec: options.timeSec, ...options.extra },
    commands: commands.length > 0 ? commands : [`npm run bench -- ${name}`],
    figures,
    checks: [],
    notes,
    runs: [],
  };
}

/**
 * Calls a module once; when it reported single values (it does not repeat by itself) and
 * more runs are wanted, calls it again until there are `runs` samples of each figure.
 */
async function runRepeated(run: (o: ModuleBenchOptions) => Promise<unknown>, what: string, moduleName: string, options: ModuleBenchOptions): Promise<NormalizedOutput> {
  options.log(`bench ${moduleName}: running ${what}, run 1…`);
  const outputs = [normalizeModuleOutput(await run(options), moduleName)];
  const single = outputs[0]!.figures.every((f) => f.samples.length === 1);
  for (let i = 2; single && i <= options.runs; i++) {
    options.log(`bench ${moduleName}: running ${what}, run ${i}/${options.runs}…`);
    outputs.push(normalizeModuleOutput(await run(options), moduleName));
  }
  return mergeRuns(outputs);
}

/** A module's output in one shape: every figure with its samples. */
export interface NormalizedOutput {
  readonly figures: readonly (ModuleFigure & { readonly samples: readonly number[] })[];
  readonly notes: readonly string[];
  readonly commands: readonly string[];
}

/**
 * Reads whatever shape a module returned — `{ figures: ModuleFigure[] }`, a bare array of
 * them, or `{ nameWithUnit: number | number[] }` — and throws for anything else.
 */
export function normalizeModuleOutput(output: unknown, moduleName: string): NormalizedOutput {
  if (Array.isArray(output)) return normalizeModuleOutput({ figures: output }, moduleName);
  if (typeof output !== 'object' || output === null) throw new Error(`bench ${moduleName}: the module returned ${String(output)}, not figures`);
  const o = output as Record<string, unknown>;
  const strings = (v: unknown): string[] => (Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : []);
  if (!Array.isArray(o['figures'])) {
    const entries = Object.entries(o).filter(([, v]) => typeof v === 'number' || (Array.isArray(v) && v.every((x) => typeof x === 'number')));
    if (entries.length === 0) throw new Error(`bench ${moduleName}: the module returned no figures`);
    return { figures: entries.map(([k, v]) => ({ name: k, ...unitFromName(k), samples: Array.isArray(v) ? (v as number[]) : [v as number] })), notes: [], commands: [] };
  }
  const figures = (o['figures'] as ModuleFigure[]).map((f) => ({ ...f, samples: f.samples ?? (f.value === undefined ? [] : [f.value]) }));
  return { figures, notes: strings(o['notes']), commands: strings(o['commands']) };
}

/** Concatenates the samples of the same figure (group, name, system) across runs. */
export function mergeRuns(outputs: readonly NormalizedOutput[]): NormalizedOutput {
  type Mutable = Omit<ModuleFigure, 'samples' | 'baseline'> & { samples: number[]; baseline?: { system: string; samples: number[] } };
  const merged = new Map<string, Mutable>();
  for (const out of outputs) {
    for (const f of out.figures) {
      const key = `${f.group ?? ''}\u0000${f.name}\u0000${f.system ?? ''}`;
      const known = merged.get(key);
      if (known === undefined) {
        const { baseline, ...rest } = f;
        merged.set(key, { ...rest, samples: [...f.samples], ...(baseline ? { baseline: { system: baseline.system, samples: [...baseline.samples] } } : {}) });
        continue;
      }
      known.samples.push(...f.samples);
      if (f.baseline && known.baseline) known.baseline.samples.push(...f.baseline.samples);
    }
  }
  return { figures: [...merged.values()], notes: [...new Set(outputs.flatMap((o) => o.notes))], commands: [...new Set(outputs.flatMap((o) => o.commands))] };
}

/** A unit and direction guessed from a name's ending (`appendsPerSec`, `getUs`, `entries_per_s`, `p99_ms`). */
export function unitFromName(name: string): { unit: string; higherIsBetter: boolean } {
  if (/(PerSec(ond)?|_per_s(ec)?|Ops)$/.test(name)) return { unit: '/s', higherIsBetter: true };
  if (/(Ns|_ns)$/.test(name)) return { unit: 'ns', higherIsBetter: false };
  if (/(Us|Micros|_us)$/.test(name)) return { unit: 'µs', higherIsBetter: false };
  if (/(Ms|_ms)$/.test(name)) return { unit: 'ms', higherIsBetter: false };
  if (/(Bytes|_bytes)$/.test(name)) return { unit: 'bytes', higherIsBetter: false };
  if (/(Ratio|_ratio)$/.test(name)) return { unit: '×', higherIsBetter: true };
  return { unit: '', higherIsBetter: true };
}

// Every module figure is charted: the chart scales each row on its own, so units may differ.
function toFigure(moduleName: string): (f: NormalizedOutput['figures'][number]) => Figure {
  return (f) => {
    const sides = [side(f.system ?? 'atoll', f.samples)];
    if (f.baseline) sides.push(side(f.baseline.system, f.baseline.samples));
    return figure({ group: f.group ?? moduleName, metric: f.name, unit: f.unit, higherIsBetter: f.higherIsBetter ?? true, headline: true }, sides);
  };
}
