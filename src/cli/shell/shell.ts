/**
 * `atoll sql`: a SQL shell for Atoll or any MySQL-protocol server, in the manner of the mysql
 * client. This file wires the session loop (shell-session.ts) to the process and to mysql2.
 */
import { connectTextClient } from '../mysql-client.js';
import { historyFilePath } from './shell-history.js';
import { runShellSession } from './shell-session.js';

/** What `runShell` was asked to do. */
export interface ShellOptions {
  readonly host: string;
  readonly port: number;
  readonly user: string;
  readonly password?: string;
  readonly database?: string;
  /** Run these statements and exit (mysql's `-e`). */
  readonly execute?: string;
  /** Print rows vertically (mysql's `-E`). */
  readonly vertical?: boolean;
  /** Default: process.stdin. Interactive when it is a terminal, batch otherwise. */
  readonly stdin?: NodeJS.ReadableStream;
  /** Default: process.stdout. */
  readonly stdout?: NodeJS.WritableStream;
  /** Errors go here. Default: process.stderr, or `stdout` when only that is given. */
  readonly stderr?: NodeJS.WritableStream;
}

/** Runs the shell until quit or end of input; resolves to the exit code (0 ok, 1 error). */
export async function runShell(options: ShellOptions): Promise<number> {
  const stdout = options.stdout ?? process.stdout;
  return runShellSession({
    connect: (database) =>
      connectTextClient({
        host: options.host,
        port: options.port,
        user: options.user,
        ...(options.password === undefined ? {} : { password: options.password }),
        ...(database === null ? {} : { database }),
      }),
    ...(options.database === undefined ? {} : { database: options.database }),
    ...(options.execute === undefined ? {} : { execute: options.execute }),
    ...(options.vertical === undefined ? {} : { vertical: options.vertical }),
    stdin: options.stdin ?? process.stdin,
    stdout,
    stderr: options.stderr ?? (options.stdout === undefined ? process.stderr : stdout),
    historyFile: historyFilePath(),
  });
}
