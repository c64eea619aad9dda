/**
 * How the harness launches one database node: the command line, its environment, the port its
 * SQL listens on and the line it prints when ready. Today that is `atoll demo` (one
 * independent single-node server per namespace); the replicated cluster will add its peers'
 * addresses to the command line here.
 */
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { join } from 'node:path';

/** What a node needs to know to start. */
export interface NodeLaunchSpec {
  readonly n: number;
  readonly address: string;
  readonly dataDir: string;
  /** Addresses of every node, 1-based order (for programs that form a cluster). */
  readonly peers: readonly string[];
}

/** A program the harness can run as a node. */
export interface NodeProgram {
  readonly name: string;
  /** SQL port inside the node's namespace (every node has its own namespace, so they share it). */
  readonly sqlPort: number;
  /** Printed on stdout once the node serves SQL. */
  readonly readyPattern: RegExp;
  command(spec: NodeLaunchSpec): { readonly file: string; readonly args: readonly string[]; readonly env: Readonly<Record<string, string>> };
}

/** The repository root (two levels above this file, in source and in dist/). */
export function repoRoot(): string {
  const here = fileURLToPath(new URL('.', import.meta.url));
  const up = here.includes('/dist/') ? '../../../' : '../../';
  return join(here, up);
}

/** Options of the Atoll node program. */
export interface AtollProgramOptions {
  /** Base port: SQL on it, RPC and HTTP above it. */
  readonly basePort?: number;
  /** Extra environment, e.g. the planted-bug switch ATOLL_TESTONLY_ACK_BEFORE_DURABLE=1. */
  readonly env?: Readonly<Record<string, string>>;
}

/** `node dist/src/cli/main.js demo --data DIR --port BASE --host ADDR`. */
export function atollProgram(options: AtollProgramOptions = {}): NodeProgram {
  const basePort = options.basePort ?? 2881;
  const cli = join(repoRoot(), 'dist/src/cli/main.js');
  return {
    name: 'atoll',
    sqlPort: basePort,
    readyPattern: /Atoll is running/,
    command: (spec) => {
      if (!existsSync(cli)) throw new Error(`${cli} is missing: build first (node scripts/ensure-built.mjs)`);
      return {
        file: process.execPath,
        args: [cli, 'demo', '--data', spec.dataDir, '--port', String(basePort), '--host', spec.address],
        env: { ATOLL_LOG: 'warn', ...(options.env ?? {}) },
      };
    },
  };
}
