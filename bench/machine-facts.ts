/** Facts about the machine and the software a benchmark ran on, for the results file. */
import { cpus, freemem, loadavg, release, totalmem } from 'node:os';
import { readFileSync } from 'node:fs';
import { runCommand } from './processes.js';
import { repoRoot } from './repo-root.js';

/** What the results file records about where and with what it ran. */
export interface MachineFacts {
  readonly cpuModel: string;
  readonly cpuCount: number;
  readonly memoryBytes: number;
  readonly freeMemoryBytesAtStart: number;
  readonly loadAverageAtStart: readonly number[];
  readonly os: string;
  readonly kernel: string;
  readonly node: string;
  readonly sysbench: string | null;
  readonly mariadb: string | null;
  readonly atollCommit: string | null;
}

/** Gathers the facts; versions that cannot be read are null, never guessed. */
export async function machineFacts(mariadbVersion: string | null): Promise<MachineFacts> {
  const cpuList = cpus();
  return {
    cpuModel: cpuList[0]?.model ?? 'unknown',
    cpuCount: cpuList.length,
    memoryBytes: totalmem(),
    freeMemoryBytesAtStart: freemem(),
    loadAverageAtStart: loadavg().map((l) => Math.round(l * 100) / 100),
    os: osName(),
    kernel: release(),
    node: process.version,
    sysbench: await firstLine('sysbench', ['--version']),
    mariadb: mariadbVersion,
    atollCommit: await firstLine('git', ['-C', repoRoot(), 'rev-parse', '--short', 'HEAD']),
  };
}

function osName(): string {
  try {
    const m = /^PRETTY_NAME="?([^"\n]*)"?/m.exec(readFileSync('/etc/os-release', 'utf8'));
    return m?.[1] ?? 'unknown';
  } catch {
    return 'unknown';
  }
}

async function firstLine(command: string, args: readonly string[]): Promise<string | null> {
  const r = await runCommand(command, args, { timeoutMs: 10_000 });
  const line = r.stdout.trim().split('\n')[0]?.trim();
  return r.exitCode === 0 && line ? line : null;
}
