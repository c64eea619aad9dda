/** Runs a function against a given server port, or against a fresh Atoll node in a temporary folder. */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createLogger } from '../base/logger.js';
import { startNode } from '../main.js';

export async function withServer<T>(port: number | undefined, host: string, run: (port: number) => Promise<T>): Promise<T> {
  if (port !== undefined) return run(port);
  const dataDir = mkdtempSync(join(tmpdir(), 'atoll-slt-'));
  const node = await startNode({ dataDir, host, basePort: 0, logger: createLogger('node', 'warn') });
  try {
    return await run(node.sqlPort);
  } finally {
    await node.stop();
    rmSync(dataDir, { recursive: true, force: true });
  }
}
