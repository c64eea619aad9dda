/**
 * Reads a V8 `.cpuprofile` (written by `node --cpu-prof`) and ranks where the CPU went: the
 * top functions and the top files by self time. Self time of a call-tree node is the number
 * of samples whose leaf is that node; nodes that share a call frame (same function, file and
 * line, reached by different paths) are summed. Percentages are of busy samples, i.e. all
 * samples except `(idle)`, so a lightly loaded server still shows what its work cost.
 *
 * CLI: `node dist/bench/cpu-profile-top.js <profile.cpuprofile | dir> [--top N] [--markdown]`
 * (a directory means every `.cpuprofile` in it, merged). Ranking is pure; only the CLI reads
 * files and prints.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The part of a V8 CPU profile this module reads. */
export interface CpuProfile {
  readonly nodes: readonly CpuProfileNode[];
  readonly startTime: number;
  readonly endTime: number;
  /** Leaf node id of each sample; absent in some old profiles (then hitCount is used). */
  readonly samples?: readonly number[];
}

/** One call-tree node of a V8 CPU profile. */
export interface CpuProfileNode {
  readonly id: number;
  readonly callFrame: {
    readonly functionName: string;
    readonly url: string;
    /** 0-based, -1 when unknown. */
    readonly lineNumber: number;
  };
  readonly hitCount?: number;
}

/** One ranked row: a function or a file, with its share of busy self time. */
export interface SelfTimeRow {
  /** `functionName` for a function row (`(anonymous)` when V8 has none), the file for a file row. */
  readonly name: string;
  /** `file:line` (1-based line) for a function row, the file for a file row. */
  readonly location: string;
  readonly samples: number;
  /** Per cent of busy (non-idle) samples. */
  readonly percent: number;
  /** Self time in ms, estimated as the share of the profile's wall time. */
  readonly selfMs: number;
}

/** The ranking of one profile (or several merged). */
export interface ProfileRanking {
  readonly totalSamples: number;
  readonly idleSamples: number;
  readonly busySamples: number;
  readonly durationMs: number;
  readonly functions: readonly SelfTimeRow[];
  readonly files: readonly SelfTimeRow[];
}

const IDLE = '(idle)';

/** Samples per node id: from `samples` when present, else from each node's `hitCount`. */
export function samplesByNode(profile: CpuProfile): Map<number, number> {
  const counts = new Map<number, number>();
  if (profile.samples !== undefined && profile.samples.length > 0) {
    for (const id of profile.samples) counts.set(id, (counts.get(id) ?? 0) + 1);
    return counts;
  }
  for (const node of profile.nodes) {
    if ((node.hitCount ?? 0) > 0) counts.set(node.id, node.hitCount ?? 0);
  }
  return counts;
}

/** A file URL or path shown relative to `root` (node internals and natives kept as they are). */
export function displayFile(url: string, root: string): string {
  if (url === '') return '(native)';
  const path = url.startsWith('file://') ? fileURLToPath(url) : url;
  if (!path.startsWith('/')) return path;
  const rel = relative(root, path);
  return rel.startsWith('..') ? path : rel;
}

interface Tally {
  name: string;
  location: string;
  samples: number;
}

function addTally(tallies: Map<string, Tally>, key: string, fresh: () => Tally, samples: number): void {
  const tally = tallies.get(key) ?? fresh();
  tally.samples += samples;
  tallies.set(key, tally);
}

function toRows(tallies: Map<string, Tally>, busy: number, msPerSample: number, top: number): SelfTimeRow[] {
  return [...tallies.values()]
    .sort((a, b) => b.samples - a.samples || a.location.localeCompare(b.location))
    .slice(0, top)
    .map((t) => ({
      name: t.name,
      location: t.location,
      samples: t.samples,
      percent: busy === 0 ? 0 : (100 * t.samples) / busy,
      selfMs: t.samples * msPerSample,
    }));
}

/** Ranks functions and files of `profiles` (merged) by self time; `top` rows of each. */
export function rankProfile(profiles: readonly CpuProfile[], top: number, root: string): ProfileRanking {
  if (!(Number.isInteger(top) && top > 0)) throw new Error(`top must be a positive integer, got ${top}`);
  const functions = new Map<string, Tally>();
  const files = new Map<string, Tally>();
  let total = 0;
  let idle = 0;
  let durationMs = 0;
  for (const profile of profiles) {
    durationMs += (profile.endTime - profile.startTime) / 1000;
    const byId = new Map(profile.nodes.map((n) => [n.id, n] as const));
    for (const [id, count] of samplesByNode(profile)) {
      const node = byId.get(id);
      if (node === undefined) throw new Error(`profile sample names unknown node ${id}`);
      total += count;
      const frame = node.callFrame;
      if (frame.functionName === IDLE) {
        idle += count;
        continue;
      }
      const name = frame.functionName === '' ? '(anonymous)' : frame.functionName;
      const file = displayFile(frame.url, root);
      const location = frame.url === '' ? file : `${file}:${frame.lineNumber + 1}`;
      addTally(functions, `${name}\u0000${location}`, () => ({ name, location, samples: 0 }), count);
      addTally(files, file, () => ({ name: file, location: file, samples: 0 }), count);
    }
  }
  const busy = total - idle;
  const msPerSample = total === 0 ? 0 : durationMs / total;
  return {
    totalSamples: total,
    idleSamples: idle,
    busySamples: busy,
    durationMs,
    functions: toRows(functions, busy, msPerSample, top),
    files: toRows(files, busy, msPerSample, top),
  };
}

/** Plain-text report of a ranking, for a terminal. */
export function renderText(ranking: ProfileRanking): string {
  const head =
    `samples ${ranking.totalSamples} over ${(ranking.durationMs / 1000).toFixed(1)} s, ` +
    `idle ${pct(ranking.idleSamples, ranking.totalSamples)} (percentages below are of busy samples)`;
  const fn = ranking.functions.map((r) => `${r.percent.toFixed(1).padStart(5)}%  ${r.name}  ${r.location}`);
  const fi = ranking.files.map((r) => `${r.percent.toFixed(1).padStart(5)}%  ${r.location}`);
  return [head, '', 'Top functions by self time:', ...fn, '', 'Top files by self time:', ...fi, ''].join('\n');
}

/** Markdown tables of a ranking (functions, then files). */
export function renderMarkdown(ranking: ProfileRanking): string {
  const fn = ranking.functions.map((r) => `| ${r.percent.toFixed(1)} % | \`${r.name}\` | \`${r.location}\` |`);
  const fi = ranking.files.map((r) => `| ${r.percent.toFixed(1)} % | \`${r.location}\` |`);
  return [
    `Busy samples: ${ranking.busySamples} of ${ranking.totalSamples} (idle ${pct(ranking.idleSamples, ranking.totalSamples)}).`,
    '',
    '| self (busy %) | function | where |',
    '| ---: | --- | --- |',
    ...fn,
    '',
    '| self (busy %) | file |',
    '| ---: | --- |',
    ...fi,
    '',
  ].join('\n');
}

function pct(part: number, whole: number): string {
  return whole === 0 ? '0 %' : `${((100 * part) / whole).toFixed(1)} %`;
}

/** The `.cpuprofile` files named by `target`: the file itself, or every one in a directory. */
export function profilePaths(target: string): string[] {
  if (!statSync(target).isDirectory()) return [target];
  const names = readdirSync(target).filter((n) => n.endsWith('.cpuprofile')).sort();
  if (names.length === 0) throw new Error(`no .cpuprofile in ${target}`);
  return names.map((n) => join(target, n));
}

function runCli(argv: readonly string[]): void {
  const target = argv.find((a, i) => !a.startsWith('--') && argv[i - 1] !== '--top');
  if (target === undefined) {
    process.stderr.write('usage: cpu-profile-top <file.cpuprofile | dir> [--top N] [--markdown]\n');
    process.exit(2);
  }
  const topIndex = argv.indexOf('--top');
  const top = topIndex >= 0 ? Number(argv[topIndex + 1]) : 15;
  const profiles = profilePaths(target).map((p) => JSON.parse(readFileSync(p, 'utf8')) as CpuProfile);
  const ranking = rankProfile(profiles, top, process.cwd());
  process.stdout.write(argv.includes('--markdown') ? renderMarkdown(ranking) : renderText(ranking));
}

if (process.argv[1] !== undefined && fileURLToPath(import.meta.url) === process.argv[1]) {
  runCli(process.argv.slice(2));
}
