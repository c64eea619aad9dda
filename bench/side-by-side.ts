/**
 * The set-up every side-by-side benchmark shares: a run folder, sysbench and MariaDB from
 * Debian (installed when missing), a private MariaDB and an Atoll node on free loopback
 * ports, and a teardown that stops exactly those servers (by pid) and removes their data —
 * also on failure and on Ctrl-C. A system that cannot be started is dropped with a note;
 * the run goes on with the other.
 */
import { existsSync, mkdirSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { startAtoll } from './atoll-server.js';
import { aptInstall, findMariaDb, sqlClient, startMariaDb } from './mariadb-server.js';
import { onInterrupt, runCommand } from './processes.js';
import { repoRoot } from './repo-root.js';

/** The systems a side-by-side run can compare; Atoll is the subject, MariaDB the baseline. */
export type SystemName = 'atoll' | 'mariadb';
/** Every system, in the order runs alternate (the subject first). */
export const allSystems: readonly SystemName[] = ['atoll', 'mariadb'];

/** A server under test. */
export interface SystemUnderTest {
  readonly name: SystemName;
  readonly port: number;
  readonly commandLine: string;
  /** False once the server process has exited. */
  alive(): boolean;
  /** The server's own output so far (Atoll's log; MariaDB writes to error.log). */
  output(): string;
}

/** An opened harness; close() must be called (it is also called on Ctrl-C). */
export interface Harness {
  readonly runDir: string;
  readonly logDir: string;
  readonly systems: readonly SystemUnderTest[];
  readonly mariadbVersion: string | null;
  readonly notes: string[];
  readonly commands: string[];
  close(): Promise<void>;
}

/** What to open. */
export interface HarnessOptions {
  readonly name: string;
  readonly stamp: string;
  readonly systems: readonly SystemName[];
  readonly workDir: string;
  readonly keepData: boolean;
  readonly log: (line: string) => void;
}

/** Installs what is missing, starts the servers and returns them; throws when none starts. */
export async function openHarness(options: HarnessOptions): Promise<Harness> {
  const runDir = join(options.workDir, `${options.name}-${options.stamp}`);
  const logDir = join(runDir, 'logs');
  mkdirSync(logDir, { recursive: true });
  const notes: string[] = [];
  const commands: string[] = [];
  await installMissing(options.systems, options.log);
  const stops: Array<() => Promise<void>> = [];
  const systems: SystemUnderTest[] = [];
  let mariadbVersion: string | null = null;
  let closed = false;
  const close = async (): Promise<void> => {
    if (closed) return;
    closed = true;
    await Promise.allSettled(stops.map((stop) => stop()));
    if (!options.keepData) for (const d of ['mariadb', 'atoll']) rmSync(join(runDir, d), { recursive: true, force: true });
  };
  const unregister = onInterrupt(close);
  try {
    for (const name of options.systems) {
      const started = await startSystem(name, runDir, options.log, notes);
      if (started === null) continue;
      stops.push(started.stop);
      systems.push(started.system);
      commands.push(started.system.commandLine.split(`${repoRoot()}/`).join(''));
      if (started.version !== null) mariadbVersion = started.version;
    }
    if (systems.length === 0) throw new Error(`no system could be started: ${notes.join('; ')}`);
  } catch (err) {
    await close();
    unregister();
    throw err;
  }
  return {
    runDir,
    logDir,
    systems,
    mariadbVersion,
    notes,
    commands,
    close: async () => {
      await close();
      unregister();
    },
  };
}

async function installMissing(systems: readonly SystemName[], log: (line: string) => void): Promise<void> {
  const missing: string[] = [];
  if ((await runCommand('sysbench', ['--version'], { timeoutMs: 10_000 })).exitCode !== 0) missing.push('sysbench');
  if (systems.includes('mariadb') && findMariaDb() === null) missing.push('mariadb-server');
  if (!existsSync('/usr/bin/mariadb') && !existsSync('/usr/bin/mysql') && !missing.includes('mariadb-server')) missing.push('mariadb-client');
  await aptInstall(missing, log);
}

interface StartedSystem {
  readonly system: SystemUnderTest;
  readonly version: string | null;
  readonly stop: () => Promise<void>;
}

async function startSystem(name: SystemName, runDir: string, log: (line: string) => void, notes: string[]): Promise<StartedSystem | null> {
  try {
    if (name === 'mariadb') {
      const binaries = findMariaDb();
      if (binaries === null) throw new Error('mariadbd is not installed');
      const port = await freePort(1);
      log(`starting a private MariaDB on 127.0.0.1:${port}…`);
      const server = await startMariaDb(binaries, join(runDir, 'mariadb'), port);
      log(`MariaDB ${server.version} is up (pid ${server.process.pid})`);
      const system = { name, port, commandLine: server.commandLine, alive: () => !server.process.exited(), output: () => server.process.output() };
      return { system, version: server.version, stop: server.stop };
    }
    const buildProblem = await buildAtoll(log);
    if (buildProblem !== null) {
      notes.push(`Atoll: ${buildProblem}; tried the compiled output as it is`);
      log(notes[notes.length - 1]!);
    }
    const port = await freePort(3);
    log(`starting Atoll on 127.0.0.1:${port}…`);
    const server = await startAtoll(join(runDir, 'atoll'), port).catch((err: Error) => {
      throw buildProblem === null ? err : new Error(`${err.message} (after: ${buildProblem})`);
    });
    log(`Atoll is up (pid ${server.process.pid})`);
    const system = { name, port, commandLine: server.commandLine, alive: () => !server.process.exited(), output: () => server.process.output() };
    return { system, version: null, stop: server.stop };
  } catch (err) {
    const text = `${name} was not measured: ${(err as Error).message}`;
    log(text);
    notes.push(text);
    return null;
  }
}

/**
 * Builds with scripts/ensure-built.mjs. tsc writes its output even when some file does not
 * type-check, so a failed build is returned as a warning and the caller still tries dist/.
 */
async function buildAtoll(log: (line: string) => void): Promise<string | null> {
  log('building Atoll (node scripts/ensure-built.mjs)…');
  const r = await runCommand(process.execPath, [join(repoRoot(), 'scripts', 'ensure-built.mjs')], { timeoutMs: 600_000, cwd: repoRoot() });
  if (r.exitCode === 0) return null;
  const errors = (r.stdout + r.stderr).split('\n').filter((l) => /error TS\d+/.test(l));
  return `the build failed (${errors.length} TypeScript errors; first: ${errors[0]?.trim() ?? (r.stderr || r.stdout).trim().slice(-300)})`;
}

/**
 * A random port in 20000–59990 such that `count` consecutive ports are free on 127.0.0.1
 * (Atoll uses BASE, BASE+1 and BASE+2).
 */
export async function freePort(count: number): Promise<number> {
  for (let attempt = 0; attempt < 50; attempt++) {
    const base = 20_000 + Math.floor(Math.random() * 39_990);
    let free = true;
    for (let i = 0; i < count && free; i++) free = await portIsFree(base + i);
    if (free) return base;
  }
  throw new Error('no free loopback port found in 50 attempts');
}

function portIsFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = createServer();
    server.once('error', () => resolve(false));
    server.listen(port, '127.0.0.1', () => server.close(() => resolve(true)));
  });
}

/** Creates `database` on a system (idempotent); returns the client's error text or null. */
export async function createDatabase(system: SystemUnderTest, database: string): Promise<string | null> {
  const r = await sqlClient(system.port, `CREATE DATABASE IF NOT EXISTS ${database}`, 60_000);
  return r.exitCode === 0 ? null : (r.stderr || r.stdout || `client exited with ${r.exitCode}`).trim();
}
