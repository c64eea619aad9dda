// Proves that a failed Atoll start is summarized by its error lines rather than a stack.
import { describe, expect, it } from 'vitest';
import { startupError } from './atoll-server.js';

describe('startupError', () => {
  it('keeps the error lines of a crash and drops the stack', () => {
    const output = [
      'file:///work/main/dist/src/main.js:13',
      "import { startMysqlServer, staticUsers } from './mysql/server.js';",
      '                           ^^^^^^^^^^^',
      "SyntaxError: The requested module './mysql/server.js' does not provide an export named 'staticUsers'",
      '    at ModuleJob._instantiate (node:internal/modules/esm/module_job:213:21)',
      '',
      'Node.js v20.20.2',
    ].join('\n');
    expect(startupError(output)).toBe("SyntaxError: The requested module './mysql/server.js' does not provide an export named 'staticUsers'");
  });

  it('falls back to the last lines, or says there was no output', () => {
    expect(startupError('a\nb\nc')).toBe('a | b | c');
    expect(startupError('  \n')).toBe('no output');
  });
});
