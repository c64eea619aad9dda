/**
 * Runs the whole shared sqllogictest corpus in-process, one fresh engine per file, and writes
 * the per-folder table to bench/results/slt-corpus.md. Slow (about an hour on a loaded
 * 2-core machine): run it by hand, `npx vite-node sql/test-support/slt-corpus-report.ts
 * [folder…]` (default: evidence random index). Progress goes to stderr, one line per file.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { corpusFiles, corpusTable, runCorpusFile, type FileOutcome } from './slt-corpus.js';

const folders = process.argv.slice(2).length > 0 ? process.argv.slice(2) : ['evidence', 'random', 'index'];
const outcomes: FileOutcome[] = [];
for (const folder of folders) {
  for (const file of corpusFiles(folder)) {
    const o = await runCorpusFile(file);
    outcomes.push(o);
    process.stderr.write(`${file}: ${o.passed} passed, ${o.failed} failed, ${o.skipped} skipped, ${(o.ms / 1000).toFixed(0)} s\n`);
  }
}
const resultsDir = fileURLToPath(new URL('../../bench/results/', import.meta.url));
mkdirSync(resultsDir, { recursive: true });
const failures = outcomes.flatMap((o) => o.failures.slice(0, 5).map((f) => `- \`${o.path}:${f.line}\` ${f.reason.slice(0, 160)}`));
writeFileSync(`${resultsDir}slt-corpus.md`, [
  '# sqllogictest corpus, in-process',
  '',
  `Records that apply to MySQL (\`skipif mysql\` / \`onlyif\` other engines are skipped), run by \`sql/test-support/slt-corpus-report.ts\` on ${new Date().toISOString().slice(0, 10)}.`,
  '',
  corpusTable(outcomes),
  '',
  '## First failures',
  '',
  ...(failures.length === 0 ? ['None.'] : failures),
  '',
].join('\n'));
