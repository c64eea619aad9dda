/**
 * Writes a benchmark run's results: `<name>-<timestamp>.json` (everything), `.md` (a
 * summary a person reads) and `.svg` (its chart), then rewrites `LATEST.md` to point at the
 * newest run of each benchmark name. Rendering is pure; only writeResults touches the disk.
 */
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { BenchResult, Figure, Side } from './bench-result.js';
import { formatNumber, formatRatio, renderSvgChart } from './svg-chart.js';

/** The files written for one run. */
export interface WrittenResult {
  readonly jsonPath: string;
  readonly markdownPath: string;
  readonly svgPath: string;
  readonly latestPath: string;
}

/** `2026-11-22T02:55:23.123Z` → `20261122-025523` (sortable, safe in file names). */
export function fileTimestamp(iso: string): string {
  const m = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})/.exec(iso);
  if (!m) throw new Error(`not an ISO timestamp: ${iso}`);
  return `${m[1]}${m[2]}${m[3]}-${m[4]}${m[5]}${m[6]}`;
}

/** Writes JSON, Markdown and SVG for `result` into `dir`, and rewrites dir/LATEST.md. */
export function writeResults(result: BenchResult, dir: string): WrittenResult {
  mkdirSync(dir, { recursive: true });
  const base = `${result.name}-${fileTimestamp(result.startedAt)}`;
  const jsonPath = join(dir, `${base}.json`);
  const markdownPath = join(dir, `${base}.md`);
  const svgPath = join(dir, `${base}.svg`);
  writeFileSync(jsonPath, JSON.stringify(result, null, 2) + '\n');
  writeFileSync(svgPath, renderSvgChart(`${result.name} — ${result.startedAt}`, result.figures));
  writeFileSync(markdownPath, renderMarkdown(result, `${base}.svg`));
  const latestPath = join(dir, 'LATEST.md');
  writeFileSync(latestPath, renderLatest(collectLatest(dir)));
  return { jsonPath, markdownPath, svgPath, latestPath };
}

/** The Markdown summary of one run; `svgFile` is the chart's file name beside it. */
export function renderMarkdown(result: BenchResult, svgFile: string): string {
  const m = result.machine;
  const lines: string[] = [
    `# Benchmark \`${result.name}\` — ${result.startedAt}`,
    '',
    `Machine: ${m.cpuCount} × ${m.cpuModel}, ${(m.memoryBytes / 2 ** 30).toFixed(1)} GiB, ${m.os} (kernel ${m.kernel}); load average at start ${m.loadAverageAtStart.join(' / ')}.`,
    `Software: Node ${m.node}; ${m.sysbench ?? 'sysbench: not used'}; MariaDB ${m.mariadb ?? 'not used'}; Atoll commit ${m.atollCommit ?? 'unknown'}.`,
    `Settings: ${Object.entries(result.settings).map(([k, v]) => `${k}=${JSON.stringify(v)}`).join(', ')}.`,
    `Finished: ${result.finishedAt}.`,
    '',
    `![chart](${svgFile})`,
    '',
    ...renderFigureTable(result.figures),
    ...renderChecks(result),
    ...renderFailures(result.figures),
    ...(result.notes.length > 0 ? ['## Notes', '', ...result.notes.map((n) => `- ${n}`), ''] : []),
    '## Commands',
    '',
    '```',
    ...result.commands,
    '```',
    '',
  ];
  return lines.join('\n');
}

/**
 * One table per metric (rows: what was run; columns: each system's median with its spread,
 * then the ratio). A metric that is zero in every run of every system (e.g. reconnects) is
 * named in one line instead of a table of zeros.
 */
export function renderFigureTable(figures: readonly Figure[]): string[] {
  if (figures.length === 0) return ['No figures were measured.', ''];
  const systems = [...new Set(figures.flatMap((f) => f.sides.map((s) => s.system)))];
  const metrics = [...new Set(figures.map((f) => `${f.metric} (${f.unit})`))];
  const lines: string[] = ['## Figures', ''];
  const allZero: string[] = [];
  for (const metric of metrics) {
    const rows = figures.filter((f) => `${f.metric} (${f.unit})` === metric);
    if (rows.every((f) => f.sides.every((s) => s.summary !== null && s.summary.max === 0 && s.summary.min === 0))) {
      allZero.push(rows[0]!.metric);
      continue;
    }
    const better = rows[0]!.higherIsBetter ? 'higher is better' : 'lower is better';
    const ratioHead = systems.length >= 2 ? [`${systems[0]} ÷ ${systems[1]}`] : [];
    const head = ['', ...systems.map((s) => `${s}: median (min–max)`), ...ratioHead];
    lines.push(`### ${metric}, ${better}`, '', `| ${head.join(' | ')} |`, `| ${head.map(() => '---').join(' | ')} |`);
    for (const f of rows) {
      const cells = systems.map((system) => cellFor(f.sides.find((s) => s.system === system)));
      const ratioCell = systems.length >= 2 ? [f.ratio === null ? '—' : `**${formatRatio(f.ratio)}×**`] : [];
      lines.push(`| ${[f.group, ...cells, ...ratioCell].map(escapeCell).join(' | ')} |`);
    }
    lines.push('');
  }
  if (allZero.length > 0) lines.push(`Zero in every run: ${allZero.join(', ')}.`, '');
  return lines;
}

function cellFor(s: Side | undefined): string {
  if (s === undefined) return '';
  if (s.summary === null) return 'failed';
  const { min, median, max, count } = s.summary;
  const spread = count > 1 ? ` (${formatNumber(min)}–${formatNumber(max)})` : '';
  const failed = s.failures.length > 0 ? ', some runs failed' : '';
  return `${formatNumber(median)}${spread}${failed}`;
}

function renderChecks(result: BenchResult): string[] {
  if (result.checks.length === 0) return [];
  return [
    '## Correctness checks',
    '',
    ...result.checks.map((c) => `- ${c.passed ? 'PASS' : '**FAIL**'} — ${c.system}: ${c.name}: ${c.detail}`),
    '',
  ];
}

function renderFailures(figures: readonly Figure[]): string[] {
  const seen = new Set<string>();
  const lines: string[] = [];
  for (const f of figures) {
    for (const s of f.sides) {
      for (const text of s.failures) {
        const key = `${f.group}\u0000${s.system}\u0000${text}`;
        if (seen.has(key)) continue;
        seen.add(key);
        lines.push(`- ${s.system}, ${f.group}: \`${text.replace(/`/g, "'")}\``);
      }
    }
  }
  return lines.length === 0 ? [] : ['## Failures', '', ...lines, ''];
}

function escapeCell(text: string): string {
  return text.replace(/\|/g, '\\|').replace(/\n/g, ' ');
}

/** The newest result of one benchmark name, as LATEST.md lists it. */
export interface LatestEntry {
  readonly name: string;
  readonly base: string;
  readonly startedAt: string;
  readonly headline: string;
}

/** Scans `dir` for `<name>-<timestamp>.json` files and keeps the newest per name. */
export function collectLatest(dir: string): LatestEntry[] {
  const newest = new Map<string, LatestEntry>();
  for (const file of readdirSync(dir)) {
    const m = /^(.+)-(\d{8}-\d{6})\.json$/.exec(file);
    if (!m) continue;
    const name = m[1]!;
    const base = file.slice(0, -'.json'.length);
    const known = newest.get(name);
    if (known !== undefined && known.base.slice(name.length) >= base.slice(name.length)) continue;
    newest.set(name, { name, base, ...headlineOf(join(dir, file)) });
  }
  return [...newest.values()].sort((a, b) => a.name.localeCompare(b.name));
}

function headlineOf(path: string): { startedAt: string; headline: string } {
  try {
    const result = JSON.parse(readFileSync(path, 'utf8')) as BenchResult;
    const ratios = result.figures.filter((f) => f.headline && f.ratio !== null).map((f) => `${f.group}: ${formatRatio(f.ratio!)}×`);
    const failedChecks = result.checks.filter((c) => !c.passed).length;
    const checks = result.checks.length > 0 ? `; checks ${result.checks.length - failedChecks}/${result.checks.length} passed` : '';
    return { startedAt: result.startedAt, headline: (ratios.length > 0 ? ratios.join('; ') : 'no ratios') + checks };
  } catch (err) {
    return { startedAt: '?', headline: `unreadable: ${(err as Error).message}` };
  }
}

/** LATEST.md: one section per benchmark name, linking its newest summary. */
export function renderLatest(entries: readonly LatestEntry[]): string {
  const lines = ['# Latest benchmark results', '', 'The newest run of each benchmark (ratios are Atoll ÷ baseline, medians of runs).', ''];
  for (const e of entries) {
    lines.push(`## ${e.name}`, '', `[${e.base}.md](${e.base}.md) — ${e.startedAt}`, '', `![${e.name}](${e.base}.svg)`, '', e.headline, '');
  }
  return lines.join('\n');
}
