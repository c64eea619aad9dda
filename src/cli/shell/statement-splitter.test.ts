// Proves the shell's statement splitter ends statements where the mysql client does: at `;`,
// `\g` and `\G` outside quotes and comments, across lines, with `\c`, `\q`, quit and exit.
import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { StatementSplitter, type SplitEvent } from './statement-splitter.js';

function split(text: string): SplitEvent[] {
  const splitter = new StatementSplitter();
  const events = text.split('\n').flatMap((line) => splitter.push(line));
  return [...events, ...splitter.finish()];
}

const statements = (events: SplitEvent[]): string[] => events.flatMap((e) => (e.kind === 'statement' ? [e.sql] : []));

describe('StatementSplitter', () => {
  test('one line, several statements; a trailing statement without ; runs at the end', () => {
    expect(split('SELECT 1; SELECT 2;SELECT 3')).toEqual([
      { kind: 'statement', sql: 'SELECT 1', vertical: false, line: 1 },
      { kind: 'statement', sql: 'SELECT 2', vertical: false, line: 1 },
      { kind: 'statement', sql: 'SELECT 3', vertical: false, line: 1 },
    ]);
  });

  test('a statement over several lines keeps its line breaks and first line', () => {
    expect(split('\nSELECT a,\n  b\nFROM t;')).toEqual([{ kind: 'statement', sql: 'SELECT a,\n  b\nFROM t', vertical: false, line: 2 }]);
  });

  test('; inside quotes of each kind, with escapes and doubled quotes, does not split', () => {
    expect(statements(split("SELECT 'a;b', \"c;d\", `e;f`;"))).toEqual(["SELECT 'a;b', \"c;d\", `e;f`"]);
    expect(statements(split("SELECT 'it''s;', 'back\\';slash';"))).toEqual(["SELECT 'it''s;', 'back\\';slash'"]);
    expect(statements(split("SELECT 'multi\nline;\nstring';"))).toEqual(["SELECT 'multi\nline;\nstring'"]);
  });

  test('comments are stripped and ; inside them does not split; comment-only input runs nothing', () => {
    expect(split('SELECT 1 -- not; here\n, 2; # nor; here\nSELECT /* or; here */ 3;')).toEqual([
      { kind: 'statement', sql: 'SELECT 1 \n, 2', vertical: false, line: 1 },
      { kind: 'statement', sql: 'SELECT   3', vertical: false, line: 3 },
    ]);
    expect(statements(split('SELECT/* multi\nline; comment */1;'))).toEqual(['SELECT 1']);
    expect(statements(split('-- just a comment;\n/* and; another */;\n;'))).toEqual([]);
    expect(statements(split('SELECT 1--2;'))).toEqual(['SELECT 1--2']); // `--` needs a blank after it to be a comment
    expect(statements(split('/*!40101 SET x=1 */;'))).toEqual(['/*!40101 SET x=1 */']);
  });

  test('\\G ends a statement for vertical output, \\g like ;', () => {
    expect(split('SELECT 1\\G SELECT 2\\g')).toEqual([
      { kind: 'statement', sql: 'SELECT 1', vertical: true, line: 1 },
      { kind: 'statement', sql: 'SELECT 2', vertical: false, line: 1 },
    ]);
    expect(statements(split("SELECT '\\G';"))).toEqual(["SELECT '\\G'"]);
  });

  test('\\c clears, \\q and quit/exit quit, unknown commands are reported', () => {
    expect(split('SELECT 1\nbad stuff \\c\nSELECT 2;')).toEqual([{ kind: 'clear' }, { kind: 'statement', sql: 'SELECT 2', vertical: false, line: 3 }]);
    expect(split('SELECT 1; \\q SELECT 2;')).toEqual([{ kind: 'statement', sql: 'SELECT 1', vertical: false, line: 1 }, { kind: 'quit' }]);
    expect(split('quit')).toEqual([{ kind: 'quit' }]);
    expect(split('EXIT;')).toEqual([{ kind: 'quit' }]);
    expect(statements(split('SELECT\nquit;'))).toEqual(['SELECT\nquit']); // inside a statement it is text
    expect(split('\\x')).toEqual([{ kind: 'unknown-command', command: '\\x' }]);
  });

  test('pending and the open construct drive the prompts', () => {
    const splitter = new StatementSplitter();
    expect(splitter.pending).toBe(false);
    splitter.push('SELECT');
    expect([splitter.pending, splitter.openConstruct]).toEqual([true, null]);
    splitter.push("'abc");
    expect(splitter.openConstruct).toBe("'");
    splitter.push("';");
    expect([splitter.pending, splitter.openConstruct]).toEqual([false, null]);
    splitter.push('/* open');
    expect(splitter.openConstruct).toBe('/*');
    splitter.clear();
    expect([splitter.pending, splitter.openConstruct]).toEqual([false, null]);
  });

  test('statements of plain words and quoted strings survive any line breaking', () => {
    const word = fc.stringMatching(/^[a-z0-9]{1,6}$/);
    const quoted = fc.stringMatching(/^[a-z ;]{0,6}$/).map((s) => `'${s}'`);
    const statement = fc.array(fc.oneof(word, quoted), { minLength: 1, maxLength: 5 }).map((parts) => parts.join(' '));
    fc.assert(
      fc.property(fc.array(statement, { minLength: 1, maxLength: 5 }), fc.array(fc.nat(), { maxLength: 5 }), (list, cuts) => {
        let text = list.map((s) => s + ';').join(' ');
        for (const cut of cuts) {
          const at = cut % (text.length + 1);
          if (text[at] === ' ') text = text.slice(0, at) + '\n' + text.slice(at + 1); // break lines only at blanks outside words
        }
        const got = statements(split(text)).map((s) => s.replace(/\s+/g, ' '));
        expect(got).toEqual(list.map((s) => s.replace(/\s+/g, ' ')));
      }),
    );
  });
});
