/**
 * A small MySQL lexer. It serves what must happen before (or instead of) the full parser:
 * splitting a COM_QUERY text into statements, counting `?` placeholders, recognizing the
 * statements Atoll parses by hand (SHOW, SET, BEGIN …), finding the text of each select-list
 * item (MySQL names unaliased result columns after it), and the token-level normalization that
 * lets node-sql-parser accept the sqllogictest corpus (see sql/DESIGN.md).
 */
import { SqlError } from '../../src/base/errors.js';

/** Kinds of token. */
export type TokenKind = 'ident' | 'quoted' | 'string' | 'number' | 'param' | 'var' | 'op' | 'punct';

/** One token with its place in the source text. */
export interface Token {
  readonly kind: TokenKind;
  /** Source text of the token. */
  readonly text: string;
  /** For 'string': the decoded value; for 'quoted': the identifier; for 'var': the name after @ or @@. */
  readonly value: string;
  readonly start: number;
  readonly end: number;
}

const identStart = /[A-Za-z_$\u0080-\uffff]/;
const identPart = /[A-Za-z0-9_$\u0080-\uffff]/;
const multiOps = ['<=>', '<=', '>=', '<>', '!=', '||', '&&', ':=', '<<', '>>', '->>', '->'];

/** Tokenizes `text`; comments and white space are dropped. Throws SqlError 1064 on a bad token. */
export function tokenize(text: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  while (i < text.length) {
    const c = text[i]!;
    if (/\s/.test(c)) {
      i++;
    } else if (c === '#' || (c === '-' && text.startsWith('--', i) && (i + 2 >= text.length || /\s/.test(text[i + 2]!)))) {
      while (i < text.length && text[i] !== '\n') i++;
    } else if (text.startsWith('/*', i)) {
      const close = text.indexOf('*/', i + 2);
      if (close < 0) throw syntaxError(text, i);
      i = close + 2;
    } else {
      const token = readToken(text, i);
      tokens.push(token);
      i = token.end;
    }
  }
  return tokens;
}

function readToken(text: string, i: number): Token {
  const c = text[i]!;
  if (c === "'" || c === '"') return readString(text, i, c);
  if (c === '`') {
    let j = i + 1;
    let value = '';
    for (;;) {
      if (j >= text.length) throw syntaxError(text, i);
      if (text[j] === '`') {
        if (text[j + 1] === '`') { value += '`'; j += 2; continue; }
        break;
      }
      value += text[j];
      j++;
    }
    return { kind: 'quoted', text: text.slice(i, j + 1), value, start: i, end: j + 1 };
  }
  if (/[0-9]/.test(c) || (c === '.' && /[0-9]/.test(text[i + 1] ?? ''))) return readNumber(text, i);
  if (c === '?') return { kind: 'param', text: '?', value: '?', start: i, end: i + 1 };
  if (c === '@') {
    let j = i + 1;
    if (text[j] === '@') j++;
    if (text[j] === '`' || text[j] === "'" || text[j] === '"') {
      const inner = readToken(text, j);
      return { kind: 'var', text: text.slice(i, inner.end), value: text.slice(i, j) + inner.value, start: i, end: inner.end };
    }
    while (j < text.length && (identPart.test(text[j]!) || text[j] === '.')) j++;
    return { kind: 'var', text: text.slice(i, j), value: text.slice(i, j), start: i, end: j };
  }
  if (identStart.test(c)) {
    let j = i + 1;
    while (j < text.length && identPart.test(text[j]!)) j++;
    const word = text.slice(i, j);
    return { kind: 'ident', text: word, value: word, start: i, end: j };
  }
  for (const op of multiOps) {
    if (text.startsWith(op, i)) return { kind: 'op', text: op, value: op, start: i, end: i + op.length };
  }
  if ('(),;.'.includes(c)) return { kind: 'punct', text: c, value: c, start: i, end: i + 1 };
  if ('+-*/%=<>!~^&|:'.includes(c)) return { kind: 'op', text: c, value: c, start: i, end: i + 1 };
  throw syntaxError(text, i);
}

const escapes: Record<string, string> = { '0': '\0', "'": "'", '"': '"', b: '\b', n: '\n', r: '\r', t: '\t', Z: '\x1a', '\\': '\\' };

function readString(text: string, i: number, quote: string): Token {
  let j = i + 1;
  let value = '';
  for (;;) {
    if (j >= text.length) throw syntaxError(text, i);
    const ch = text[j]!;
    if (ch === '\\' && j + 1 < text.length) {
      const next = text[j + 1]!;
      // MySQL keeps the backslash of \% and \_ (they mean something to LIKE).
      value += escapes[next] ?? (next === '%' || next === '_' ? '\\' + next : next);
      j += 2;
    } else if (ch === quote) {
      if (text[j + 1] === quote) { value += quote; j += 2; continue; }
      break;
    } else {
      value += ch;
      j++;
    }
  }
  return { kind: 'string', text: text.slice(i, j + 1), value, start: i, end: j + 1 };
}

function readNumber(text: string, i: number): Token {
  const hex = /^0x[0-9a-fA-F]+/.exec(text.slice(i, i + 200));
  if (hex !== null) return { kind: 'number', text: hex[0], value: hex[0], start: i, end: i + hex[0].length };
  const m = /^(\d*\.?\d*)([eE][+-]?\d+)?/.exec(text.slice(i));
  const s = m![0];
  const end = i + s.length;
  // "1abc" is an identifier in MySQL when letters follow digits directly.
  if (end < text.length && identPart.test(text[end]!) && !/[0-9]/.test(text[end]!)) {
    let j = end;
    while (j < text.length && identPart.test(text[j]!)) j++;
    if (!s.includes('.')) return { kind: 'ident', text: text.slice(i, j), value: text.slice(i, j), start: i, end: j };
  }
  return { kind: 'number', text: s, value: s, start: i, end };
}

/** SqlError 1064 pointing at `offset` of `text`, worded like MySQL's. */
export function syntaxError(text: string, offset: number): SqlError {
  const near = text.slice(offset, offset + 80);
  const line = text.slice(0, offset).split('\n').length;
  return new SqlError('PARSE', `You have an error in your SQL syntax; check the manual that corresponds to your MySQL server version for the right syntax to use near '${near}' at line ${line}`);
}

/** The statements of one COM_QUERY text, split on `;` outside quotes and comments, blanks dropped. */
export function splitStatements(text: string): string[] {
  const tokens = tokenize(text);
  const out: string[] = [];
  let start = 0;
  let sawToken = false;
  for (const t of tokens) {
    if (t.kind === 'punct' && t.text === ';') {
      if (sawToken) out.push(text.slice(start, t.start).trim());
      start = t.end;
      sawToken = false;
    } else {
      sawToken = true;
    }
  }
  if (sawToken) out.push(text.slice(start).trim());
  return out;
}

/** True when `token` is the keyword `word` (case-insensitive, unquoted). */
export function isWord(token: Token | undefined, word: string): boolean {
  return token !== undefined && token.kind === 'ident' && token.text.toUpperCase() === word;
}
