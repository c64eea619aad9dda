/**
 * A private MariaDB for side-by-side runs: Debian's binaries (installed with apt-get when
 * missing), started directly with --no-defaults on its own datadir, socket and loopback
 * port, durable like Atoll (InnoDB flushes its log at every commit; the binary log is on and
 * synced at every commit). Never touches a system-wide MariaDB.
 */
import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { runCommand, startServer, waitUntil, type ServerProcess } from './processes.js';

const serverBinaries = ['/usr/sbin/mariadbd', '/usr/sbin/mysqld', '/usr/bin/mariadbd'];
const installDbBinaries = ['/usr/bin/mariadb-install-db', '/usr/bin/mysql_install_db'];

/** Where the Debian binaries are, when installed. */
export interface MariaDbBinaries {
  readonly server: string;
  readonly installDb: string;
}

/** Finds the MariaDB server binaries, or null. */
export function findMariaDb(): MariaDbBinaries | null {
  const server = serverBinaries.find(existsSync);
  const installDb = installDbBinaries.find(existsSync);
  return server && installDb ? { server, installDb } : null;
}

/**
 * Installs the Debian packages named (e.g. `sysbench`, `mariadb-server`) with apt-get,
 * running `apt-get update` first. Services are not started by the package (the policy of
 * this container forbids it; the benchmark starts its own server anyway).
 */
export async function aptInstall(packages: readonly string[], log: (line: string) => void): Promise<void> {
  if (packages.length === 0) return;
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  const lock = ['-o', 'DPkg::Lock::Timeout=300'];
  log(`installing ${packages.join(', ')} with apt-get (once)…`);
  const update = await runCommand('apt-get', [...lock, 'update'], { timeoutMs: 300_000, env });
  if (update.exitCode !== 0) log(`apt-get update failed (${update.exitCode}); trying the install anyway`);
  const install = await runCommand('apt-get', [...lock, 'install', '-y', '--no-install-recommends', ...packages], { timeoutMs: 900_000, env });
  if (install.exitCode !== 0) throw new Error(`apt-get install ${packages.join(' ')} failed: ${install.stderr.trim().split('\n').slice(-3).join(' | ')}`);
}

/** A running private MariaDB. */
export interface MariaDbServer {
  readonly port: number;
  readonly version: string;
  readonly process: ServerProcess;
  /** The command line that started it (for the results file). */
  readonly commandLine: string;
  stop(): Promise<void>;
}

/** Initialises `dir/data` and starts mariadbd on 127.0.0.1:`port`; waits until it accepts connections. */
export async function startMariaDb(binaries: MariaDbBinaries, dir: string, port: number): Promise<MariaDbServer> {
  const dataDir = join(dir, 'data');
  mkdirSync(dir, { recursive: true });
  const init = await runCommand(
    binaries.installDb,
    ['--no-defaults', `--datadir=${dataDir}`, '--user=root', '--auth-root-authentication-method=normal', '--skip-test-db'],
    { timeoutMs: 120_000 },
  );
  if (init.exitCode !== 0) throw new Error(`mariadb-install-db failed: ${(init.stderr || init.stdout).trim().split('\n').slice(-3).join(' | ')}`);
  const args = mariaDbArgs(dir, dataDir, port);
  const server = startServer(binaries.server, args);
  const ready = await waitUntil(async () => server.exited() || (await ping(port)), 60_000, 200);
  if (!ready || server.exited()) {
    await server.stop();
    throw new Error(`mariadbd did not start: ${server.output().trim().split('\n').slice(-5).join(' | ')}`);
  }
  const version = await sqlScalar(port, 'SELECT VERSION()');
  return { port, version, process: server, commandLine: [binaries.server, ...args].join(' '), stop: () => server.stop(60_000) };
}

/** The server options: private paths, loopback, durable commits, enough connections. */
export function mariaDbArgs(dir: string, dataDir: string, port: number): string[] {
  return [
    '--no-defaults',
    '--user=root',
    `--datadir=${dataDir}`,
    `--port=${port}`,
    '--bind-address=127.0.0.1',
    `--socket=${join(dir, 'mysqld.sock')}`,
    `--pid-file=${join(dir, 'mysqld.pid')}`,
    `--log-error=${join(dir, 'error.log')}`,
    '--skip-name-resolve',
    '--innodb-flush-log-at-trx-commit=1',
    '--sync-binlog=1',
    `--log-bin=${join(dataDir, 'binlog')}`,
    '--server-id=1',
    '--innodb-buffer-pool-size=512M',
    '--max-connections=1000',
    '--max-prepared-stmt-count=100000',
  ];
}

/** True when a `SELECT 1` succeeds on 127.0.0.1:`port` (through the stock client). */
export async function ping(port: number): Promise<boolean> {
  const r = await sqlClient(port, 'SELECT 1', 5_000);
  return r.exitCode === 0;
}

/**
 * Runs SQL through Debian's `mariadb` command-line client (batch mode, no headers) against
 * any MySQL-protocol server on 127.0.0.1; used for set-up and checks, never for load.
 */
export function sqlClient(port: number, sql: string, timeoutMs = 60_000, database?: string): ReturnType<typeof runCommand> {
  const args = ['--no-defaults', '-h127.0.0.1', `-P${port}`, '-uroot', '--batch', '--skip-column-names', ...(database ? [`-D${database}`] : []), '-e', sql];
  return runCommand(clientBinary(), args, { timeoutMs });
}

/** The first value printed by `sql`; throws with the client's error text when it fails. */
export async function sqlScalar(port: number, sql: string, database?: string): Promise<string> {
  const r = await sqlClient(port, sql, 60_000, database);
  if (r.exitCode !== 0) throw new Error((r.stderr || `client exited with ${r.exitCode}`).trim());
  return r.stdout.split('\n')[0]!.split('\t')[0]!.trim();
}

function clientBinary(): string {
  return existsSync('/usr/bin/mariadb') ? '/usr/bin/mariadb' : 'mysql';
}
