/**
 * Test support: starts the built `atoll demo` as a real child process on loopback, the way a
 * user runs it, and stops it by process id.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { createServer } from 'node:net';

export const repoRoot = new URL('..', import.meta.url).pathname;

/** A free loopback port range start (BASE..BASE+2 must be free). */
export async function freeBasePort(): Promise<number> {
  for (let attempt = 0; attempt < 50; attempt++) {
    const base = 20000 + Math.floor(Math.random() * 40000);
    if ((await isFree(base)) && (await isFree(base + 1)) && (await isFree(base + 2))) return base;
  }
  throw new Error('no free port range found');
}

function isFree(port: number): Promise<boolean> {
  return new Promise((done) => {
    const server = createServer();
    server.once('error', () => done(false));
    server.listen(port, '127.0.0.1', () => server.close(() => done(true)));
  });
}

/** A running `atoll demo` process. */
export interface NodeProcess {
  readonly child: ChildProcess;
  readonly port: number;
  output(): string;
  kill(signal: NodeJS.Signals): Promise<void>;
}

/** Starts `atoll demo --data DIR --port BASE` and waits until it prints that it is running. */
export async function startNodeProcess(dataDir: string, port: number): Promise<NodeProcess> {
  const child = spawn(process.execPath, ['dist/src/cli/main.js', 'demo', '--data', dataDir, '--port', String(port)], {
    cwd: repoRoot,
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, ATOLL_LOG: 'warn' },
  });
  let out = '';
  child.stdout!.on('data', (chunk: Buffer) => (out += chunk.toString()));
  child.stderr!.on('data', (chunk: Buffer) => (out += chunk.toString()));
  const exited = new Promise<void>((done) => child.once('exit', () => done()));
  await new Promise<void>((done, fail) => {
    const timer = setTimeout(() => fail(new Error(`node did not start:\n${out}`)), 30_000);
    const check = (): void => {
      if (out.includes('Atoll is running')) {
        clearTimeout(timer);
        done();
      }
    };
    child.stdout!.on('data', check);
    child.once('exit', (code) => {
      clearTimeout(timer);
      fail(new Error(`node exited with ${code}:\n${out}`));
    });
  });
  return {
    child,
    port,
    output: () => out,
    async kill(signal) {
      if (child.exitCode === null && child.signalCode === null) child.kill(signal);
      await exited;
    },
  };
}
