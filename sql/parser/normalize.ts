/**
 * Token-level rewriting before node-sql-parser sees a statement (DESIGN.md, "Hot paths"):
 *
 * - `SELECT ALL` and `AGG(ALL x)`: the redundant ALL is dropped.
 * - `AGG(DISTINCT expr)`: the argument is parenthesized, which the grammar accepts.
 * - String literals, `?` placeholders and literals the grammar misreads (`1e3`, `0x41`) become
 *   `'$atoll_lit_N'` tokens; the converter maps them back through `literals`, so escapes,
 *   adjacent-string concatenation and placeholder numbering follow MySQL, not the grammar.
 * - `DEFAULT` as a value (`VALUES (1, DEFAULT)`) becomes a call `__atoll_default()`.
 * - `CURRENT_USER` without parentheses becomes `CURRENT_USER()`.
 */
import { isWord, type Token } from './lexer.js';

/** A literal lifted out of the text by normalization. */
export type LiftedLiteral =
  | { readonly kind: 'string'; readonly value: string }
  | { readonly kind: 'float'; readonly text: string }
  | { readonly kind: 'hex'; readonly text: string }
  | { readonly kind: 'param'; readonly index: number };

/** The rewritten text and what was lifted out of it. */
export interface NormalizedStatement {
  readonly text: string;
  readonly literals: readonly LiftedLiteral[];
  readonly paramCount: number;
}

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
    if (t.kind === 'string') {
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
      replacement = isLimitPosition(tokens, i) ? '?' : lift({ kind: 'param', index: paramCount });
      paramCount++;
    } else if (isWord(t, 'ALL') && (isWord(prev, 'SELECT') || (prev?.text === '(' && isAggregateAt(tokens, i - 2)))) {
      replacement = '';
    } else if (isWord(t, 'DISTINCT') && prev?.text === '(' && isAggregateAt(tokens, i - 2)) {
      const close = matchingClose(tokens, i - 1);
      if (close !== undefined && close > i + 2) {
        replacement = 'DISTINCT (';
        closeParenInsertions.set(close, (closeParenInsertions.get(close) ?? 0) + 1);
      }
    } else if (isWord(t, 'DEFAULT') && isValuePosition(prev, next)) {
      replacement = '__atoll_default()';
    } else if (isWord(t, 'CURRENT_USER') && next?.text !== '(') {
      replacement = 'CURRENT_USER()';
    }
    const extraClose = closeParenInsertions.get(i);
    out.push(extraClose === undefined ? replacement : ')'.repeat(extraClose) + replacement);
  }
  out.push(text.slice(last));
  return { text: out.join(''), literals, paramCount };
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
