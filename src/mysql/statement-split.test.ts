/**
 * Proves the protocol finds a second statement in a COM_QUERY text exactly when there is
 * one, seeing through quotes, escapes and comments, so multi-statements can be refused
 * without running anything.
 */
import { describe, expect, it } from 'vitest';
import { secondStatementOffset } from './statement-split.js';

describe('secondStatementOffset', () => {
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
    ['select 1; /*!40101 set x=1 */', 10],
    ['select 1;--x', 9],
  ])('%j → %i', (sql, offset) => {
    expect(secondStatementOffset(sql)).toBe(offset);
  });
});
