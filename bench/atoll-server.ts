/**
 * Starts the compiled Atoll server (`node dist/src/cli/main.js demo --data DIR --port BASE`)
 * for a benchmark and waits until it says "Atoll is running" and answers a query.
 */
import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { ping } from './mariadb-server.js';
import { startServer, waitUntil, type ServerProcess } from './processes.js';
import { repoRoot } from './repo-root.js';

/** A running Atoll node. */
export interface AtollServer {
  readonly port: number;
  readonly process: ServerProcess;
  readonly commandLine: string;
  stop(): Promise<void>;
}

/** The compiled CLI entry, or null when the project has not been built. */
export function atollEntry(): string | null {
  const entry = join(repoRoot(), 'dist', 'src', 'cli', 'main.js');
  return existsSync(entry) ? entry : null;
}

/** Starts Atoll with its data in `dataDir` and SQL on 127.0.0.1:`port`. */
export async function startAtoll(dataDir: string, port: number): Promise<AtollServer> {
  const entry = atollEntry();
  if (entry === null) throw new Error('dist/src/cli/main.js is missing: build with `node scripts/ensure-built.mjs`');
  mkdirSync(dataDir, { recursive: true });
  const args = [entry, 'demo', '--data', dataDir, '--port', String(port)];
  const env = { ...process.env, ATOLL_LOG: process.env['ATOLL_LOG'] ?? 'warn' };
  const server = startServer(process.execPath, args, { cwd: repoRoot(), env });
  const said = await waitUntil(() => server.exited() || server.output().includes('Atoll is running'), 60_000, 100);
  const answers = said && !server.exited() && (await waitUntil(() => ping(port), 20_000, 200));
  if (!answers || server.exited()) {
    await server.stop(5_000);
    throw new Error(`Atoll did not start${server.exited() ? ' (it exited)' : ''}: ${startupError(server.output())}`);
  }
  return { port, process: server, commandLine: ['node', ...args.map((a) => a.replace(repoRoot() + '/', ''))].join(' '), stop: () => server.stop(30_000) };
}

/** The lines of a failed start that say what went wrong: error lines if any, else the tail. */
export function startupError(output: string): string {
  const lines = output.split('\n').map((l) => l.trim()).filter((l) => l !== '');
  if (lines.length === 0) return 'no output';
  const errors = lines.filter((l) => /\b\w*Error\b|\bERROR\b|FATAL/.test(l) && !l.startsWith('at '));
  return (errors.length > 0 ? errors.slice(0, 3) : lines.slice(-6)).join(' | ');
}
