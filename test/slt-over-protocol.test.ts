/**
 * Proves `npm run slt` end to end: the sqllogictest runner drives a real Atoll node over the
 * MySQL protocol (mysql2 on loopback) through the shared corpus's select1.test, and passes at
 * least 90% of its records (the walking skeleton's bar; today it passes them all).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { createLogger } from '../src/base/logger.js';
import { runSlt } from '../src/cli/slt/slt-runner.js';
import { startNode } from '../src/main.js';
import { repoRoot } from './node-process.js';

const corpus = process.env['ATOLL_CORPORA'] ?? join(repoRoot, '..', 'shared', 'corpora');

describe('sqllogictest over the MySQL protocol', () => {
  it('passes at least 90% of select1.test against a real node', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'atoll-slt-'));
    const node = await startNode({ dataDir, host: '127.0.0.1', basePort: 0, logger: createLogger('node', 'warn') });
    try {
      const out = new PassThrough();
      let text = '';
      out.on('data', (chunk: Buffer) => (text += chunk.toString()));
      const totals = await runSlt({ paths: [join(corpus, 'sqllogictest', 'select1.test')], host: '127.0.0.1', port: node.sqlPort, user: 'root', out });
      expect(totals.passed + totals.failed).toBeGreaterThan(1000);
      expect(totals.passed / (totals.passed + totals.failed)).toBeGreaterThanOrEqual(0.9);
      expect(text).toMatch(/^\d+ passed, \d+ failed/m);
    } finally {
      await node.stop();
      rmSync(dataDir, { recursive: true, force: true });
    }
  }, 180_000);
});
