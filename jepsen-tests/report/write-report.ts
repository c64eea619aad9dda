/**
 * Writes a run's folder `jepsen-tests/store/<run>/`: `history.jsonl` (one event per line),
 * `results.json` and `index.html`. Node logs are written there by the cluster as it runs.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { HarnessOp } from '../harness/history-recorder.js';
import { renderHtmlReport } from './html-report.js';
import type { RunResult } from './run-result.js';

/** Writes the three report files into `dir`. */
export function writeRunReport(dir: string, history: readonly HarnessOp[], result: RunResult): void {
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'history.jsonl'), history.map((op) => JSON.stringify(op)).join('\n') + '\n');
  writeFileSync(join(dir, 'results.json'), JSON.stringify(result, null, 2) + '\n');
  writeFileSync(join(dir, 'index.html'), renderHtmlReport(history, result));
}
