/**
 * Renders results the way the mysql client does: boxed tables (`+----+`, numbers
 * right-aligned), vertical records (`\G`), tab-separated batch output with a header line, and
 * the footers (`3 rows in set (0.01 sec)`, `Query OK, 1 row affected (0.00 sec)`). Pure
 * functions from data to text; every line ends with "\n".
 */
import type { ShellColumn } from './shell-connection.js';

type Rows = readonly (readonly (string | null)[])[];

/** A boxed table. */
export function formatTable(columns: readonly ShellColumn[], rows: Rows): string {
  const cells = rows.map((row) => row.map((v) => (v === null ? 'NULL' : v)));
  const widths = columns.map((column, c) => Math.max(displayWidth(column.name), ...cells.map((row) => displayWidth(row[c]!))));
  const rule = '+' + widths.map((w) => '-'.repeat(w + 2)).join('+') + '+\n';
  const line = (values: readonly string[], alignRight: (c: number) => boolean): string =>
    '|' + values.map((v, c) => ' ' + pad(v, widths[c]!, alignRight(c)) + ' ').join('|') + '|\n';
  let out = rule + line(columns.map((c) => c.name), () => false) + rule;
  for (const row of cells) out += line(row, (c) => columns[c]!.numeric);
  return out + rule;
}

/** One block per row: `*** N. row ***`, then `name: value` with names right-aligned. */
export function formatVertical(columns: readonly ShellColumn[], rows: Rows): string {
  const nameWidth = Math.max(0, ...columns.map((c) => displayWidth(c.name)));
  let out = '';
  rows.forEach((row, r) => {
    out += `${'*'.repeat(27)} ${r + 1}. row ${'*'.repeat(27)}\n`;
    columns.forEach((column, c) => {
      const value = row[c];
      out += `${pad(column.name, nameWidth, true)}: ${value === null || value === undefined ? 'NULL' : value}\n`;
    });
  });
  return out;
}

/** Batch output: a header line of names, then a line per row; values tab-separated and escaped. */
export function formatBatch(columns: readonly ShellColumn[], rows: Rows): string {
  let out = columns.map((c) => escapeBatch(c.name)).join('\t') + '\n';
  for (const row of rows) out += row.map((v) => (v === null ? 'NULL' : escapeBatch(v))).join('\t') + '\n';
  return out;
}

/** mysql's batch escaping: NUL, tab, newline and backslash as `\0`, `\t`, `\n`, `\\`. */
export function escapeBatch(value: string): string {
  return value.replace(/[\0\t\n\\]/g, (ch) => (ch === '\0' ? '\\0' : ch === '\t' ? '\\t' : ch === '\n' ? '\\n' : '\\\\'));
}

/** `N rows in set` or `Empty set`, with warnings and the time. */
export function rowsFooter(rowCount: number, warningCount: number, elapsedMs: number): string {
  const what = rowCount === 0 ? 'Empty set' : `${rowCount} ${rowCount === 1 ? 'row' : 'rows'} in set`;
  return `${what}${warningsPart(warningCount)} (${formatElapsed(elapsedMs)})\n`;
}

/** `Query OK, N rows affected`, with warnings, the time, and the server's info line if any. */
export function okFooter(affectedRows: number, warningCount: number, info: string, elapsedMs: number): string {
  const head = `Query OK, ${affectedRows} ${affectedRows === 1 ? 'row' : 'rows'} affected${warningsPart(warningCount)} (${formatElapsed(elapsedMs)})\n`;
  return info.trim() === '' ? head : head + info.trim() + '\n';
}

function warningsPart(warningCount: number): string {
  return warningCount === 0 ? '' : `, ${warningCount} ${warningCount === 1 ? 'warning' : 'warnings'}`;
}

/** `0.01 sec`, or `1 min 2.50 sec` past a minute, as mysql prints durations. */
export function formatElapsed(elapsedMs: number): string {
  const seconds = Math.max(0, elapsedMs) / 1000;
  if (seconds < 60) return `${seconds.toFixed(2)} sec`;
  const minutes = Math.floor(seconds / 60);
  return `${minutes} min ${(seconds - minutes * 60).toFixed(2)} sec`;
}

/** Terminal columns a text takes: one per code point, two for East Asian wide ones. */
export function displayWidth(text: string): number {
  let width = 0;
  for (const ch of text) width += isWide(ch.codePointAt(0)!) ? 2 : 1;
  return width;
}

function isWide(code: number): boolean {
  return (
    (code >= 0x1100 && code <= 0x115f) ||
    (code >= 0x2e80 && code <= 0xa4cf) ||
    (code >= 0xac00 && code <= 0xd7a3) ||
    (code >= 0xf900 && code <= 0xfaff) ||
    (code >= 0xfe30 && code <= 0xfe4f) ||
    (code >= 0xff00 && code <= 0xff60) ||
    (code >= 0xffe0 && code <= 0xffe6) ||
    (code >= 0x1f300 && code <= 0x1faff) ||
    (code >= 0x20000 && code <= 0x3fffd)
  );
}

function pad(text: string, width: number, right: boolean): string {
  const fill = ' '.repeat(Math.max(0, width - displayWidth(text)));
  return right ? fill + text : text + fill;
}
