// Proves the results writer: file names from timestamps, the Markdown summary (per-metric
// tables with spreads and ratios, failures with their exact text, checks), the hand-written
// SVG (well-formed, bars proportional to medians, text escaped) and LATEST.md choosing the
// newest run of each benchmark name — written into a temporary folder.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { figure, side, type BenchResult } from './bench-result.js';
import { collectLatest, fileTimestamp, renderMarkdown, writeResults } from './result-writer.js';
import { escapeXml, formatNumber, formatRatio, renderSvgChart } from './svg-chart.js';

const machine = {
  cpuModel: 'Test CPU',
  cpuCount: 2,
  memoryBytes: 24 * 2 ** 30,
  freeMemoryBytesAtStart: 20 * 2 ** 30,
  loadAverageAtStart: [0.5, 0.4, 0.3],
  os: 'Debian GNU/Linux 12 (bookworm)',
  kernel: '6.1.0',
  node: 'v20.20.2',
  sysbench: 'sysbench 1.0.20',
  mariadb: '10.11.19-MariaDB',
  atollCommit: 'abc1234',
};

function result(name: string, startedAt: string): BenchResult {
  const tps = figure({ group: 'oltp_point_select, 8 threads', metric: 'throughput', unit: 'transactions/s', higherIsBetter: true, headline: true }, [side('atoll', [900, 1000, 1100]), side('mariadb', [4000, 3000, 5000])]);
  const p95 = figure({ group: 'oltp_point_select, 8 threads', metric: 'p95 latency', unit: 'ms', higherIsBetter: false }, [side('atoll', [2, 3, 4]), side('mariadb', [1, 1, 1])]);
  const failed = figure({ group: 'oltp_write_only, 8 threads', metric: 'throughput', unit: 'transactions/s', higherIsBetter: true, headline: true }, [
    side('atoll', [], [`MySQL error: 1064 "You have an error | near 'x'"`]),
    side('mariadb', [700, 800, 900]),
  ]);
  const zeros = figure({ group: 'oltp_point_select, 8 threads', metric: 'reconnects', unit: 'per run', higherIsBetter: false }, [side('atoll', [0, 0, 0]), side('mariadb', [0, 0, 0])]);
  return {
    name,
    startedAt,
    finishedAt: startedAt,
    machine,
    settings: { threads: [8], runs: 3 },
    commands: ['sysbench oltp_point_select … run'],
    figures: [tps, p95, failed, zeros],
    checks: [
      { name: 'total balance unchanged', system: 'atoll', passed: false, detail: 'total=9999.00 (expected 10000.00)' },
      { name: 'total balance unchanged', system: 'mariadb', passed: true, detail: 'ok' },
    ],
    notes: ['a note'],
    runs: [],
  };
}

describe('fileTimestamp', () => {
  it('turns an ISO time into a sortable file-name part', () => {
    expect(fileTimestamp('2026-11-22T02:55:23.123Z')).toBe('20261122-025523');
    expect(() => fileTimestamp('yesterday')).toThrow();
  });
});

describe('renderMarkdown', () => {
  const md = renderMarkdown(result('sysbench', '2026-11-22T02:55:23.000Z'), 'chart.svg');

  it('puts medians with their spread and the ratio in one table per metric', () => {
    expect(md).toContain('### throughput (transactions/s), higher is better');
    expect(md).toContain('| oltp_point_select, 8 threads | 1,000 (900–1,100) | 4,000 (3,000–5,000) | **0.25×** |');
    expect(md).toContain('### p95 latency (ms), lower is better');
    expect(md).toContain('| oltp_point_select, 8 threads | 3 (2–4) | 1 (1–1) | **3.00×** |');
  });

  it('shows a failed side, its exact error text (escaped for a table), checks and notes', () => {
    expect(md).toContain('| oltp_write_only, 8 threads | failed | 800 (700–900) | — |');
    expect(md).toContain(`- atoll, oltp_write_only, 8 threads: \`MySQL error: 1064 "You have an error | near 'x'"\``);
    expect(md).toContain('- **FAIL** — atoll: total balance unchanged: total=9999.00 (expected 10000.00)');
    expect(md).toContain('- PASS — mariadb');
    expect(md).toContain('- a note');
    expect(md).toContain('![chart](chart.svg)');
  });

  it('names an all-zero metric in one line instead of a table', () => {
    expect(md).toContain('Zero in every run: reconnects.');
    expect(md).not.toContain('### reconnects');
  });
});

describe('renderSvgChart', () => {
  const svg = renderSvgChart('sysbench <test> & co', result('sysbench', '2026-11-22T02:55:23.000Z').figures);

  it('is one well-formed svg element with the title escaped', () => {
    expect(svg.startsWith('<svg xmlns="http://www.w3.org/2000/svg"')).toBe(true);
    expect(svg.trim().endsWith('</svg>')).toBe(true);
    expect(svg).toContain('sysbench &lt;test&gt; &amp; co');
    const opened = (svg.match(/<text\b/g) ?? []).length;
    expect((svg.match(/<\/text>/g) ?? []).length).toBe(opened);
  });

  it('draws headline figures only, bars proportional to medians, a failed side as text', () => {
    const widths = [...svg.matchAll(/<rect x="300" y="\d+" width="(\d+)" height="18"/g)].map((m) => Number(m[1]));
    // point select: atoll 1000 vs mariadb 4000 (the row's largest); write only: mariadb alone.
    expect(widths).toEqual([113, 450, 450]);
    expect(svg).toContain('atoll: failed');
    expect(svg).toContain('0.25×');
    expect(svg).not.toContain('p95 latency');
  });

  it('says so when there is nothing to chart', () => {
    expect(renderSvgChart('empty', [])).toContain('no figures to chart');
  });
});

describe('number formatting', () => {
  it('groups thousands, keeps three significant digits below 100, escapes XML', () => {
    expect(formatNumber(33085.33)).toBe('33,085');
    expect(formatNumber(83.456)).toBe('83.5');
    expect(formatNumber(0.0912)).toBe('0.0912');
    expect(formatRatio(0.25)).toBe('0.25');
    expect(formatRatio(0.0123)).toBe('0.012');
    expect(formatRatio(12.34)).toBe('12.3');
    expect(escapeXml(`<a href="x">'&'</a>`)).toBe('&lt;a href=&quot;x&quot;&gt;&apos;&amp;&apos;&lt;/a&gt;');
  });
});

describe('writeResults and LATEST.md', () => {
  let dir = '';
  afterEach(() => {
    if (dir !== '') rmSync(dir, { recursive: true, force: true });
  });

  it('writes json, md and svg, and LATEST.md points at the newest run of each name', () => {
    dir = mkdtempSync(join(tmpdir(), 'bench-writer-'));
    writeResults(result('sysbench', '2026-11-22T02:00:00.000Z'), dir);
    writeResults(result('ledger', '2026-11-22T01:00:00.000Z'), dir);
    const newest = writeResults(result('sysbench', '2026-11-22T03:00:00.000Z'), dir);
    writeFileSync(join(dir, 'unrelated.json'), '{}');
    expect(JSON.parse(readFileSync(newest.jsonPath, 'utf8')).figures).toHaveLength(4);
    expect(readFileSync(newest.svgPath, 'utf8')).toContain('<svg');
    expect(readFileSync(newest.markdownPath, 'utf8')).toContain('sysbench-20261122-030000.svg');
    expect(collectLatest(dir).map((e) => e.base)).toEqual(['ledger-20261122-010000', 'sysbench-20261122-030000']);
    const latest = readFileSync(newest.latestPath, 'utf8');
    expect(latest).toContain('[sysbench-20261122-030000.md](sysbench-20261122-030000.md)');
    expect(latest).not.toContain('sysbench-20261122-020000');
    expect(latest).toContain('oltp_point_select, 8 threads: 0.25×');
    expect(latest).toContain('checks 1/2 passed');
  });
});
