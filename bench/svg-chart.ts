/**
 * A hand-written SVG bar chart of a run's headline figures: one row per figure, one bar per
 * system, each row scaled to its own largest value (figures of different units can share a
 * chart), the value printed on every bar and the ratio at the right. Pure: data in, text out.
 */
import type { Figure } from './bench-result.js';

const widthPx = 880;
const labelPx = 300;
const barAreaPx = 450;
const barPx = 18;
const barGapPx = 4;
const rowGapPx = 14;
const topPx = 64;
const palette = ['#0f766e', '#64748b', '#b45309', '#7c3aed'];

/** The chart as an SVG document; `title` heads it. Figures without a headline flag are left out. */
export function renderSvgChart(title: string, figures: readonly Figure[]): string {
  const rows = figures.filter((f) => f.headline);
  const systems = [...new Set(rows.flatMap((f) => f.sides.map((s) => s.system)))];
  const parts: string[] = [];
  let y = topPx;
  for (const row of rows) {
    parts.push(renderRow(row, systems, y));
    y += rowHeight(row) + rowGapPx;
  }
  if (rows.length === 0) {
    parts.push(`<text x="20" y="${y + 14}" class="note">no figures to chart (every run failed)</text>`);
    y += 30;
  }
  const heightPx = y + 24;
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${widthPx}" height="${heightPx}" viewBox="0 0 ${widthPx} ${heightPx}" font-family="sans-serif" font-size="12">`,
    '<style>.label{fill:#111}.value{fill:#111;font-size:11px}.value-in{fill:#fff;font-size:11px}.note{fill:#666;font-size:11px}.ratio{fill:#111;font-weight:bold}</style>',
    `<rect width="100%" height="100%" fill="#fff"/>`,
    `<text x="20" y="24" font-size="15" font-weight="bold" class="label">${escapeXml(title)}</text>`,
    `<text x="20" y="42" class="note">${escapeXml(subtitle(systems))}</text>`,
    renderLegend(systems),
    ...parts,
    '</svg>',
    '',
  ].join('\n');
}

function subtitle(systems: readonly string[]): string {
  const ratio = systems.length >= 2 ? `; ratio at the right = ${systems[0]} ÷ ${systems[1]}` : '';
  return `median of runs; each row scaled to its own largest bar${ratio}`;
}

function rowHeight(row: Figure): number {
  return Math.max(32, row.sides.length * (barPx + barGapPx));
}

function renderRow(row: Figure, systems: readonly string[], y: number): string {
  const largest = Math.max(0, ...row.sides.map((s) => s.summary?.median ?? 0));
  const out: string[] = [];
  const mid = y + Math.max(rowHeight(row), 32) / 2;
  out.push(`<text x="20" y="${mid - 2}" class="label">${escapeXml(row.group)}</text>`);
  out.push(`<text x="20" y="${mid + 12}" class="note">${escapeXml(`${row.metric}, ${row.unit}${row.unit === '' ? '' : ', '}${row.higherIsBetter ? 'higher' : 'lower'} is better`)}</text>`);
  row.sides.forEach((s, i) => {
    const barY = y + i * (barPx + barGapPx);
    const color = palette[Math.max(0, systems.indexOf(s.system)) % palette.length]!;
    if (s.summary === null) {
      out.push(`<text x="${labelPx}" y="${barY + 13}" class="note">${escapeXml(`${s.system}: failed`)}</text>`);
      return;
    }
    const w = largest > 0 ? Math.max(1, Math.round((s.summary.median / largest) * barAreaPx)) : 1;
    out.push(`<rect x="${labelPx}" y="${barY}" width="${w}" height="${barPx}" fill="${color}"><title>${escapeXml(`${s.system}: ${formatNumber(s.summary.median)} ${row.unit}`)}</title></rect>`);
    const inside = w > 90;
    const textX = inside ? labelPx + w - 6 : labelPx + w + 6;
    const anchor = inside ? 'end' : 'start';
    out.push(`<text x="${textX}" y="${barY + 13}" text-anchor="${anchor}" class="${inside ? 'value-in' : 'value'}">${escapeXml(formatNumber(s.summary.median))}</text>`);
  });
  if (row.sides.length < 2) return out.join('\n');
  const ratioText = row.ratio === null ? '—' : `${formatRatio(row.ratio)}×`;
  out.push(`<text x="${widthPx - 20}" y="${mid + 4}" text-anchor="end" class="ratio">${escapeXml(ratioText)}</text>`);
  return out.join('\n');
}

function renderLegend(systems: readonly string[]): string {
  return systems
    .map((system, i) => {
      const x = labelPx + i * 130;
      return `<rect x="${x}" y="48" width="12" height="12" fill="${palette[i % palette.length]}"/><text x="${x + 16}" y="58" class="label">${escapeXml(system)}</text>`;
    })
    .join('\n');
}

/** A number printed for people: thousands grouped, 3 significant digits below 100. */
export function formatNumber(value: number): string {
  if (!Number.isFinite(value)) return String(value);
  const abs = Math.abs(value);
  if (abs >= 100) return Math.round(value).toLocaleString('en-US');
  if (abs === 0) return '0';
  return Number(value.toPrecision(3)).toString();
}

/** A ratio printed with two significant decimals (0.0042 → 0.0042, 1.234 → 1.23). */
export function formatRatio(value: number): string {
  if (value >= 10) return value.toFixed(1);
  if (value >= 0.1) return value.toFixed(2);
  return Number(value.toPrecision(2)).toString();
}

/** Escapes the five XML special characters. */
export function escapeXml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&apos;');
}
