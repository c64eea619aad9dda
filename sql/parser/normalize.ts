/**
 * Token-level rewriting before node-sql-parser sees a statement (DESIGN.md, "Hot paths"):
 *
 * - `SELECT ALL` and `AGG(ALL x)`: the redundant ALL is dropped.
 * - `AGG(DISTINCT expr)`: the argument is parenthesized, which the grammar accepts.
 * - `NOT (` and `CASE (` become `NOT +(` / `CASE +(`: NOT keeps MySQL's low precedence
 *   (`NOT (a) IS NULL`) and the grammar accepts `CASE (x) WHEN`.
 * - String literals, `?` placeholders and literals the grammar misreads (`1e3`, `0x41`) become
 *   `'$atoll_lit_N'` tokens; the converter maps them back through `literals`, so escapes,
 *   adjacent-string concatenation and placeholder numbering follow MySQL, not the grammar.
 * - `DEFAULT` as a value (`VALUES (1, DEFAULT)`) becomes a call `__atoll_default()`.
 * - `CURRENT_USER` without parentheses becomes `CURRENT_USER()`.
 * - `<=>` becomes `!=` and `!=` becomes `<>` (the grammar lacks `<=>`; convert-ast maps back).
 * - `VALUES ()` becomes `VALUES (__atoll_empty_row())`; an empty column list `INSERT INTO t ()` goes.
 */
import { isWord, syntaxError, type Token } from './lexer.js';

/** A literal lifted out of the text by normalization. */
export type LiftedLiteral =
  | { readonly kind: 'string'; readonly value: string }
  | { readonly kind: 'float'; readonly text: string }
  | { readonly kind: 'hex'; readonly text: string }
  | { readonly kind: 'param'; readonly index: number }
  /** A long IN (…) list of literals, lifted whole: the grammar takes seconds over 100,000 items. */
  | { readonly kind: 'list'; readonly items: readonly ({ readonly kind: 'number'; readonly text: string } | { readonly kind: 'string'; readonly value: string })[] };

/** The rewritten text and what was lifted out of it. */
export interface NormalizedStatement {
  readonly text: string;
  readonly literals: readonly LiftedLiteral[];
  readonly paramCount: number;
}

/** The prefix of the named parameter a `?` in LIMIT becomes (`:atoll_p3` is placeholder 3). */
export const limitParamPrefix = 'atoll_p';

/** The prefix of a lifted literal's string token. */
export const liftedPrefix = '$atoll_lit_';

const aggregates = new Set(['COUNT', 'SUM', 'AVG', 'MIN', 'MAX', 'GROUP_CONCAT']);

/** Rewrites `tokens` of `text` (see the module comment). */
export function normalizeTokens(text: string, tokens: readonly Token[]): NormalizedStatement {
  const literals: LiftedLiteral[] = [];
  const out: string[] = [];
  const closeParenInsertions = new Map<number, number>();
  let paramCount = 0;
  let last = 0;
  const lift = (lit: LiftedLiteral): string => {
    literals.push(lit);
    return `'${liftedPrefix}${literals.length - 1}'`;
  };
  for (let i = 0; i < tokens.length; i++) {
    const t = tokens[i]!;
    out.push(text.slice(last, t.start));
    last = t.end;
    const prev = tokens[i - 1];
    const next = tokens[i + 1];
    let replacement = t.text;
    const list = isWord(t, 'IN') && next?.text === '(' ? literalList(tokens, i + 1) : undefined;
    if (list !== undefined) {
      replacement = `IN (${lift({ kind: 'list', items: list.items })})`;
      i = list.close;
      last = tokens[i]!.end;
    } else if (t.kind === 'ident' && next?.kind === 'string' && next.start === t.end && /^(x|b|n|_[a-z0-9]+)$/i.test(t.text)) {
      // X'4142', B'0100', N'text', _utf8mb4'text': a prefixed string literal.
      replacement = lift({ kind: 'string', value: prefixedString(t.text, next.value, text, t.start) });
      i++;
      last = next.end;
    } else if (t.kind === 'string') {
      let value = t.value;
      while (tokens[i + 1]?.kind === 'string') {
        i++;
        value += tokens[i]!.value;
        last = tokens[i]!.end;
      }
      replacement = lift({ kind: 'string', value });
    } else if (t.kind === 'number' && /^0x/i.test(t.text)) {
      replacement = lift({ kind: 'hex', text: t.text });
    } else if (t.kind === 'number' && /[eE]/.test(t.text)) {
      replacement = lift({ kind: 'float', text: t.text });
    } else if (t.kind === 'param') {
      // The grammar takes no string in LIMIT; a named parameter carries the index instead.
      replacement = isLimitPosition(tokens, i) ? `:${limitParamPrefix}${paramCount}` : lift({ kind: 'param', index: paramCount });
      paramCount++;
    } else if (isWord(t, 'ALL') && (isWord(prev, 'SELECT') || (prev?.text === '(' && isAggregateAt(tokens, i - 2)))) {
      replacement = '';
    } else if (isWord(t, 'DISTINCT') && prev?.text === '(' && isAggregateAt(tokens, i - 2)) {
      const close = matchingClose(tokens, i - 1);
      // The grammar takes DISTINCT only before a bare column, and only in COUNT: a
      // parenthesized argument parses everywhere (convert-ast reads it back).
      if (close !== undefined && close > i + 1 && !hasTopLevelComma(tokens, i, close)) {
        replacement = 'DISTINCT (';
        closeParenInsertions.set(close, (closeParenInsertions.get(close) ?? 0) + 1);
      }
    } else if ((isWord(t, 'NOT') || isWord(t, 'CASE')) && next?.kind === 'punct' && next.text === '(') {
      // The grammar reads `NOT (x) IS NULL` as a call NOT(x) bound tighter than IS (MySQL
      // gives NOT a lower precedence than comparisons) and rejects `CASE (x) WHEN`. A unary
      // `+` (a no-op) in between keeps both operators.
      replacement = `${t.text} +`;
    } else if (isWord(t, 'DEFAULT') && isValuePosition(prev, next)) {
      replacement = '__atoll_default()';
    } else if (t.kind === 'punct' && t.text === '(' && next?.kind === 'punct' && next.text === ')' && isEmptyRowPosition(tokens, i)) {
      // VALUES () and INSERT INTO t () VALUES …: an empty row or column list (convert-ast reads it back).
      replacement = isWord(tokens[i + 2], 'VALUES') || isWord(tokens[i + 2], 'VALUE') || isWord(tokens[i + 2], 'SELECT') ? '' : '(__atoll_empty_row()';
      if (replacement === '') {
        i++;
        last = next.end;
      }
    } else if (t.kind === 'op' && (t.text === '<=>' || t.text === '!=')) {
      // The grammar has no `<=>`: it travels as `!=` (same precedence) and every real `!=`
      // as `<>`; convert-ast maps `!=` back to `<=>`.
      replacement = t.text === '<=>' ? '!=' : '<>';
    } else if (isWord(t, 'CURRENT_USER') && next?.text !== '(') {
      replacement = 'CURRENT_USER()';
    }
    const extraClose = closeParenInsertions.get(i);
    out.push(extraClose === undefined ? replacement : ')'.repeat(extraClose) + replacement);
  }
  out.push(text.slice(last));
  return { text: out.join(''), literals, paramCount };
}

/** Shortest IN list lifted whole (shorter ones parse fast enough as they are). */
const liftedListItemsMin = 64;

/** The literals of `( lit, lit, … )` opening at `open`, when long enough and nothing but literals. */
function literalList(tokens: readonly Token[], open: number): { items: Extract<LiftedLiteral, { kind: 'list' }>['items'][number][]; close: number } | undefined {
  const items: Extract<LiftedLiteral, { kind: 'list' }>['items'][number][] = [];
  let j = open + 1;
  for (;;) {
    let sign = '';
    if (tokens[j]?.kind === 'op' && (tokens[j]!.text === '-' || tokens[j]!.text === '+')) sign = tokens[j++]!.text === '-' ? '-' : '';
    const t = tokens[j];
    if (t === undefined) return undefined;
    if (t.kind === 'number' && !/^0x/i.test(t.text)) items.push({ kind: 'number', text: sign + t.text });
    else if (t.kind === 'string' && sign === '' && tokens[j + 1]?.kind !== 'string') items.push({ kind: 'string', value: t.value });
    else return undefined;
    const sep = tokens[j + 1];
    if (sep?.text === ')') return items.length >= liftedListItemsMin ? { items, close: j + 1 } : undefined;
    if (sep?.text !== ',') return undefined;
    j += 2;
  }
}

/** The value of a prefixed string literal (hex and bit strings decode to their bytes as text). */
function prefixedString(prefix: string, body: string, text: string, at: number): string {
  const p = prefix.toLowerCase();
  if (p === 'x') {
    if (body.length % 2 !== 0 || !/^[0-9a-f]*$/i.test(body)) throw syntaxError(text, at);
    return new TextDecoder().decode(Uint8Array.from(body.match(/../g) ?? [], (h) => parseInt(h, 16)));
  }
  if (p === 'b') {
    if (!/^[01]*$/.test(body)) throw syntaxError(text, at);
    const bits = body.padStart(Math.ceil(body.length / 8) * 8, '0');
    return new TextDecoder().decode(Uint8Array.from(bits.match(/.{8}/g) ?? [], (b) => parseInt(b, 2)));
  }
  return body;
}

/** `()` right after VALUES, after `),` in a VALUES list, or as the column list of INSERT INTO t. */
function isEmptyRowPosition(tokens: readonly Token[], i: number): boolean {
  const prev = tokens[i - 1];
  if (isWord(prev, 'VALUES') || isWord(prev, 'VALUE')) return true;
  if (prev?.text === ',' && tokens[i - 2]?.text === ')') return tokens.slice(0, i).some((t) => isWord(t, 'VALUES') || isWord(t, 'VALUE'));
  const after = tokens[i + 2];
  return (prev?.kind === 'ident' || prev?.kind === 'quoted') && (isWord(after, 'VALUES') || isWord(after, 'VALUE') || isWord(after, 'SELECT')) && tokens.some((t) => isWord(t, 'INSERT') || isWord(t, 'REPLACE'));
}

function hasTopLevelComma(tokens: readonly Token[], from: number, to: number): boolean {
  let depth = 0;
  for (let j = from; j < to; j++) {
    const t = tokens[j]!;
    if (t.kind !== 'punct') continue;
    if (t.text === '(') depth++;
    else if (t.text === ')') depth--;
    else if (t.text === ',' && depth === 0) return true;
  }
  return false;
}

function isAggregateAt(tokens: readonly Token[], i: number): boolean {
  const t = tokens[i];
  return t !== undefined && t.kind === 'ident' && aggregates.has(t.text.toUpperCase());
}

function isValuePosition(prev: Token | undefined, next: Token | undefined): boolean {
  const before = prev !== undefined && (prev.text === '(' || prev.text === ',' || prev.text === '=');
  const after = next === undefined || next.text === ',' || next.text === ')' || isWord(next, 'WHERE');
  return before && after;
}

function isLimitPosition(tokens: readonly Token[], i: number): boolean {
  const prev = tokens[i - 1];
  if (isWord(prev, 'LIMIT') || isWord(prev, 'OFFSET')) return true;
  return prev?.text === ',' && isWord(tokens[i - 3], 'LIMIT');
}

/** Index of the `)` matching the `(` at `open`, if any. */
export function matchingClose(tokens: readonly Token[], open: number): number | undefined {
  let depth = 0;
  for (let j = open; j < tokens.length; j++) {
    const text = tokens[j]!.text;
    if (tokens[j]!.kind !== 'punct') continue;
    if (text === '(') depth++;
    else if (text === ')') {
      depth--;
      if (depth === 0) return j;
    }
  }
  return undefined;
}

const selectListEnd = new Set(['FROM', 'WHERE', 'GROUP', 'HAVING', 'ORDER', 'LIMIT', 'UNION', 'EXCEPT', 'INTERSECT', 'INTO', 'FOR', 'WINDOW', 'LOCK']);
const selectModifiers = new Set(['ALL', 'DISTINCT', 'DISTINCTROW', 'HIGH_PRIORITY', 'STRAIGHT_JOIN', 'SQL_SMALL_RESULT', 'SQL_BIG_RESULT', 'SQL_BUFFER_RESULT', 'SQL_NO_CACHE', 'SQL_CALC_FOUND_ROWS']);

/**
 * The source text of each item of the first SELECT's select list, as MySQL uses it to name
 * unaliased result columns. Empty when the statement has no SELECT.
 */
export function selectItemTexts(text: string, tokens: readonly Token[]): string[] {
  let depth = 0;
  let i = 0;
  for (; i < tokens.length; i++) {
    const t = tokens[i]!;
    if (t.kind === 'punct' && t.text === '(') depth++;
    else if (t.kind === 'punct' && t.text === ')') depth--;
    else if (isWord(t, 'SELECT')) break;
  }
  if (i >= tokens.length) return [];
  i++;
  while (i < tokens.length && tokens[i]!.kind === 'ident' && selectModifiers.has(tokens[i]!.text.toUpperCase())) i++;
  const items: string[] = [];
  let itemStart = i;
  let level = depth;
  for (; i < tokens.length; i++) {
    const t = tokens[i]!;
    if (t.kind === 'punct' && t.text === '(') level++;
    else if (t.kind === 'punct' && t.text === ')') {
      if (level === depth) break;
      level--;
    } else if (level === depth && t.kind === 'ident' && selectListEnd.has(t.text.toUpperCase())) break;
    else if (level === depth && t.kind === 'punct' && (t.text === ',' || t.text === ';')) {
      if (t.text === ';') break;
      items.push(spanText(text, tokens, itemStart, i));
      itemStart = i + 1;
    }
  }
  items.push(spanText(text, tokens, itemStart, i));
  return items;
}

function spanText(text: string, tokens: readonly Token[], from: number, to: number): string {
  if (from >= to) return '';
  return text.slice(tokens[from]!.start, tokens[to - 1]!.end);
}
