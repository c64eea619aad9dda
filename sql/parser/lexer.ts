/**
 * A small MySQL lexer. It serves what must happen before (or instead of) the full parser:
 * splitting a COM_QUERY text into statements, counting `?` placeholders, recognizing the
 * statements Atoll parses by hand (SHOW, SET, BEGIN …), finding the text of each select-list
 * item (MySQL names unaliased result columns after it), the token-level normalization that
 * lets node-sql-parser accept the sqllogictest corpus, and the plan cache's parameterization
 * (`parameterize`: literals out, a cache key in; see sql/DESIGN.md, "Plan cache").
 *
 * It runs on every statement, so it scans character codes by hand: no regular expression
 * per character and no slicing of the rest of the text per token.
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

const multiOps = ['<=>', '<=', '>=', '<>', '!=', '||', '&&', ':=', '<<', '>>', '->>', '->'];
const unicodeSpace = /\s/;

function isSpace(c: number): boolean {
  if (c === 32 || (c >= 9 && c <= 13)) return true;
  return c >= 128 && unicodeSpace.test(String.fromCharCode(c));
}
function isDigit(c: number): boolean {
  return c >= 48 && c <= 57;
}
function isIdentStart(c: number): boolean {
  return (c >= 65 && c <= 90) || (c >= 97 && c <= 122) || c === 95 || c === 36 || c >= 128;
}
function isIdentPart(c: number): boolean {
  return isIdentStart(c) || isDigit(c);
}

/** Tokenizes `text`; comments and white space are dropped. Throws SqlError 1064 on a bad token. */
export function tokenize(text: string): Token[] {
  const tokens: Token[] = [];
  const n = text.length;
  let i = 0;
  while (i < n) {
    const c = text.charCodeAt(i);
    if (isSpace(c)) {
      i++;
    } else if (c === 35 /* # */ || (c === 45 /* - */ && text.charCodeAt(i + 1) === 45 && (i + 2 >= n || isSpace(text.charCodeAt(i + 2))))) {
      while (i < n && text.charCodeAt(i) !== 10) i++;
    } else if (c === 47 /* / */ && text.charCodeAt(i + 1) === 42 /* * */) {
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
  const c = text.charCodeAt(i);
  if (c === 39 || c === 34) return readString(text, i, text[i]!);
  if (c === 96 /* ` */) return readQuotedIdent(text, i);
  if (isDigit(c) || (c === 46 && isDigit(text.charCodeAt(i + 1)))) return readNumber(text, i);
  if (c === 63 /* ? */) return { kind: 'param', text: '?', value: '?', start: i, end: i + 1 };
  if (c === 64 /* @ */) return readVariable(text, i);
  if (isIdentStart(c)) {
    let j = i + 1;
    while (j < text.length && isIdentPart(text.charCodeAt(j))) j++;
    const word = text.slice(i, j);
    return { kind: 'ident', text: word, value: word, start: i, end: j };
  }
  for (const op of multiOps) {
    if (text.startsWith(op, i)) return { kind: 'op', text: op, value: op, start: i, end: i + op.length };
  }
  const ch = text[i]!;
  if ('(),;.'.includes(ch)) return { kind: 'punct', text: ch, value: ch, start: i, end: i + 1 };
  if ('+-*/%=<>!~^&|:'.includes(ch)) return { kind: 'op', text: ch, value: ch, start: i, end: i + 1 };
  throw syntaxError(text, i);
}

function readQuotedIdent(text: string, i: number): Token {
  let j = i + 1;
  let value = '';
  for (;;) {
    if (j >= text.length) throw syntaxError(text, i);
    if (text.charCodeAt(j) === 96) {
      if (text.charCodeAt(j + 1) === 96) { value += '`'; j += 2; continue; }
      break;
    }
    value += text[j];
    j++;
  }
  return { kind: 'quoted', text: text.slice(i, j + 1), value, start: i, end: j + 1 };
}

function readVariable(text: string, i: number): Token {
  let j = i + 1;
  if (text.charCodeAt(j) === 64) j++;
  const q = text.charCodeAt(j);
  if (q === 96 || q === 39 || q === 34) {
    const inner = readToken(text, j);
    return { kind: 'var', text: text.slice(i, inner.end), value: text.slice(i, j) + inner.value, start: i, end: inner.end };
  }
  while (j < text.length && (isIdentPart(text.charCodeAt(j)) || text.charCodeAt(j) === 46)) j++;
  return { kind: 'var', text: text.slice(i, j), value: text.slice(i, j), start: i, end: j };
}

const escapes: Record<string, string> = { '0': '\0', "'": "'", '"': '"', b: '\b', n: '\n', r: '\r', t: '\t', Z: '\x1a', '\\': '\\' };

function readString(text: string, i: number, quote: string): Token {
  const q = quote.charCodeAt(0);
  let j = i + 1;
  let value = '';
  let runStart = j;
  for (;;) {
    if (j >= text.length) throw syntaxError(text, i);
    const ch = text.charCodeAt(j);
    if (ch === 92 /* \ */ && j + 1 < text.length) {
      value += text.slice(runStart, j);
      const next = text[j + 1]!;
      // MySQL keeps the backslash of \% and \_ (they mean something to LIKE).
      value += escapes[next] ?? (next === '%' || next === '_' ? '\\' + next : next);
      j += 2;
      runStart = j;
    } else if (ch === q) {
      if (text.charCodeAt(j + 1) === q) {
        value += text.slice(runStart, j + 1);
        j += 2;
        runStart = j;
        continue;
      }
      break;
    } else {
      j++;
    }
  }
  value += text.slice(runStart, j);
  return { kind: 'string', text: text.slice(i, j + 1), value, start: i, end: j + 1 };
}

function isHexDigit(c: number): boolean {
  return isDigit(c) || (c >= 65 && c <= 70) || (c >= 97 && c <= 102);
}

function readNumber(text: string, i: number): Token {
  const n = text.length;
  if (text.charCodeAt(i) === 48 && text.charCodeAt(i + 1) === 120 /* x */ && isHexDigit(text.charCodeAt(i + 2))) {
    let j = i + 2;
    while (j < n && isHexDigit(text.charCodeAt(j))) j++;
    const hex = text.slice(i, j);
    return { kind: 'number', text: hex, value: hex, start: i, end: j };
  }
  let j = i;
  while (j < n && isDigit(text.charCodeAt(j))) j++;
  let dot = false;
  if (text.charCodeAt(j) === 46) {
    dot = true;
    j++;
    while (j < n && isDigit(text.charCodeAt(j))) j++;
  }
  const e = text.charCodeAt(j);
  if (e === 101 || e === 69) {
    let k = j + 1;
    const sign = text.charCodeAt(k);
    if (sign === 43 || sign === 45) k++;
    if (isDigit(text.charCodeAt(k))) {
      while (k < n && isDigit(text.charCodeAt(k))) k++;
      j = k;
    }
  }
  // "1abc" is an identifier in MySQL when letters follow digits directly.
  if (j < n && isIdentPart(text.charCodeAt(j)) && !isDigit(text.charCodeAt(j)) && !dot) {
    let k = j;
    while (k < n && isIdentPart(text.charCodeAt(k))) k++;
    const word = text.slice(i, k);
    return { kind: 'ident', text: word, value: word, start: i, end: k };
  }
  const s = text.slice(i, j);
  return { kind: 'number', text: s, value: s, start: i, end: j };
}

/** SqlError 1064 pointing at `offset` of `text`, worded like MySQL's. */
export function syntaxError(text: string, offset: number): SqlError {
  const near = text.slice(offset, offset + 80);
  const line = text.slice(0, offset).split('\n').length;
  return new SqlError('PARSE', `You have an error in your SQL syntax; check the manual that corresponds to your MySQL server version for the right syntax to use near '${near}' at line ${line}`);
}

/** One statement of a COM_QUERY text: its trimmed text and its tokens (offsets into that text). */
export interface StatementText {
  readonly text: string;
  readonly tokens: readonly Token[];
  /** Where the trimmed text starts in the whole COM_QUERY text. */
  readonly offset: number;
}

/** The MySQL version executable comments are run for: `/*!80036 …` and older run, newer stay comments. */
const executableCommentVersion = 80036;

/**
 * `text` with MySQL's executable comments opened: a comment opened by `/*!NNNNN` (or `/*!`)
 * whose version is at most ours becomes its body, the opener and the closing star-slash
 * replaced by blanks of the same length so every offset stays where it was. A newer version,
 * MariaDB's `/*M!`, an optimizer hint `/*+` and every other comment stay comments. Quotes and
 * comments are understood, so `/*!` inside a string is text. mysqldump writes its SET
 * statements this way.
 */
export function openExecutableComments(text: string): string {
  if (!text.includes('/*!')) return text;
  const out = text.split('');
  let i = 0;
  const n = text.length;
  while (i < n) {
    const c = text[i]!;
    if (c === "'" || c === '"' || c === '`') {
      i = skipQuoted(text, i, c);
    } else if (c === '#' || (c === '-' && text[i + 1] === '-' && (i + 2 >= n || isSpace(text.charCodeAt(i + 2))))) {
      while (i < n && text[i] !== '\n') i++;
    } else if (c === '/' && text[i + 1] === '*') {
      const close = text.indexOf('*/', i + 2);
      if (close < 0) return out.join(''); // the tokenizer reports the unclosed comment
      const version = /^!(\d{5,6})?/.exec(text.slice(i + 2, i + 9));
      if (version !== null && (version[1] === undefined || Number(version[1]) <= executableCommentVersion)) {
        const opener = 2 + version[0].length;
        for (let k = i; k < i + opener; k++) out[k] = ' ';
        out[close] = ' ';
        out[close + 1] = ' ';
        i += opener; // the body is SQL: scan it for quotes like any other text
      } else {
        i = close + 2;
      }
    } else {
      i++;
    }
  }
  return out.join('');
}

/** The index after the quoted string or identifier opened by `quote` at `start` (or the end). */
function skipQuoted(text: string, start: number, quote: string): number {
  let i = start + 1;
  while (i < text.length) {
    const c = text[i]!;
    if (c === '\\' && quote !== '`') i += 2;
    else if (c === quote && text[i + 1] === quote) i += 2;
    else if (c === quote) return i + 1;
    else i++;
  }
  return text.length;
}

/**
 * The statements of one COM_QUERY text with their tokens, split on `;` outside quotes and
 * comments, blanks dropped. The text is tokenized once; a lone statement keeps its tokens.
 * Executable comments are opened first (`openExecutableComments`).
 */
export function splitStatementTexts(sqlText: string): StatementText[] {
  const text = openExecutableComments(sqlText);
  const tokens = tokenize(text);
  const out: StatementText[] = [];
  let start = 0;
  let first = 0;
  for (let i = 0; i <= tokens.length; i++) {
    const t = tokens[i];
    if (t !== undefined && !(t.kind === 'punct' && t.text === ';')) continue;
    if (i > first) {
      const raw = text.slice(start, t === undefined ? text.length : t.start);
      const lead = raw.length - raw.trimStart().length;
      const stmtText = raw.trim();
      const shift = start + lead;
      const own = tokens.slice(first, i);
      out.push({ text: stmtText, tokens: shift === 0 ? own : own.map((k) => ({ ...k, start: k.start - shift, end: k.end - shift })), offset: shift });
    }
    if (t !== undefined) start = t.end;
    first = i + 1;
  }
  return out;
}

/** The statements of one COM_QUERY text, split on `;` outside quotes and comments, blanks dropped. */
export function splitStatements(text: string): string[] {
  return splitStatementTexts(text).map((s) => s.text);
}

/** True when `token` is the keyword `word` (case-insensitive, unquoted). */
export function isWord(token: Token | undefined, word: string): boolean {
  return token !== undefined && token.kind === 'ident' && token.text.length === word.length && token.text.toUpperCase() === word;
}

// ---- Parameterization for the plan cache ----

/** What kind of literal a plan-cache slot holds. */
export type SlotKind = 'int' | 'string';

/** One literal lifted out of a statement by `parameterize`. */
export interface LiteralSlot {
  readonly kind: SlotKind;
  /** The literal's value: a bigint for 'int', the decoded string for 'string'. */
  readonly value: bigint | string;
  /** The literal as written (MySQL names unaliased result columns after the source text). */
  readonly source: string;
  readonly start: number;
  readonly end: number;
}

/** A statement with its literals lifted out: `key` is equal for texts that differ only in them. */
export interface ParameterizedStatement {
  readonly key: string;
  readonly slots: readonly LiteralSlot[];
}

/** Statements whose literals are lifted; others (DDL, SET, SHOW …) are keyed by their whole text. */
const cacheableFirstWords = new Set(['SELECT', 'INSERT', 'UPDATE', 'DELETE', 'REPLACE', 'WITH']);
/** Type names whose `(n[, m])` arguments are part of the type, not values. */
const typeNames = new Set([
  'CHAR', 'VARCHAR', 'NCHAR', 'NVARCHAR', 'BINARY', 'VARBINARY', 'DECIMAL', 'DEC', 'NUMERIC', 'FIXED', 'FLOAT', 'DOUBLE', 'REAL',
  'INT', 'INTEGER', 'TINYINT', 'SMALLINT', 'MEDIUMINT', 'BIGINT', 'BIT', 'DATETIME', 'TIME', 'TIMESTAMP', 'YEAR', 'TEXT', 'BLOB',
]);
/** Integers with more digits stay in the key: the grammar reads them through a JS number. */
const intSlotDigitsMax = 15;

/**
 * Lifts the literals of one statement out of its text (DESIGN.md, "Plan cache"): integers of
 * at most 15 digits and lone string literals become slots; in `key` each is replaced by a
 * marker of its kind (a NUL byte, which cannot occur outside a literal). Everything else —
 * white space, comments, `?`, decimals, type arguments like CHAR(10), strings with an
 * introducer or next to another string — stays in the key as written. Returns a key without
 * slots for statements that are not queries or DML.
 */
export function parameterize(text: string, tokens: readonly Token[]): ParameterizedStatement {
  const first = tokens[0];
  if (first === undefined || !(first.text === '(' || (first.kind === 'ident' && cacheableFirstWords.has(first.text.toUpperCase())))) {
    return { key: text, slots: [] };
  }
  const slots: LiteralSlot[] = [];
  const parts: string[] = [];
  const typeParens: boolean[] = [];
  let last = 0;
  for (let i = 0; i < tokens.length; i++) {
    const t = tokens[i]!;
    if (t.kind === 'punct') {
      if (t.text === '(') {
        const prev = tokens[i - 1];
        typeParens.push(prev !== undefined && prev.kind === 'ident' && typeNames.has(prev.text.toUpperCase()));
      } else if (t.text === ')') typeParens.pop();
      continue;
    }
    const kind = slotKindOf(tokens, i, typeParens[typeParens.length - 1] === true);
    if (kind === null) continue;
    parts.push(text.slice(last, t.start), kind === 'int' ? '\0i' : '\0s');
    last = t.end;
    slots.push({ kind, value: kind === 'int' ? BigInt(t.text) : t.value, source: t.text, start: t.start, end: t.end });
  }
  if (slots.length === 0) return { key: text, slots };
  parts.push(text.slice(last));
  return { key: parts.join(''), slots };
}

function slotKindOf(tokens: readonly Token[], i: number, inTypeArgs: boolean): SlotKind | null {
  const t = tokens[i]!;
  if (t.kind === 'number') {
    if (inTypeArgs || t.text.length > intSlotDigitsMax) return null;
    for (let k = 0; k < t.text.length; k++) if (!isDigit(t.text.charCodeAt(k))) return null;
    return 'int';
  }
  if (t.kind === 'string') {
    const prev = tokens[i - 1];
    const next = tokens[i + 1];
    if (prev?.kind === 'string' || next?.kind === 'string') return null;
    // _utf8mb4'x', N'x', X'41', B'01': the prefix changes what the literal is.
    if (prev !== undefined && prev.kind === 'ident' && prev.end === t.start) return null;
    return 'string';
  }
  return null;
}
