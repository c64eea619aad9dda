/**
 * The `atoll` command line. Every command and option has --help; the work is done by the
 * modules each command calls.
 */
import { Command, InvalidArgumentError } from 'commander';
import { startNode } from '../main.js';
import { runShell } from './shell/shell.js';
import { runSlt } from './slt/slt-runner.js';

const program = new Command();
program.name('atoll').description('Atoll: a distributed, MySQL-compatible SQL database for ledgers').version('0.1.0');

program
  .command('demo')
  .description('run Atoll on its embedded default: one node, data on local disk, SQL on 127.0.0.1')
  .option('--data <dir>', 'data directory', './data')
  .option('--port <base>', 'base port: SQL on BASE, node RPC on BASE+1, HTTP on BASE+2', parsePort, 2881)
  .option('--host <address>', 'address to listen on', '127.0.0.1')
  .action(async (options: { data: string; port: number; host: string }) => {
    const node = await startNode({ dataDir: options.data, host: options.host, basePort: options.port });
    process.stdout.write(
      [
        `Atoll is running (data in ${options.data}).`,
        `  SQL:    ${options.host}:${node.sqlPort}   user root, no password`,
        `  RPC:    ${options.host}:${node.rpcPort}   (gRPC, node status)`,
        `  HTTP:   http://${options.host}:${node.httpPort}/health`,
        'Connect with:',
        `  mariadb -h${options.host} -P${node.sqlPort} -uroot`,
        `  ./bin/atoll sql -h ${options.host} -P ${node.sqlPort} -u root`,
        'Stop with Ctrl-C.',
        '',
      ].join('\n'),
    );
    const stop = (): void => {
      node.stop().then(
        () => process.exit(0),
        () => process.exit(1),
      );
    };
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
  });

program
  .command('sql')
  .description('a SQL shell for Atoll (or any MySQL-protocol server)')
  .option('-h, --host <host>', 'server host', '127.0.0.1')
  .option('-P, --port <port>', 'server port', parsePort, 2881)
  .option('-u, --user <user>', 'user name', 'root')
  .option('-p, --password [password]', 'password (prompted for when given without a value)')
  .option('-D, --database <db>', 'database to use')
  .option('-e, --execute <sql>', 'run these statements and exit')
  .option('-E, --vertical', 'print rows vertically')
  .action(async (options: { host: string; port: number; user: string; password?: string | true; database?: string; execute?: string; vertical?: boolean }) => {
    const password = options.password === true ? await promptPassword() : options.password;
    const code = await runShell({
      host: options.host,
      port: options.port,
      user: options.user,
      ...(password === undefined ? {} : { password }),
      ...(options.database === undefined ? {} : { database: options.database }),
      ...(options.execute === undefined ? {} : { execute: options.execute }),
      ...(options.vertical === undefined ? {} : { vertical: options.vertical }),
    });
    process.exitCode = code;
  });

program
  .command('slt')
  .description('run sqllogictest files (or folders of them) against a MySQL-protocol server')
  .argument('<paths...>', 'test files or folders')
  .option('-h, --host <host>', 'server host', '127.0.0.1')
  .option('-P, --port <port>', 'server port; without it, an Atoll node is started in a temporary folder', parsePort)
  .option('-u, --user <user>', 'user name', 'root')
  .option('--password <password>', 'password')
  .option('-v, --verbose', 'print every failing record')
  .option('--limit <n>', 'run at most n records per file', parsePositive)
  .action(async (paths: string[], options: { host: string; port?: number; user: string; password?: string; verbose?: boolean; limit?: number }) => {
    const { withServer } = await import('./slt-server.js');
    const totals = await withServer(options.port, options.host, (port) =>
      runSlt({
        paths,
        host: options.host,
        port,
        user: options.user,
        ...(options.password === undefined ? {} : { password: options.password }),
        verbose: options.verbose ?? false,
        ...(options.limit === undefined ? {} : { recordLimit: options.limit }),
      }),
    );
    process.exitCode = totals.failed === 0 ? 0 : 1;
  });

function parsePort(text: string): number {
  const port = Number(text);
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new InvalidArgumentError('a port is an integer in 0..65535');
  return port;
}

function parsePositive(text: string): number {
  const n = Number(text);
  if (!Number.isInteger(n) || n <= 0) throw new InvalidArgumentError('expected a positive integer');
  return n;
}

async function promptPassword(): Promise<string> {
  const { createInterface } = await import('node:readline/promises');
  const rl = createInterface({ input: process.stdin, output: process.stderr, terminal: true });
  const answer = await rl.question('Enter password: ');
  rl.close();
  return answer;
}

await program.parseAsync(process.argv);
