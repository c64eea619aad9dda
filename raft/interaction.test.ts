// Proves Raft's protocol cases step by step: each raft/testdata/*.txt script drives a few nodes
// through an InteractionEnv and must print exactly the recorded trace. Regenerate the traces
// with RAFT_REWRITE=1 and review the diff.
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { formatDataDriven, parseDataDriven } from './datadriven.js';
import { InteractionEnv } from './interaction-env.js';

const dir = join(dirname(fileURLToPath(import.meta.url)), 'testdata');
const rewrite = process.env['RAFT_REWRITE'] === '1';

describe('raft testdata', () => {
  const files = readdirSync(dir).filter((f) => f.endsWith('.txt')).sort();
  it('has scripts', () => {
    expect(files.length).toBeGreaterThan(5);
  });
  for (const file of files) {
    it(file, () => {
      const path = join(dir, file);
      const cases = parseDataDriven(readFileSync(path, 'utf8'));
      const env = new InteractionEnv();
      const actual = cases.map((c) => env.run(c.command));
      if (rewrite) {
        writeFileSync(path, formatDataDriven(cases, actual));
        return;
      }
      cases.forEach((c, k) => {
        expect(actual[k], `${file}:${c.line}: ${c.command}`).toBe(c.expected);
      });
    });
  }
});
