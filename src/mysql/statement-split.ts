/**
 * Finds where a second statement starts in a COM_QUERY text, so a client that did not enable
 * multi-statements gets MySQL's syntax error instead of having every statement run. Knows
 * just enough SQL lexing for that: quoted strings and identifiers ('…', "…", `…`, with
 * backslash escapes and doubled quotes) and comments (-- , #, /* … *\/).
 */

/**
 * Offset of the first character of a second statement, or -1 when the text holds at most
 * one (a trailing ';' followed only by blanks and comments is still one statement).
 */
export function secondStatementOffset(sql: string): number {
  let i = 0;
  let sawSemicolon = false;
  while (i < sql.length) {
    const c = sql[i]!;
    const skipped = skipBlankOrComment(sql, i);
    if (skipped > i) {
      i = skipped;
      continue;
    }
    if (sawSemicolon && c !== ';') return i;
    if (c === ';') {
      sawSemicolon = true;
      i++;
    } else if (c === "'" || c === '"' || c === '`') {
      i = skipQuoted(sql, i, c);
    } else {
      i++;
    }
  }
  return -1;
}

/** The index after a blank or comment starting at `i`, or `i` when none starts there. */
function skipBlankOrComment(sql: string, i: number): number {
  const c = sql[i]!;
  if (c === ' ' || c === '\t' || c === '\n' || c === '\r' || c === '\f') return i + 1;
  if (c === '#' || (c === '-' && sql[i + 1] === '-' && (i + 2 >= sql.length || /\s/.test(sql[i + 2]!)))) {
    const end = sql.indexOf('\n', i);
    return end < 0 ? sql.length : end + 1;
  }
  if (c === '/' && sql[i + 1] === '*' && sql[i + 2] !== '!') {
    const end = sql.indexOf('*/', i + 2);
    return end < 0 ? sql.length : end + 2;
  }
  return i;
}

/** The index after the quoted string or identifier opened by `quote` at `start`. */
function skipQuoted(sql: string, start: number, quote: string): number {
  let i = start + 1;
  while (i < sql.length) {
    const c = sql[i]!;
    if (c === '\\' && quote !== '`') {
      i += 2;
    } else if (c === quote) {
      if (sql[i + 1] === quote) i += 2;
      else return i + 1;
    } else {
      i++;
    }
  }
  return sql.length;
}
