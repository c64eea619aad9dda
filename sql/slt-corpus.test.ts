/**
 * Runs a bounded, representative slice of the whole shared sqllogictest corpus in-process
 * and asserts that at least 98% of the records that apply to MySQL pass: evidence/ in full,
 * the head of one file of every random/ folder, and the head (schema, data and the first
 * queries) of the smallest file of every index/ folder. The full corpus runs with
 * `npx vite-node sql/test-support/slt-corpus-report.ts` (about an hour; see
 * bench/results/slt-corpus.md).
 */
import { describe, expect, it } from 'vitest';
import { corpusFiles, runCorpusFile, type FileOutcome } from './test-support/slt-corpus.js';
import { formatValue } from './test-support/slt-runner.js';

const share = (outcomes: readonly FileOutcome[]): { passed: number; total: number } => {
  const passed = outcomes.reduce((n, o) => n + o.passed, 0);
  return { passed, total: passed + outcomes.reduce((n, o) => n + o.failed, 0) };
};

const failuresOf = (outcomes: readonly FileOutcome[]): string =>
  JSON.stringify(outcomes.flatMap((o) => o.failures.slice(0, 3).map((f) => ({ file: o.path, ...f }))).slice(0, 8));

describe('sqllogictest corpus slice', () => {
  it('prints R values as the reference runner\'s printf("%.3f") does', () => {
    expect([19.8125, -19.8125, 0.0625, 2.0005, 1.23456].map((n) => formatValue(n, 'R'))).toEqual(['19.812', '-19.812', '0.062', '2.001', '1.235']);
  });

  it('passes at least 98% of evidence/', async () => {
    const outcomes = await Promise.all(corpusFiles('evidence').map((f) => runCorpusFile(f)));
    const { passed, total } = share(outcomes);
    expect(total).toBeGreaterThan(250);
    expect(passed / total, failuresOf(outcomes)).toBeGreaterThanOrEqual(0.98);
  }, 60_000);

  it('passes at least 98% of the head of every random/ folder', async () => {
    const folders = ['random/aggregates', 'random/expr', 'random/groupby', 'random/select'];
    const outcomes: FileOutcome[] = [];
    for (const folder of folders) outcomes.push(await runCorpusFile(corpusFiles(folder)[0]!, 1000));
    const { passed, total } = share(outcomes);
    expect(total).toBeGreaterThan(2500);
    expect(passed / total, failuresOf(outcomes)).toBeGreaterThanOrEqual(0.98);
  }, 60_000);

  it('passes at least 98% of the head of every index/ folder', async () => {
    const heads: [string, number][] = [
      ['index/between/1/slt_good_0.test', 300], ['index/commute/10/slt_good_0.test', 300], ['index/delete/1/slt_good_0.test', 300],
      ['index/in/10/slt_good_0.test', 300], ['index/orderby/10/slt_good_0.test', 300], ['index/orderby_nosort/10/slt_good_0.test', 300],
      ['index/random/10/slt_good_0.test', 300], ['index/view/100/slt_good_0.test', 400],
    ];
    const outcomes: FileOutcome[] = [];
    for (const [file, records] of heads) outcomes.push(await runCorpusFile(file, records));
    const { passed, total } = share(outcomes);
    expect(total).toBeGreaterThan(1500);
    expect(passed / total, failuresOf(outcomes)).toBeGreaterThanOrEqual(0.98);
  }, 60_000);
});
