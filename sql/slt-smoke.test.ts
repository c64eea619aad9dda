/**
 * Feeds every record of the shared sqllogictest select1.test straight into a session (no
 * wire protocol) and asserts that at least 90% pass: statements succeed or fail as expected,
 * and query results match, hashed as the format says. The other select*.test files run the
 * same way with SLT_FILES=select2,select3 (they take longer than a unit test should).
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { newSession } from './test-support/engine-fixture.js';
import { formatValue, runSlt } from './test-support/slt-runner.js';

const corpus = (name: string): string => fileURLToPath(new URL(`../../shared/corpora/sqllogictest/${name}.test`, import.meta.url));

describe('sqllogictest smoke', () => {
  it('formats values by type letter', () => {
    expect(formatValue(null, 'I')).toBe('NULL');
    expect(formatValue('108.4000', 'R')).toBe('108.400');
    expect(formatValue(3n, 'R')).toBe('3.000');
    expect(formatValue('', 'T')).toBe('(empty)');
    expect(formatValue(12n, 'I')).toBe('12');
  });

  for (const file of (process.env['SLT_FILES'] ?? 'select1').split(',')) {
    it(`passes at least 90% of ${file}.test`, async () => {
      const { session } = await newSession();
      await session.query('CREATE DATABASE slt');
      await session.useDatabase('slt');
      const outcome = await runSlt(session, readFileSync(corpus(file), 'utf8'));
      const total = outcome.passed + outcome.failed;
      const share = outcome.passed / total;
      expect(total).toBeGreaterThan(1000);
      expect(share, JSON.stringify(outcome.failures.slice(0, 5))).toBeGreaterThanOrEqual(0.9);
    }, 300_000);
  }
});
