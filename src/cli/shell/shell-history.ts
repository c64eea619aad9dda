/**
 * The shell's persistent history: one entered line per file line, oldest first, at most
 * `limits.shellHistoryLinesMax` lines. A history that cannot be read or written is not an
 * error worth stopping a shell for: it is skipped.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { limits } from '../../base/limits.js';

/** `$ATOLL_HISTFILE`, else ~/.atoll_history; null when set to '' or /dev/null (no history). */
export function historyFilePath(env: NodeJS.ProcessEnv = process.env): string | null {
  const configured = env['ATOLL_HISTFILE'];
  if (configured === '' || configured === '/dev/null') return null;
  return configured ?? join(homedir(), '.atoll_history');
}

/** The saved lines, newest first (as node:readline's `history` option wants them). */
export function loadHistory(path: string | null): string[] {
  if (path === null) return [];
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch {
    return [];
  }
  const lines = text.split('\n').filter((line) => line.trim() !== '');
  return lines.slice(-limits.shellHistoryLinesMax).reverse();
}

/** Saves `newestFirst` (readline's order), keeping the newest lines up to the limit. */
export function saveHistory(path: string | null, newestFirst: readonly string[]): void {
  if (path === null) return;
  const lines = newestFirst.slice(0, limits.shellHistoryLinesMax).reverse();
  try {
    writeFileSync(path, lines.map((line) => line + '\n').join(''), { mode: 0o600 });
  } catch {
    // An unwritable history file loses the history, not the session.
  }
}
