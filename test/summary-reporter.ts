/**
 * Prints one plain closing line after the run, `tests: N passed, N failed[, N skipped]`, so CI
 * tooling that does not know vitest's own summary still reads the counts.
 */
import type { Reporter, TestModule } from 'vitest/node';

export default class SummaryReporter implements Reporter {
  onTestRunEnd(testModules: ReadonlyArray<TestModule>): void {
    let passed = 0;
    let failed = 0;
    let skipped = 0;
    for (const module of testModules) {
      for (const test of module.children.allTests()) {
        const state = test.result().state;
        if (state === 'passed') passed++;
        else if (state === 'failed') failed++;
        else skipped++;
      }
      if (module.state() === 'failed' && [...module.children.allTests()].length === 0) failed++;
    }
    const line = `tests: ${passed} passed, ${failed} failed${skipped > 0 ? `, ${skipped} skipped` : ''}`;
    // After every other reporter's summary: written at exit (stdout to a pipe or file is
    // synchronous on Linux), so it is the run's last line.
    process.once('exit', () => process.stdout.write(`\n${line}\n`));
  }
}
