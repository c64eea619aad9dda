/**
 * Test support for the corpus tests: where the shared history corpus is, its EXPECTED.tsv rows,
 * and the verdict table the corpus tests print. Used only by `corpus-*.test.ts`.
 */
import { existsSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { parseHistory } from '../history/read-history.js';
import type { Op } from '../history/op.js';
import { anomalyTypes, type CheckResult } from './check-result.js';

/** The corpus's histories folder: $ATOLL_CORPORA(/histories), else ../shared/corpora/histories from the repo root. */
export function corpusRoot(): string {
  const env = process.env['ATOLL_CORPORA'];
  if (env !== undefined && env.length > 0) return existsSync(resolve(env, 'histories')) ? resolve(env, 'histories') : resolve(env);
  return resolve(process.cwd(), '../shared/corpora/histories');
}

/** One data row of an EXPECTED.tsv, split on tabs. */
export function expectedRows(folder: string): string[][] {
  const text = readFileSync(resolve(corpusRoot(), folder, 'EXPECTED.tsv'), 'utf8');
  return text.split('\n').filter((l) => l.trim().length > 0 && !l.startsWith('#')).map((l) => l.split('\t'));
}

/** Whether a corpus file is present in this snapshot. */
export function corpusFileExists(folder: string, file: string): boolean {
  return existsSync(resolve(corpusRoot(), folder, file));
}

/** Parses a corpus history file. */
export function loadHistory(folder: string, file: string): Op[] {
  return parseHistory(readFileSync(resolve(corpusRoot(), folder, file), 'utf8'));
}

/** The verdict table and the rows not covered, printed after a corpus test file. */
export class VerdictTable {
  private readonly rows: string[] = [];
  private readonly skipped: Array<[string, string]> = [];

  record(file: string, expected: string, r: CheckResult): void {
    const types = anomalyTypes(r);
    this.rows.push(`${file}\t${expected}\t${String(r.valid)}${types.length > 0 ? ' ' + types.join(',') : ''}`);
  }

  notCovered(file: string, why: string): void {
    this.skipped.push([file, why]);
  }

  print(title: string): void {
    const lines = [`== ${title}`, 'file\texpected\tgot', ...this.rows, 'not covered:', ...this.skipped.map(([f, why]) => `${f}\t${why}`)];
    process.stdout.write(lines.join('\n') + '\n');
  }
}

/** Elle's weakest ruled-out models from a transactional result. */
export function elleNot(r: CheckResult): string[] {
  const d = r.details as { not?: string[] };
  return [...(d.not ?? [])].sort();
}
