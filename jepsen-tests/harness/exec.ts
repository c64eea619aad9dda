/**
 * Runs the system tools the harness drives (`ip`, `iptables`, `kill`): async for use during a
 * run (so client operations keep flowing), sync for exit handlers (where only sync code runs).
 * Every call has a time limit; a failure carries the command line and its stderr.
 */
import { execFile, execFileSync } from 'node:child_process';

/** What a finished command printed. */
export interface CommandOutput {
  readonly stdout: string;
  readonly stderr: string;
}

/** A tool exited non-zero, timed out, or could not be started. */
export class CommandError extends Error {
  override readonly name = 'CommandError';
  constructor(
    readonly commandLine: string,
    readonly stderr: string,
    options?: { cause?: unknown },
  ) {
    super(`command failed: ${commandLine}: ${stderr.trim() || String((options?.cause as Error | undefined)?.message ?? '')}`, options);
  }
}

/** Default time limit of one tool invocation. */
export const commandTimeoutMsDefault = 15_000;

/** Runs `file args…`; rejects with CommandError on a non-zero exit. */
export function runCommand(file: string, args: readonly string[], timeoutMs = commandTimeoutMsDefault): Promise<CommandOutput> {
  return new Promise((resolve, reject) => {
    execFile(file, [...args], { timeout: timeoutMs, maxBuffer: 16 << 20, encoding: 'utf8' }, (error, stdout, stderr) => {
      if (error !== null) reject(new CommandError([file, ...args].join(' '), String(stderr ?? ''), { cause: error }));
      else resolve({ stdout: String(stdout), stderr: String(stderr) });
    });
  });
}

/** Runs `file args…` synchronously; returns stdout, throws CommandError on failure. */
export function runCommandSync(file: string, args: readonly string[], timeoutMs = commandTimeoutMsDefault): string {
  try {
    return execFileSync(file, [...args], { timeout: timeoutMs, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
  } catch (error) {
    const stderr = (error as { stderr?: unknown }).stderr;
    throw new CommandError([file, ...args].join(' '), typeof stderr === 'string' ? stderr : String(stderr ?? ''), { cause: error });
  }
}

/** Like runCommandSync, but a failure is returned as null (for best-effort cleanup). */
export function tryCommandSync(file: string, args: readonly string[], timeoutMs = commandTimeoutMsDefault): string | null {
  try {
    return runCommandSync(file, args, timeoutMs);
  } catch {
    return null;
  }
}
