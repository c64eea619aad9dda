/**
 * The run's `index.html`: verdicts, a timeline of operations (one lane per client process,
 * a bar from invocation to completion coloured by outcome; lanes packed per workload) under the nemesis's fault windows,
 * and a latency plot (latency against time, log scale) — plain hand-written SVG, no scripts.
 * A pure function of the history and the result.
 */
import type { HarnessOp } from '../harness/history-recorder.js';
import type { RunResult } from './run-result.js';

/** Ops drawn at most (the timeline of a long run is thinned evenly beyond this). */
export const drawnOpsMax = 20_000;

interface Span {
  readonly process: string;
  readonly workload: string;
  readonly f: string;
  readonly type: 'ok' | 'fail' | 'info';
  readonly startS: number;
  readonly endS: number;
}

interface Window {
  readonly startS: number;
  readonly endS: number;
  readonly label: string;
}

const colours = { ok: '#3a9d23', fail: '#d62728', info: '#ff9f1c' } as const;

/** Renders the report page. */
export function renderHtmlReport(history: readonly HarnessOp[], result: RunResult): string {
  const spans = thin(pairSpans(history), drawnOpsMax);
  const windows = nemesisWindows(history);
  const endS = Math.max(1, ...history.map((op) => (op.time ?? 0) / 1e9));
  return [
    '<!doctype html><html><head><meta charset="utf-8">',
    `<title>Jepsen run ${escapeHtml(result.run)}</title>`,
    '<style>body{font-family:system-ui,sans-serif;margin:1.5em;color:#222}table{border-collapse:collapse}td,th{border:1px solid #ccc;padding:2px 8px;text-align:left}',
    '.valid{color:#3a9d23;font-weight:bold}.invalid{color:#d62728;font-weight:bold}.unknown{color:#ff9f1c;font-weight:bold}pre{background:#f6f6f6;padding:8px;overflow:auto;max-height:30em}</style>',
    '</head><body>',
    `<h1>Run ${escapeHtml(result.run)}: <span class="${verdictClass(result.valid)}">${verdictText(result.valid)}</span></h1>`,
    `<p>Started ${escapeHtml(result.startedAt)}. Parameters: <code>${escapeHtml(JSON.stringify(result.parameters))}</code></p>`,
    verdictTable(result),
    result.errors.length > 0 ? `<h2>Harness errors</h2><pre>${escapeHtml(result.errors.join('\n'))}</pre>` : '',
    '<h2>Timeline</h2><p>Lanes per workload (a client never overlaps itself; hover a bar for its process); bars span invocation to completion (green ok, red fail, orange info). Shaded: nemesis fault windows.</p>',
    timelineSvg(spans, windows, endS),
    '<h2>Latency</h2><p>Each dot is one operation: completion latency (log scale) against invocation time.</p>',
    latencySvg(spans, windows, endS),
    '<h2>Nemesis</h2>',
    windows.length === 0 ? '<p>No faults.</p>' : `<table><tr><th>from (s)</th><th>to (s)</th><th>fault</th></tr>${windows.map((w) => `<tr><td>${w.startS.toFixed(2)}</td><td>${w.endS.toFixed(2)}</td><td>${escapeHtml(w.label)}</td></tr>`).join('')}</table>`,
    anomalySection(result),
    '</body></html>',
  ].join('\n');
}

function verdictTable(result: RunResult): string {
  const rows = result.workloads.map((w) =>
    `<tr><td>${escapeHtml(w.workload)}</td><td class="${verdictClass(w.valid)}">${verdictText(w.valid)}</td><td>${w.counts.ok}</td><td>${w.counts.fail}</td><td>${w.counts.info}</td><td>${escapeHtml(Object.keys(w.anomalies).join(', ') || '—')}</td></tr>`,
  );
  return `<table><tr><th>workload</th><th>verdict</th><th>ok</th><th>fail</th><th>info</th><th>anomalies</th></tr>${rows.join('')}</table>`;
}

function anomalySection(result: RunResult): string {
  const parts = result.workloads
    .filter((w) => Object.keys(w.anomalies).length > 0)
    .map((w) => `<h3>${escapeHtml(w.workload)}</h3><pre>${escapeHtml(JSON.stringify(w.anomalies, null, 1).slice(0, 20_000))}</pre><h4>Offending operations</h4><pre>${escapeHtml(w.offendingOps.map((op) => JSON.stringify(op)).join('\n').slice(0, 20_000))}</pre>`);
  return parts.length === 0 ? '' : `<h2>Anomalies</h2>${parts.join('\n')}`;
}

function timelineSvg(spans: readonly Span[], windows: readonly Window[], endS: number): string {
  const { laneOf, labels } = assignLanes(spans);
  const width = 1100;
  const left = 130;
  const laneH = 12;
  const top = 10;
  const height = top + Math.max(1, labels.length) * laneH + 30;
  const x = (s: number): number => left + ((width - left - 10) * s) / endS;
  const out: string[] = [`<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" font-size="10">`];
  out.push(...windowRects(windows, x, top, height - 30 - top));
  labels.forEach((label, i) => out.push(`<text x="4" y="${top + i * laneH + 9}">${escapeHtml(label)}</text>`));
  spans.forEach((s, i) => {
    const y = top + (laneOf[i] ?? 0) * laneH + 2;
    const w = Math.max(1, x(s.endS) - x(s.startS));
    out.push(`<rect x="${x(s.startS).toFixed(1)}" y="${y}" width="${w.toFixed(1)}" height="${laneH - 4}" fill="${colours[s.type]}"><title>${escapeHtml(`process ${s.process}: ${s.f} ${s.type} ${((s.endS - s.startS) * 1000).toFixed(1)} ms`)}</title></rect>`);
  });
  out.push(...timeAxis(x, endS, height - 25));
  out.push('</svg>');
  return out.join('');
}

/**
 * Packs spans into lanes per workload: each span goes to the first lane of its workload that
 * is free when it starts. A client never overlaps itself, so a workload needs about as many
 * lanes as it has clients, however many process ids crashes gave out.
 */
function assignLanes(spans: readonly Span[]): { laneOf: number[]; labels: string[] } {
  const order = spans.map((_, i) => i).sort((a, b) => (spans[a] as Span).startS - (spans[b] as Span).startS);
  const lanesByWorkload = new Map<string, number[]>(); // workload → end time of each of its lanes
  const local: number[] = new Array<number>(spans.length).fill(0);
  for (const i of order) {
    const s = spans[i] as Span;
    const ends = lanesByWorkload.get(s.workload) ?? [];
    let lane = ends.findIndex((end) => end <= s.startS);
    if (lane < 0) lane = ends.push(s.endS) - 1;
    else ends[lane] = s.endS;
    lanesByWorkload.set(s.workload, ends);
    local[i] = lane;
  }
  const workloads = [...lanesByWorkload.keys()].sort();
  const base = new Map<string, number>();
  const labels: string[] = [];
  for (const w of workloads) {
    base.set(w, labels.length);
    (lanesByWorkload.get(w) ?? []).forEach((_, j) => labels.push(`${w} #${j + 1}`));
  }
  return { laneOf: spans.map((s, i) => (base.get(s.workload) ?? 0) + (local[i] ?? 0)), labels };
}

function latencySvg(spans: readonly Span[], windows: readonly Window[], endS: number): string {
  const width = 1100;
  const height = 320;
  const left = 60;
  const top = 10;
  const plotH = height - 40;
  const latMs = spans.map((s) => Math.max(0.1, (s.endS - s.startS) * 1000));
  const maxLog = Math.log10(Math.max(10, ...latMs));
  const minLog = -1;
  const x = (s: number): number => left + ((width - left - 10) * s) / endS;
  const y = (ms: number): number => top + plotH - (plotH * (Math.log10(Math.max(0.1, ms)) - minLog)) / (maxLog - minLog);
  const out: string[] = [`<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" font-size="10">`];
  out.push(...windowRects(windows, x, top, plotH));
  for (let e = minLog; e <= Math.ceil(maxLog); e++) {
    const ms = 10 ** e;
    out.push(`<line x1="${left}" x2="${width - 10}" y1="${y(ms).toFixed(1)}" y2="${y(ms).toFixed(1)}" stroke="#ddd"/><text x="4" y="${(y(ms) + 3).toFixed(1)}">${ms >= 1 ? ms.toFixed(0) : ms} ms</text>`);
  }
  spans.forEach((s, i) => out.push(`<circle cx="${x(s.startS).toFixed(1)}" cy="${y(latMs[i] as number).toFixed(1)}" r="1.6" fill="${colours[s.type]}"/>`));
  out.push(...timeAxis(x, endS, height - 25));
  out.push('</svg>');
  return out.join('');
}

function windowRects(windows: readonly Window[], x: (s: number) => number, top: number, h: number): string[] {
  return windows.map((w) => `<rect x="${x(w.startS).toFixed(1)}" y="${top}" width="${Math.max(1, x(w.endS) - x(w.startS)).toFixed(1)}" height="${h}" fill="#888" opacity="0.15"><title>${escapeHtml(w.label)}</title></rect>`);
}

function timeAxis(x: (s: number) => number, endS: number, y: number): string[] {
  const step = niceStep(endS / 10);
  const out: string[] = [];
  for (let t = 0; t <= endS; t += step) out.push(`<text x="${x(t).toFixed(1)}" y="${y + 15}">${t.toFixed(step < 1 ? 1 : 0)}s</text><line x1="${x(t).toFixed(1)}" x2="${x(t).toFixed(1)}" y1="${y}" y2="${y + 4}" stroke="#444"/>`);
  return out;
}

function niceStep(raw: number): number {
  const p = 10 ** Math.floor(Math.log10(Math.max(raw, 1e-3)));
  return [1, 2, 5, 10].map((m) => m * p).find((s) => s >= raw) ?? 10 * p;
}

/** Invoke/completion pairs of client ops, by process, as time spans. */
function pairSpans(history: readonly HarnessOp[]): Span[] {
  const open = new Map<string, HarnessOp>();
  const spans: Span[] = [];
  const endS = Math.max(0, ...history.map((op) => (op.time ?? 0) / 1e9));
  for (const op of history) {
    if (op.process === 'nemesis') continue;
    const key = `${op.workload ?? ''}/${String(op.process)}`;
    if (op.type === 'invoke') {
      open.set(key, op);
      continue;
    }
    const inv = open.get(key);
    open.delete(key);
    if (inv === undefined) continue;
    spans.push({ process: String(op.process), workload: op.workload ?? '', f: op.f, type: op.type, startS: (inv.time ?? 0) / 1e9, endS: (op.time ?? 0) / 1e9 });
  }
  for (const [, inv] of open) spans.push({ process: String(inv.process), workload: inv.workload ?? '', f: inv.f, type: 'info', startS: (inv.time ?? 0) / 1e9, endS });
  return spans;
}

/** Fault windows from the nemesis's start/stop events. */
function nemesisWindows(history: readonly HarnessOp[]): Window[] {
  const windows: Window[] = [];
  let open: HarnessOp | null = null;
  for (const op of history) {
    if (op.process !== 'nemesis') continue;
    if (op.f === 'start') open = op;
    else if (op.f === 'stop' && open !== null) {
      const v = open.value as { description?: string } | null;
      windows.push({ startS: (open.time ?? 0) / 1e9, endS: (op.time ?? 0) / 1e9, label: v?.description ?? JSON.stringify(open.value) });
      open = null;
    }
  }
  return windows;
}

function thin<T>(items: readonly T[], max: number): T[] {
  if (items.length <= max) return [...items];
  const step = items.length / max;
  return Array.from({ length: max }, (_, i) => items[Math.floor(i * step)] as T);
}

function verdictText(v: boolean | 'unknown'): string {
  return v === true ? 'valid' : v === false ? 'INVALID' : 'unknown';
}

function verdictClass(v: boolean | 'unknown'): string {
  return v === true ? 'valid' : v === false ? 'invalid' : 'unknown';
}

/** Escapes text for HTML. */
export function escapeHtml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}
