/**
 * Hand-written parsers for statements node-sql-parser's grammar lacks or mangles: CREATE/DROP
 * VIEW (the view's query is kept as text and parsed again by the one entry point),
 * CREATE/DROP TRIGGER (only an empty `BEGIN END` body: Atoll runs no stored programs yet)
 * and TRUNCATE [TABLE].
 */
import { SqlError } from '../../src/base/errors.js';
import type { TableName } from '../ast/query.js';
import type { SchemaStatement } from '../ast/statement.js';
import { unsupported } from '../errors.js';
import type { Statement } from '../ast/statement.js';
import { isWord, syntaxError, type Token } from './lexer.js';

/** Parses the text of a view's query (parse.ts's entry point, passed in to keep imports one-way). */
export type ParseText = (text: string) => Statement;

/** A small cursor over the tokens of one statement. */
class Tokens {
  pos = 0;
  constructor(readonly text: string, readonly tokens: readonly Token[]) {}
  peek(offset = 0): Token | undefined {
    return this.tokens[this.pos + offset];
  }
  word(w: string): boolean {
    if (!isWord(this.peek(), w)) return false;
    this.pos++;
    return true;
  }
  expectWord(w: string): void {
    if (!this.word(w)) throw this.error();
  }
  punct(p: string): boolean {
    const t = this.peek();
    if (t === undefined || (t.kind !== 'punct' && t.kind !== 'op') || t.text !== p) return false;
    this.pos++;
    return true;
  }
  identifier(): string {
    const t = this.peek();
    if (t === undefined || (t.kind !== 'ident' && t.kind !== 'quoted')) throw this.error();
    this.pos++;
    return t.value;
  }
  name(): TableName {
    const first = this.identifier();
    if (this.punct('.')) return { db: first, name: this.identifier() };
    return { db: null, name: first };
  }
  atEnd(): boolean {
    return this.pos >= this.tokens.length;
  }
  expectEnd(): void {
    if (!this.atEnd()) throw this.error();
  }
  error(): SqlError {
    const t = this.peek();
    return syntaxError(this.text, t === undefined ? this.text.length : t.start);
  }
}

/** Parses a view, trigger or TRUNCATE statement; null when `tokens` start another statement. */
export function parseSchemaStatement(text: string, tokens: readonly Token[], parse: ParseText): SchemaStatement | null {
  const c = new Tokens(text, tokens);
  if (c.word('TRUNCATE')) {
    c.word('TABLE');
    const table = c.name();
    c.expectEnd();
    return { kind: 'truncate', table };
  }
  if (c.word('DROP')) {
    const what = c.word('VIEW') ? 'view' : c.word('TRIGGER') ? 'trigger' : null;
    if (what === null) return null;
    const ifExists = c.word('IF') ? (c.expectWord('EXISTS'), true) : false;
    const names: TableName[] = [c.name()];
    while (c.punct(',')) names.push(c.name());
    c.word('RESTRICT') || c.word('CASCADE');
    c.expectEnd();
    if (what === 'view') return { kind: 'dropView', views: names, ifExists };
    if (names.length !== 1) throw c.error();
    return { kind: 'dropTrigger', name: names[0]!, ifExists };
  }
  if (!c.word('CREATE')) return null;
  const orReplace = c.word('OR') ? (c.expectWord('REPLACE'), true) : false;
  skipViewOptions(c);
  if (isWord(c.peek(), 'VIEW')) return parseCreateView(c, orReplace, parse);
  if (isWord(c.peek(), 'TRIGGER')) return parseCreateTrigger(c);
  if (orReplace) throw c.error();
  return null;
}

/** ALGORITHM = x, DEFINER = user, SQL SECURITY x: accepted and ignored (one definer, no privileges yet). */
function skipViewOptions(c: Tokens): void {
  for (;;) {
    if (c.word('ALGORITHM')) {
      c.punct('=');
      c.identifier();
    } else if (c.word('DEFINER')) {
      c.punct('=');
      c.pos++;
      if (c.peek()?.kind === 'var') c.pos++;
      else if (c.punct('@')) c.pos++;
    } else if (c.word('SQL')) {
      c.expectWord('SECURITY');
      c.identifier();
    } else return;
  }
}

function parseCreateView(c: Tokens, orReplace: boolean, parse: ParseText): SchemaStatement {
  c.expectWord('VIEW');
  const view = c.name();
  let columns: string[] | null = null;
  if (c.punct('(')) {
    columns = [c.identifier()];
    while (c.punct(',')) columns.push(c.identifier());
    if (!c.punct(')')) throw c.error();
  }
  c.expectWord('AS');
  const start = c.peek();
  if (start === undefined) throw c.error();
  let endToken = c.tokens.length;
  const n = c.tokens.length;
  // WITH [CASCADED | LOCAL] CHECK OPTION at the end: accepted; views here are read through only.
  if (n >= 3 && isWord(c.tokens[n - 1], 'OPTION') && isWord(c.tokens[n - 2], 'CHECK')) {
    endToken = n - 2;
    if (isWord(c.tokens[endToken - 1], 'CASCADED') || isWord(c.tokens[endToken - 1], 'LOCAL')) endToken--;
    if (!isWord(c.tokens[endToken - 1], 'WITH')) throw c.error();
    endToken--;
  }
  const selectText = c.text.slice(start.start, c.tokens[endToken - 1]!.end);
  const parsed = parse(selectText);
  if (parsed.kind !== 'query') throw syntaxError(c.text, start.start);
  return { kind: 'createView', view, columns, orReplace, selectText, query: parsed.query };
}

function parseCreateTrigger(c: Tokens): SchemaStatement {
  c.expectWord('TRIGGER');
  const name = c.name();
  const timing = c.word('BEFORE') ? 'BEFORE' : c.word('AFTER') ? 'AFTER' : null;
  if (timing === null) throw c.error();
  const event = c.word('INSERT') ? 'INSERT' : c.word('UPDATE') ? 'UPDATE' : c.word('DELETE') ? 'DELETE' : null;
  if (event === null) throw c.error();
  c.expectWord('ON');
  const table = c.name();
  c.expectWord('FOR');
  c.expectWord('EACH');
  c.expectWord('ROW');
  if (c.word('FOLLOWS') || c.word('PRECEDES')) c.identifier();
  if (!(c.word('BEGIN') && c.word('END') && c.atEnd())) {
    if (c.atEnd()) throw c.error();
    throw unsupported('triggers with a body (stored programs)');
  }
  return { kind: 'createTrigger', name, table, timing, event };
}
