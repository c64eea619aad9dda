import { defineConfig } from 'vitest/config';

// Tests live beside the code they prove (`*.test.ts`). Tests that start real servers spawn
// the built `dist/` (npm test builds first), so they test what `npm start` runs.
export default defineConfig({
  test: {
    include: ['src/**/*.test.ts', 'sql/**/*.test.ts', 'storage/**/*.test.ts', 'raft/**/*.test.ts', 'jepsen-tests/**/*.test.ts', 'bench/**/*.test.ts', 'test/**/*.test.ts'],
    testTimeout: 60_000,
    hookTimeout: 60_000,
    pool: 'forks',
    poolOptions: { forks: { maxForks: 2, minForks: 1 } },
    reporters: ['default', './test/summary-reporter.ts'],
  },
});
