/**
 * Child processes of a benchmark run: commands with a hard time limit, and long-lived
 * servers that are remembered by pid so that every one is stopped — on success, on failure
 * and on Ctrl-C. Nothing here ever kills a process it did not start.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { assert } from '../src/base/assert.js';

/** The outcome of a finished command. */
export interface CommandResult {
  readonly exitCode: number | null;
  readonly signal: NodeJS.Signals | null;
  readonly stdout: string;
  readonly stderr: string;
  readonly timedOut: boolean;
  readonly elapsedMs: number;
}

/** Options for runCommand. */
export interface CommandOptions {
  readonly timeoutMs: number;
  readonly cwd?: string;
  readonly env?: NodeJS.ProcessEnv;
  /** Called with each chunk of stdout as it arrives (for live progress). */
  readonly onStdout?: (chunk: string) => void;
}

const outputBytesMax = 16 * 1024 * 1024;
const live = new Set<ChildProcess>();
let handlersInstalled = false;
let interrupted = false;
/** Cleanup to run on SIGINT/SIGTERM (registered with onInterrupt). */
const interruptHandlers: Array<() => Promise<void>> = [];

/** True once SIGINT or SIGTERM arrived: loops stop starting new work. */
export function wasInterrupted(): boolean {
  return interrupted;
}

/**
 * Runs `command args…` to completion or until `timeoutMs` passes (then SIGTERM, and SIGKILL
 * two seconds later). Never rejects for a non-zero exit: the caller reads the result.
 */
export function runCommand(command: string, args: readonly string[], options: CommandOptions): Promise<CommandResult> {
  assert(options.timeoutMs > 0, 'a command needs a time limit');
  installExitHandlers();
  const started = Date.now();
  return new Promise((resolve) => {
    const child = spawn(command, args, { cwd: options.cwd, env: options.env ?? process.env, stdio: ['ignore', 'pipe', 'pipe'] });
    live.add(child);
    let stdout = '';
    let stderr = '';
    let timedOut = false;
    child.stdout!.setEncoding('utf8').on('data', (chunk: string) => {
      if (stdout.length < outputBytesMax) stdout += chunk;
      options.onStdout?.(chunk);
    });
    child.stderr!.setEncoding('utf8').on('data', (chunk: string) => {
      if (stderr.length < outputBytesMax) stderr += chunk;
    });
    const timer = setTimeout(() => {
      timedOut = true;
      terminate(child);
    }, options.timeoutMs);
    const finish = (exitCode: number | null, signal: NodeJS.Signals | null): void => {
      clearTimeout(timer);
      live.delete(child);
      resolve({ exitCode, signal, stdout, stderr, timedOut, elapsedMs: Date.now() - started });
    };
    child.on('error', (err) => {
      stderr += `\n${err.message}`;
      finish(null, null);
    });
    child.on('close', finish);
  });
}

/** A long-lived child (a database server) and a way to stop it. */
export interface ServerProcess {
  readonly pid: number;
  readonly child: ChildProcess;
  /** Output so far (stdout and stderr interleaved, bounded). */
  output(): string;
  /** Resolves once the process has exited; SIGTERM, then SIGKILL after `graceMs`. */
  stop(graceMs?: number): Promise<void>;
  /** True once the process has exited. */
  exited(): boolean;
}

/** Starts a server process in the background; it is stopped by stopAll() if not before. */
export function startServer(command: string, args: readonly string[], options: { cwd?: string; env?: NodeJS.ProcessEnv } = {}): ServerProcess {
  installExitHandlers();
  const child = spawn(command, args, { cwd: options.cwd, env: options.env ?? process.env, stdio: ['ignore', 'pipe', 'pipe'] });
  live.add(child);
  let output = '';
  let hasExited = false;
  const append = (chunk: string): void => {
    if (output.length < outputBytesMax) output += chunk;
  };
  child.stdout!.setEncoding('utf8').on('data', append);
  child.stderr!.setEncoding('utf8').on('data', append);
  const exitedPromise = new Promise<void>((resolve) => {
    child.on('exit', () => {
      hasExited = true;
      live.delete(child);
      resolve();
    });
    child.on('error', (err) => {
      append(`\n${err.message}\n`);
      hasExited = true;
      live.delete(child);
      resolve();
    });
  });
  return {
    pid: child.pid ?? -1,
    child,
    output: () => output,
    exited: () => hasExited,
    stop: async (graceMs = 10_000) => {
      if (hasExited) return;
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
      await exitedPromise;
      clearTimeout(timer);
    },
  };
}

/** Polls `check` every `intervalMs` until it returns true or `timeoutMs` passes. */
export async function waitUntil(check: () => boolean | Promise<boolean>, timeoutMs: number, intervalMs = 100): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await check()) return true;
    await new Promise((r) => setTimeout(r, intervalMs));
  }
  return check();
}

/** Kills every child this module started that is still alive (SIGKILL; for emergencies). */
export function killAllNow(): void {
  for (const child of live) {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  }
  live.clear();
}

function terminate(child: ChildProcess): void {
  child.kill('SIGTERM');
  setTimeout(() => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  }, 2_000).unref();
}

/** Registers cleanup to run on SIGINT/SIGTERM; returns a function that unregisters it. */
export function onInterrupt(handler: () => Promise<void>): () => void {
  installExitHandlers();
  interruptHandlers.push(handler);
  return () => {
    const i = interruptHandlers.indexOf(handler);
    if (i >= 0) interruptHandlers.splice(i, 1);
  };
}

/**
 * On Ctrl-C or SIGTERM, the run's own cleanup (registered with onInterrupt) runs first; if
 * it does not finish within 20 s, the children are killed and the process exits.
 */
function installExitHandlers(): void {
  if (handlersInstalled) return;
  handlersInstalled = true;
  const onSignal = (signal: NodeJS.Signals): void => {
    if (interrupted) {
      killAllNow();
      process.exit(130);
    }
    interrupted = true;
    process.stderr.write(`\nbench: ${signal} received, stopping everything this run started…\n`);
    const force = setTimeout(() => {
      killAllNow();
      process.exit(130);
    }, 20_000);
    force.unref();
    Promise.allSettled(interruptHandlers.map((h) => h())).then(() => {
      killAllNow();
      process.exit(130);
    });
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  process.on('exit', killAllNow);
}
