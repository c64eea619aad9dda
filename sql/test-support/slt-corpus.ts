/**
 * Runs files of the shared sqllogictest corpus in-process (runSlt over a fresh engine per
 * file) and sums the outcomes per folder, for the corpus test and for the report in
 * bench/results/slt-corpus.md (slt-corpus-report.ts writes it).
 */
import { readFileSync, readdirSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { newSession } from './engine-fixture.js';
import { runSlt, type SltFailure } from './slt-runner.js';

/** Root of the shared corpus. */
export const corpusRoot = fileURLToPath(new URL('../../../shared/corpora/sqllogictest/', import.meta.url));

/** The outcome of one file (or of its first `maxRecords` records). */
export interface FileOutcome {
  readonly path: string;
  readonly passed: number;
  readonly failed: number;
  readonly skipped: number;
  readonly ms: number;
  readonly failures: readonly SltFailure[];
}

/** Every .test file under `dir` (relative to the corpus root), sorted. */
export function corpusFiles(dir: string): string[] {
  const out: string[] = [];
  const walk = (d: string): void => {
    for (const name of readdirSync(d).sort()) {
      const p = join(d, name);
      if (statSync(p).isDirectory()) walk(p);
      else if (name.endsWith('.test') && statSync(p).size > 0) out.push(relative(corpusRoot, p));
    }
  };
  walk(join(corpusRoot, dir));
  return out;
}

/** The first `n` records (blank-line separated blocks) of a file's text. */
export function firstRecords(text: string, n: number): string {
  return text.split(/\r?\n[ \t]*\r?\n/).slice(0, n).join('\n\n');
}

/** Runs one corpus file (relative path) in a fresh engine, optionally only its first records. */
export async function runCorpusFile(path: string, maxRecords: number | null = null): Promise<FileOutcome> {
  const start = Date.now();
  const { session } = await newSession();
  await session.query('CREATE DATABASE slt');
  await session.useDatabase('slt');
  const text = readFileSync(join(corpusRoot, path), 'utf8');
  const outcome = await runSlt(session, maxRecords === null ? text : firstRecords(text, maxRecords), 'mysql', 20);
  await session.close();
  return { path, ...outcome, ms: Date.now() - start };
}

/** The folder a file's outcome is summed under: its path without the file name. */
export function folderOf(path: string): string {
  const parts = path.split('/');
  return parts.length === 1 ? '.' : parts.slice(0, -1).join('/');
}

/** A Markdown table of outcomes summed per folder, with a total line. */
export function corpusTable(outcomes: readonly FileOutcome[]): string {
  const byFolder = new Map<string, { files: number; passed: number; failed: number; skipped: number; ms: number }>();
  for (const o of outcomes) {
    const f = byFolder.get(folderOf(o.path)) ?? { files: 0, passed: 0, failed: 0, skipped: 0, ms: 0 };
    byFolder.set(folderOf(o.path), { files: f.files + 1, passed: f.passed + o.passed, failed: f.failed + o.failed, skipped: f.skipped + o.skipped, ms: f.ms + o.ms });
  }
  const lines = ['| folder | files | passed | failed | skipped | pass rate | time (s) |', '| --- | ---: | ---: | ---: | ---: | ---: | ---: |'];
  const total = { files: 0, passed: 0, failed: 0, skipped: 0, ms: 0 };
  const rate = (p: number, f: number): string => (p + f === 0 ? '—' : `${((100 * p) / (p + f)).toFixed(2)}%`);
  for (const [folder, f] of [...byFolder].sort(([a], [b]) => a.localeCompare(b))) {
    lines.push(`| ${folder} | ${f.files} | ${f.passed} | ${f.failed} | ${f.skipped} | ${rate(f.passed, f.failed)} | ${(f.ms / 1000).toFixed(0)} |`);
    total.files += f.files;
    total.passed += f.passed;
    total.failed += f.failed;
    total.skipped += f.skipped;
    total.ms += f.ms;
  }
  lines.push(`| **total** | ${total.files} | ${total.passed} | ${total.failed} | ${total.skipped} | ${rate(total.passed, total.failed)} | ${(total.ms / 1000).toFixed(0)} |`);
  return lines.join('\n');
}
