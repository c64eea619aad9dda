/**
 * Proves the parsing front: statement splitting outside quotes and comments, the token
 * normalization node-sql-parser needs (SELECT ALL, AGG(ALL x), AGG(DISTINCT expr)),
 * select-list texts for column names, placeholders, hand-parsed statements, and 1064/1235.
 */
import { describe, expect, it } from 'vitest';
import { SqlError } from '../../src/base/errors.js';
import { splitStatements, splitStatementTexts, tokenize } from './lexer.js';
import { normalizeTokens, selectItemTexts } from './normalize.js';
import { parseStatement } from './parse.js';

const errno = (f: () => unknown): number | undefined => {
  try {
    f();
    return undefined;
  } catch (e) {
    return e instanceof SqlError ? e.errno : -1;
  }
};

describe('where the second statement starts (multi-statements off refuses it there)', () => {
  it.each([
    ['select 1', -1],
    ['select 1;', -1],
    ['select 1;  \n -- trailing comment\n', -1],
    ['select 1; # hash comment', -1],
    ['select 1; /* block */ ;;', -1],
    ["select 'a;b'", -1],
    ["select 'it''s; fine'", -1],
    ["select 'back\\'slash;'", -1],
    ['select "x;y", `we;ird`', -1],
    ['select 1 -- ; select 2', -1],
    ['select 1 /* ; */', -1],
    ['select 1; select 2', 10],
    ['select 1;select 2', 9],
    ["select ';'; x", 12],
    ['select 1;--x', 9],
  ])('%j → %i', (sql, offset) => {
    expect(splitStatementTexts(sql)[1]?.offset ?? -1).toBe(offset);
  });
});

describe('parser front', () => {
  it('splits on semicolons outside quotes and comments', () => {
    expect(splitStatements("SELECT ';'; SELECT 2 /* ; */; -- x;\n SELECT `a;b`;;")).toEqual(["SELECT ';'", 'SELECT 2 /* ; */', '-- x;\n SELECT `a;b`']);
    expect(errno(() => splitStatements("SELECT 'open"))).toBe(1064);
  });

  it('normalizes what the grammar lacks', () => {
    const text = 'SELECT ALL COUNT(DISTINCT a + b), SUM(ALL c) FROM t';
    const n = normalizeTokens(text, tokenize(text));
    expect(n.text).toBe('SELECT  COUNT(DISTINCT ( a + b)), SUM( c) FROM t');
    const q = parseStatement(text).statement;
    expect(q.kind).toBe('query');
  });

  it('keeps the source text of select items for column names', () => {
    const text = 'SELECT a  +  1, (SELECT 1, 2), t.b AS x FROM t';
    expect(selectItemTexts(text, tokenize(text))).toEqual(['a  +  1', '(SELECT 1, 2)', 't.b AS x']);
  });

  it('numbers placeholders in text order and decodes string escapes', () => {
    const p = parseStatement("INSERT INTO t VALUES (?, 'it''s\\n', ?)");
    expect(p.paramCount).toBe(2);
    const s = p.statement;
    if (s.kind !== 'insert') throw new Error('insert expected');
    expect(s.rows![0]).toEqual([{ kind: 'param', index: 0 }, { kind: 'literal', literal: { kind: 'string', value: "it's\n" } }, { kind: 'param', index: 1 }]);
  });

  it('parses SHOW, SET and transaction statements by hand', () => {
    expect(parseStatement('SHOW FULL COLUMNS FROM db.t LIKE "a%"').statement).toEqual({ kind: 'show', show: { kind: 'showColumns', table: { db: 'db', name: 't' }, full: true, like: 'a%' } });
    expect(parseStatement('start transaction read only').statement).toEqual({ kind: 'begin' });
    const set = parseStatement('SET @@global.wait_timeout = 10, autocommit = ON, @u := 1 + 2').statement;
    if (set.kind !== 'set') throw new Error('set expected');
    expect(set.assignments.map((a) => a.target)).toEqual([
      { kind: 'sysVar', scope: 'global', name: 'wait_timeout' },
      { kind: 'sysVar', scope: 'session', name: 'autocommit' },
      { kind: 'userVar', name: 'u' },
    ]);
  });

  it('rejects bad syntax with 1064 and unsupported statements with 1235', () => {
    expect(errno(() => parseStatement('SELEC 1'))).toBe(1064);
    expect(errno(() => parseStatement('SHOW PROCESSLIST'))).toBe(1235);
    expect(errno(() => parseStatement('DELETE t1, t2 FROM t1 JOIN t2 ON t1.a = t2.a'))).toBe(1235);
    expect(errno(() => parseStatement(''))).toBe(1065);
  });
});
