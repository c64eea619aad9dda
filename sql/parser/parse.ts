/**
 * The one entry point from SQL text to Atoll's syntax tree. Statements node-sql-parser's
 * grammar lacks or mangles (SHOW, SET, BEGIN/COMMIT/ROLLBACK, DESCRIBE, ANALYZE TABLE) are
 * parsed here by hand from tokens; everything else is normalized (normalize.ts), parsed by node-sql-parser
 * and converted (convert-ast.ts). A plan cache keyed by normalized text can sit in front of
 * `parseStatement` later.
 */
import { SqlError } from '../../src/base/errors.js';
import type { Expr } from '../ast/expr.js';
import type { TableName } from '../ast/query.js';
import type { SetAssignment, ShowStatement, Statement } from '../ast/statement.js';
import { unsupported } from '../errors.js';
import { convertStatement } from './convert-ast.js';
import { isWord, syntaxError, tokenize, type Token } from './lexer.js';
import { parseExternal } from './node-sql-parser.js';
import { normalizeTokens, selectItemTexts } from './normalize.js';
import { parseSchemaStatement } from './parse-schema.js';

/** A parsed statement and how many `?` placeholders it has. */
export interface ParsedStatement {
  readonly statement: Statement;
  readonly paramCount: number;
}

/** Parses one statement (no trailing `;`). Throws SqlError 1064/1235/1065. */
export function parseStatement(text: string): ParsedStatement {
  const tokens = tokenize(text);
  if (tokens.length === 0) throw new SqlError('EMPTY_QUERY', 'Query was empty');
  const hand = parseByHand(text, tokens) ?? parseSchemaStatement(text, tokens, (t) => parseStatement(t).statement);
  if (hand !== null) return { statement: hand, paramCount: tokens.filter((t) => t.kind === 'param').length };
  const normalized = normalizeTokens(text, tokens);
  let ast;
  try {
    ast = parseExternal(normalized.text);
  } catch (e) {
    if (e instanceof SqlError) throw e;
    throw externalSyntaxError(text, e);
  }
  let statement: Statement;
  try {
    statement = convertStatement(ast, { literals: normalized.literals, itemTexts: selectItemTexts(text, tokens) });
  } catch (e) {
    // A 10,000-deep expression exhausts the converter's stack: a syntax error for that statement.
    if (e instanceof RangeError) throw new SqlError('PARSE', 'You have an error in your SQL syntax; the expression nests too deeply');
    throw e;
  }
  return { statement, paramCount: normalized.paramCount };
}

function externalSyntaxError(text: string, e: unknown): SqlError {
  const loc = (e as { location?: { start?: { offset?: number } } }).location?.start?.offset;
  // The location is in the normalized text; the original is close enough for a message.
  return syntaxError(text, Math.min(loc ?? 0, text.length));
}

/** A cursor over tokens for the hand-written statements. */
class Cursor {
  pos = 0;
  constructor(readonly text: string, readonly tokens: readonly Token[]) {}
  peek(offset = 0): Token | undefined {
    return this.tokens[this.pos + offset];
  }
  atEnd(): boolean {
    return this.pos >= this.tokens.length;
  }
  word(w: string): boolean {
    if (isWord(this.peek(), w)) {
      this.pos++;
      return true;
    }
    return false;
  }
  expectWord(w: string): void {
    if (!this.word(w)) throw this.error();
  }
  punct(p: string): boolean {
    const t = this.peek();
    if (t !== undefined && (t.kind === 'punct' || t.kind === 'op') && t.text === p) {
      this.pos++;
      return true;
    }
    return false;
  }
  identifier(): string {
    const t = this.peek();
    if (t === undefined || (t.kind !== 'ident' && t.kind !== 'quoted' && t.kind !== 'string')) throw this.error();
    this.pos++;
    return t.value;
  }
  tableName(): TableName {
    const first = this.identifier();
    if (this.punct('.')) return { db: first, name: this.identifier() };
    return { db: null, name: first };
  }
  expectEnd(): void {
    if (!this.atEnd()) throw this.error();
  }
  error(): SqlError {
    const t = this.peek();
    return syntaxError(this.text, t === undefined ? this.text.length : t.start);
  }
}

function parseByHand(text: string, tokens: readonly Token[]): Statement | null {
  const c = new Cursor(text, tokens);
  const first = tokens[0]!;
  if (first.kind !== 'ident') return null;
  switch (first.text.toUpperCase()) {
    case 'BEGIN':
      c.pos = 1;
      c.word('WORK');
      c.expectEnd();
      return { kind: 'begin' };
    case 'START':
      c.pos = 1;
      c.expectWord('TRANSACTION');
      while (!c.atEnd()) c.pos++; // READ ONLY / READ WRITE / WITH CONSISTENT SNAPSHOT: accepted.
      return { kind: 'begin' };
    case 'COMMIT':
    case 'ROLLBACK':
      c.pos = 1;
      c.word('WORK');
      if (first.text.toUpperCase() === 'ROLLBACK' && c.word('TO')) {
        c.word('SAVEPOINT');
        const name = c.identifier();
        c.expectEnd();
        return { kind: 'savepoint', action: 'rollbackTo', name };
      }
      c.expectEnd();
      return { kind: first.text.toUpperCase() === 'COMMIT' ? 'commit' : 'rollback' };
    case 'SAVEPOINT': {
      c.pos = 1;
      const name = c.identifier();
      c.expectEnd();
      return { kind: 'savepoint', action: 'set', name };
    }
    case 'RELEASE': {
      c.pos = 1;
      c.expectWord('SAVEPOINT');
      const name = c.identifier();
      c.expectEnd();
      return { kind: 'savepoint', action: 'release', name };
    }
    case 'ALTER': {
      // ALTER TABLE t DISABLE|ENABLE KEYS (mysqldump writes it); every other ALTER goes to the grammar.
      c.pos = 1;
      if (!c.word('TABLE')) return null;
      const table = c.tableName();
      if (!(c.word('DISABLE') || c.word('ENABLE')) || !c.word('KEYS') || !c.atEnd()) return null;
      return { kind: 'alterTableKeys', table };
    }
    case 'LOCK': {
      // LOCK TABLE[S] t [[AS] alias] {READ [LOCAL] | [LOW_PRIORITY] WRITE} [, …]
      c.pos = 1;
      if (!c.word('TABLES')) c.expectWord('TABLE');
      const tables: { table: TableName; mode: 'READ' | 'WRITE' }[] = [];
      do {
        const table = c.tableName();
        if (c.word('AS')) c.identifier();
        else if (!isWord(c.peek(), 'READ') && !isWord(c.peek(), 'WRITE') && !isWord(c.peek(), 'LOW_PRIORITY')) c.identifier();
        if (c.word('READ')) {
          c.word('LOCAL');
          tables.push({ table, mode: 'READ' });
        } else {
          c.word('LOW_PRIORITY');
          c.expectWord('WRITE');
          tables.push({ table, mode: 'WRITE' });
        }
      } while (c.punct(','));
      c.expectEnd();
      return { kind: 'lockTables', tables };
    }
    case 'UNLOCK':
      c.pos = 1;
      if (!c.word('TABLES')) c.expectWord('TABLE');
      c.expectEnd();
      return { kind: 'unlockTables' };
    case 'SHOW':
      c.pos = 1;
      return { kind: 'show', show: parseShow(c) };
    case 'SET':
      c.pos = 1;
      return parseSet(c);
    case 'ANALYZE':
      c.pos = 1;
      return parseAnalyzeTable(c);
    case 'DESCRIBE':
    case 'DESC':
    case 'EXPLAIN': {
      c.pos = 1;
      if (first.text.toUpperCase() === 'EXPLAIN' || isWord(c.peek(), 'SELECT')) throw unsupported('EXPLAIN');
      const table = c.tableName();
      c.expectEnd();
      return { kind: 'describe', table };
    }
    default:
      return null;
  }
}

/** ANALYZE [NO_WRITE_TO_BINLOG | LOCAL] TABLE t [, t2 …] (histogram clauses are not supported). */
function parseAnalyzeTable(c: Cursor): Statement {
  if (!c.word('NO_WRITE_TO_BINLOG')) c.word('LOCAL');
  if (!c.word('TABLE')) c.expectWord('TABLES');
  const tables: TableName[] = [c.tableName()];
  while (c.punct(',')) tables.push(c.tableName());
  if (isWord(c.peek(), 'UPDATE') || isWord(c.peek(), 'DROP')) throw unsupported('ANALYZE TABLE … HISTOGRAM');
  c.expectEnd();
  return { kind: 'analyzeTable', tables };
}

function likeClause(c: Cursor): string | null {
  if (c.word('LIKE')) {
    const t = c.peek();
    if (t?.kind !== 'string') throw c.error();
    c.pos++;
    c.expectEnd();
    return t.value;
  }
  if (isWord(c.peek(), 'WHERE')) throw unsupported('SHOW … WHERE');
  c.expectEnd();
  return null;
}

function parseShow(c: Cursor): ShowStatement {
  const full = c.word('FULL');
  const global = c.word('GLOBAL');
  if (!global) c.word('SESSION');
  if (c.word('DATABASES') || c.word('SCHEMAS')) return { kind: 'showDatabases', like: likeClause(c) };
  if (c.word('TABLES')) {
    const db = c.word('FROM') || c.word('IN') ? c.identifier() : null;
    return { kind: 'showTables', db, full, like: likeClause(c) };
  }
  if (c.word('COLUMNS') || c.word('FIELDS')) {
    if (!c.word('FROM')) c.expectWord('IN');
    let table = c.tableName();
    if (c.word('FROM') || c.word('IN')) table = { db: c.identifier(), name: table.name };
    return { kind: 'showColumns', table, full, like: likeClause(c) };
  }
  if (c.word('CREATE')) {
    if (c.word('DATABASE') || c.word('SCHEMA')) throw unsupported('SHOW CREATE DATABASE');
    if (c.word('VIEW')) {
      const view = c.tableName();
      c.expectEnd();
      return { kind: 'showCreateView', view };
    }
    if (c.word('TRIGGER')) {
      const trigger = c.tableName();
      c.expectEnd();
      return { kind: 'showCreateTrigger', trigger };
    }
    c.expectWord('TABLE');
    const table = c.tableName();
    c.expectEnd();
    return { kind: 'showCreateTable', table };
  }
  if (c.word('INDEX') || c.word('INDEXES') || c.word('KEYS')) {
    if (!c.word('FROM')) c.expectWord('IN');
    let table = c.tableName();
    if (c.word('FROM') || c.word('IN')) table = { db: c.identifier(), name: table.name };
    c.expectEnd();
    return { kind: 'showIndex', table };
  }
  if (c.word('VARIABLES')) return { kind: 'showVariables', global, like: likeClause(c) };
  if (c.word('STATUS')) return { kind: 'showStatus', like: likeClause(c) };
  if (c.word('WARNINGS') || c.word('ERRORS')) {
    const errorsOnly = isWord(c.tokens[c.pos - 1], 'ERRORS');
    if (c.word('LIMIT')) while (!c.atEnd()) c.pos++;
    c.expectEnd();
    return { kind: 'showWarnings', errorsOnly };
  }
  if (c.word('ENGINES')) {
    c.expectEnd();
    return { kind: 'showEngines' };
  }
  if (c.word('COLLATION')) return { kind: 'showCollation', like: likeClause(c) };
  if (c.word('CHARACTER')) {
    c.expectWord('SET');
    return { kind: 'showCharset', like: likeClause(c) };
  }
  if (c.word('CHARSET')) return { kind: 'showCharset', like: likeClause(c) };
  const what = c.atEnd() ? '' : c.peek()!.text.toUpperCase();
  throw unsupported(`SHOW ${what}`.trim());
}

function parseSet(c: Cursor): Statement {
  if (c.word('NAMES')) {
    const charset = c.identifier();
    const collation = c.word('COLLATE') ? c.identifier() : null;
    c.expectEnd();
    return { kind: 'set', assignments: [{ target: { kind: 'names', charset, collation }, value: null }] };
  }
  if (isWord(c.peek(), 'CHARACTER') && isWord(c.peek(1), 'SET')) {
    c.pos += 2;
    const charset = c.identifier();
    c.expectEnd();
    return { kind: 'set', assignments: [{ target: { kind: 'names', charset, collation: null }, value: null }] };
  }
  const scopeWord = isWord(c.peek(), 'GLOBAL') ? 'global' : isWord(c.peek(), 'SESSION') || isWord(c.peek(), 'LOCAL') ? 'session' : null;
  if (scopeWord !== null && isWord(c.peek(1), 'TRANSACTION')) c.pos++;
  if (c.word('TRANSACTION')) return parseSetTransaction(c, scopeWord ?? 'session');
  const assignments: SetAssignment[] = [];
  for (;;) {
    assignments.push(parseAssignment(c));
    if (c.atEnd()) break;
    if (!c.punct(',')) throw c.error();
  }
  return { kind: 'set', assignments };
}

function parseSetTransaction(c: Cursor, scope: 'session' | 'global'): Statement {
  if (c.word('ISOLATION')) {
    c.expectWord('LEVEL');
    const words: string[] = [];
    while (!c.atEnd() && !isWord(c.peek(), ',')) words.push(c.identifier().toUpperCase());
    const level = words.join('-');
    const literal: Expr = { kind: 'literal', literal: { kind: 'string', value: level } };
    return { kind: 'set', assignments: [{ target: { kind: 'sysVar', scope, name: 'transaction_isolation' }, value: literal }] };
  }
  if (c.word('READ')) {
    const ro = c.word('ONLY');
    if (!ro) c.expectWord('WRITE');
    c.expectEnd();
    return { kind: 'set', assignments: [{ target: { kind: 'sysVar', scope, name: 'transaction_read_only' }, value: { kind: 'literal', literal: { kind: 'int', value: ro ? 1n : 0n } } }] };
  }
  throw c.error();
}

function parseAssignment(c: Cursor): SetAssignment {
  let scope: 'session' | 'global' = 'session';
  let target: SetAssignment['target'];
  const t = c.peek();
  if (t === undefined) throw c.error();
  if (t.kind === 'var' && !t.value.startsWith('@@')) {
    c.pos++;
    target = { kind: 'userVar', name: t.value.slice(1).toLowerCase() };
  } else {
    if (t.kind === 'var') {
      c.pos++;
      const parts = t.value.slice(2).split('.');
      if (parts.length === 2 && /^(global|session|local)$/i.test(parts[0]!)) scope = parts[0]!.toLowerCase() === 'global' ? 'global' : 'session';
      target = { kind: 'sysVar', scope, name: parts[parts.length - 1]!.toLowerCase() };
    } else {
      if (c.word('GLOBAL')) scope = 'global';
      else if (c.word('SESSION') || c.word('LOCAL')) scope = 'session';
      target = { kind: 'sysVar', scope, name: c.identifier().toLowerCase() };
    }
  }
  if (!c.punct('=') && !c.punct(':=')) throw c.error();
  return { target, value: parseSetValue(c) };
}

/** The value of one SET assignment: a bare word (ON, OFF, DEFAULT, utf8mb4) or an expression. */
function parseSetValue(c: Cursor): Expr {
  const start = c.pos;
  let depth = 0;
  while (!c.atEnd()) {
    const t = c.peek()!;
    if (t.text === '(') depth++;
    else if (t.text === ')') depth--;
    else if (t.text === ',' && depth === 0) break;
    c.pos++;
  }
  if (c.pos === start) throw c.error();
  const first = c.tokens[start]!;
  if (c.pos === start + 1 && first.kind === 'ident') {
    const w = first.text.toUpperCase();
    if (w === 'DEFAULT') return { kind: 'default' };
    if (w !== 'NULL' && w !== 'TRUE' && w !== 'FALSE') return { kind: 'literal', literal: { kind: 'string', value: first.text } };
  }
  const exprText = c.text.slice(first.start, c.tokens[c.pos - 1]!.end);
  const parsed = parseStatement(`SELECT ${exprText}`).statement;
  if (parsed.kind !== 'query' || parsed.query.kind !== 'select' || parsed.query.items.length !== 1) throw c.error();
  const item = parsed.query.items[0]!;
  if (item.kind !== 'expr') throw c.error();
  return item.expr;
}
