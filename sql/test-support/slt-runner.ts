/**
 * A tiny in-process sqllogictest runner: feeds records of a .test file straight into a
 * SqlSession (no wire protocol) and checks results as the format describes
 * (shared/corpora/sqllogictest/FORMAT.wiki): statement ok/error, query with type letters,
 * nosort/rowsort/valuesort, hash-threshold and MD5 of the printed values.
 */
import { createHash } from 'node:crypto';
import type { SqlSession, SqlValue } from '../session-api.js';

/** One failed record, for reports. */
export interface SltFailure {
  readonly line: number;
  readonly sql: string;
  readonly reason: string;
}

/** Outcome of a file. */
export interface SltOutcome {
  readonly passed: number;
  readonly failed: number;
  readonly skipped: number;
  readonly failures: readonly SltFailure[];
}

interface RecordBlock {
  readonly line: number;
  readonly lines: readonly string[];
}

function blocks(text: string): RecordBlock[] {
  const out: RecordBlock[] = [];
  let current: string[] = [];
  let start = 0;
  text.split('\n').forEach((raw, i) => {
    const line = raw.replace(/\r$/, '');
    if (line.trim() === '') {
      if (current.length > 0) out.push({ line: start + 1, lines: current });
      current = [];
    } else if (line.startsWith('#') && current.length === 0) {
      // comment line between records
    } else {
      if (current.length === 0) start = i;
      current.push(line);
    }
  });
  if (current.length > 0) out.push({ line: start + 1, lines: current });
  return out;
}

/** Formats one value as the runner prints it for type letter `t`. */
export function formatValue(v: SqlValue, t: string): string {
  if (v === null) return 'NULL';
  if (v instanceof Uint8Array) v = new TextDecoder().decode(v);
  switch (t) {
    case 'I': {
      if (typeof v === 'bigint') return v.toString();
      const n = typeof v === 'number' ? v : Number(v);
      if (Number.isNaN(n)) return '0';
      return Math.trunc(n).toString();
    }
    case 'R': {
      const n = typeof v === 'number' ? v : Number(typeof v === 'bigint' ? v.toString() : v);
      return Number.isNaN(n) ? '0.000' : fixed3(n);
    }
    default: {
      const s = typeof v === 'string' ? v : v.toString();
      if (s === '') return '(empty)';
      return s.replace(/[\x00-\x1f\x7f]/g, '@');
    }
  }
}

/**
 * `n` with 3 decimals as C's printf("%.3f") prints it (the corpus's reference runner): an
 * exact binary tie rounds to even (19.8125 → 19.812), where toFixed rounds it up.
 */
function fixed3(n: number): string {
  const scaled = n * 1000;
  const floor = Math.floor(scaled);
  if (scaled - floor !== 0.5 || scaled / 1000 !== n) return n.toFixed(3);
  const even = Math.abs(floor % 2) === 0 ? floor : floor + 1;
  return (even / 1000).toFixed(3);
}

/** Runs every record of `text` against `session`. */
export async function runSlt(session: SqlSession, text: string, engine = 'mysql', maxFailuresKept = 50): Promise<SltOutcome> {
  let passed = 0;
  let failed = 0;
  let skipped = 0;
  let hashThreshold = 0;
  const failures: SltFailure[] = [];
  const fail = (line: number, sql: string, reason: string): void => {
    failed++;
    if (failures.length < maxFailuresKept) failures.push({ line, sql, reason });
  };
  for (const block of blocks(text)) {
    let lines = [...block.lines];
    let skip = false;
    while (lines.length > 0 && /^(skipif|onlyif) /.test(lines[0]!)) {
      const [cond, name] = lines[0]!.split(/\s+/);
      if (cond === 'skipif' && name === engine) skip = true;
      if (cond === 'onlyif' && name !== engine) skip = true;
      lines = lines.slice(1);
    }
    const head = lines[0]?.split(/\s+/) ?? [];
    if (head[0] === 'halt') {
      if (!skip) break;
      continue;
    }
    if (head[0] === 'hash-threshold') {
      hashThreshold = Number(head[1]);
      continue;
    }
    if (head[0] !== 'statement' && head[0] !== 'query') continue;
    if (skip) {
      skipped++;
      continue;
    }
    if (head[0] === 'statement') {
      const sql = lines.slice(1).join('\n');
      const results = await session.query(sql);
      const last = results[results.length - 1]!;
      const ok = last.kind !== 'error';
      if (ok === (head[1] === 'ok')) passed++;
      else fail(block.line, sql, ok ? 'expected an error' : `error ${last.kind === 'error' ? `${last.error.errno} ${last.error.message}` : ''}`);
      continue;
    }
    const types = head[1] ?? '';
    const sortMode = head[2] ?? 'nosort';
    const label = head[3];
    const sep = lines.indexOf('----');
    const sql = lines.slice(1, sep < 0 ? undefined : sep).join('\n');
    const expected = sep < 0 ? [] : lines.slice(sep + 1);
    const results = await session.query(sql);
    const last = results[results.length - 1]!;
    if (last.kind !== 'rows') {
      fail(block.line, sql, last.kind === 'error' ? `error ${last.error.errno} ${last.error.message}` : 'no result set');
      continue;
    }
    let rows = last.rows.map((r) => r.map((v, i) => formatValue(v, types[i] ?? 'T')));
    if (rows.length > 0 && rows[0]!.length !== types.length) {
      fail(block.line, sql, `expected ${types.length} columns, got ${rows[0]!.length}`);
      continue;
    }
    let values: string[];
    if (sortMode === 'rowsort') {
      rows = [...rows].sort((a, b) => compareRows(a, b));
      values = rows.flat();
    } else if (sortMode === 'valuesort') {
      values = rows.flat().sort();
    } else values = rows.flat();
    const hashed = /^\d+ values hashing to [0-9a-f]+$/.test(expected[0] ?? '');
    let actual: string[];
    if (hashed || (hashThreshold > 0 && values.length > hashThreshold) || (label !== undefined && hashed)) {
      const md5 = createHash('md5');
      for (const v of values) md5.update(v + '\n');
      actual = [`${values.length} values hashing to ${md5.digest('hex')}`];
    } else actual = values;
    if (actual.length === expected.length && actual.every((v, i) => v === expected[i])) passed++;
    else fail(block.line, sql, `expected ${JSON.stringify(expected.slice(0, 6))} got ${JSON.stringify(actual.slice(0, 6))}`);
  }
  return { passed, failed, skipped, failures };
}

function compareRows(a: readonly string[], b: readonly string[]): number {
  for (let i = 0; i < a.length; i++) {
    if (a[i]! < b[i]!) return -1;
    if (a[i]! > b[i]!) return 1;
  }
  return 0;
}
