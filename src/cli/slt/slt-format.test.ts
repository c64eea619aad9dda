// Proves values are rendered as sqllogictest's MySQL (ODBC) driver renders them, sorted as
// its sort modes say, and hashed to the MD5s the corpus holds: two hashed queries of
// select1.test are recomputed from the rows its INSERT statements put into t1.
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { formatInteger, formatReal, formatRows, formatSltValue, formatText, hashValues, sortValues } from './slt-format.js';

describe('formatSltValue', () => {
  test('NULL and empty strings', () => {
    expect(formatSltValue(null, 'I')).toBe('NULL');
    expect(formatSltValue(null, 'R')).toBe('NULL');
    expect(formatSltValue(null, 'T')).toBe('NULL');
    expect(formatSltValue('', 'T')).toBe('(empty)');
  });

  test('I: integer text kept exactly, decimals truncated toward zero, non-numbers are 0', () => {
    expect(formatInteger('42')).toBe('42');
    expect(formatInteger('-17')).toBe('-17');
    expect(formatInteger('+007')).toBe('7');
    expect(formatInteger('18446744073709551615')).toBe('18446744073709551615');
    expect(formatInteger('3.999')).toBe('3');
    expect(formatInteger('-3.999')).toBe('-3');
    expect(formatInteger('-0.5')).toBe('0');
    expect(formatInteger('1.5e3')).toBe('1500');
    expect(formatInteger('-2.5E-1')).toBe('0');
    expect(formatInteger('12abc')).toBe('12');
    expect(formatInteger('abc')).toBe('0');
    expect(formatSltValue('-1257.000', 'I')).toBe('-1257');
  });

  test('R: printf %.3f, including glibc round-half-even at exact ties', () => {
    expect(formatReal(1.25)).toBe('1.250');
    expect(formatReal(-1257)).toBe('-1257.000');
    expect(formatReal(2 / 3)).toBe('0.667');
    expect(formatReal(0.0625)).toBe('0.062'); // exact tie: to even
    expect(formatReal(0.1875)).toBe('0.188');
    expect(formatReal(-0.0625)).toBe('-0.062');
    expect(formatReal(1.0005)).toBe('1.000'); // 1.0005 is a little below the tie in binary
    expect(formatReal(-0.0001)).toBe('-0.000');
    expect(formatReal(-0)).toBe('-0.000');
    expect(formatReal(1e21)).toBe('1000000000000000000000.000');
    expect(formatSltValue('7', 'R')).toBe('7.000');
    expect(formatSltValue('-3.14159', 'R')).toBe('-3.142');
    expect(formatSltValue('x', 'R')).toBe('0.000');
  });

  test('R: agrees with a decimal model away from ties', () => {
    fc.assert(
      fc.property(fc.integer({ min: -1e9, max: 1e9 }), fc.integer({ min: 0, max: 999 }), (whole, milli) => {
        // k + m/1000 + 0.0001 is never a tie and rounds to k.m at three places.
        const x = whole + Math.sign(whole || 1) * (milli / 1000 + 0.0001);
        const sign = x < 0 ? '-' : '';
        expect(formatReal(x)).toBe(`${sign}${Math.abs(whole)}.${String(milli).padStart(3, '0')}`);
      }),
    );
  });

  test('T: control and non-ASCII bytes print as @, one per UTF-8 byte', () => {
    expect(formatText('plain text')).toBe('plain text');
    expect(formatText('a\tb\nc')).toBe('a@b@c');
    expect(formatText('\x7f~')).toBe('@~');
    expect(formatText('é')).toBe('@@');
    expect(formatText('€')).toBe('@@@');
    expect(formatSltValue('12', 'T')).toBe('12');
  });
});

describe('sorting and hashing', () => {
  test('rowsort orders whole rows by strcmp, valuesort each value, nosort keeps order', () => {
    const values = ['9', 'b', '10', 'a', '10', 'NULL'];
    expect(sortValues(values, 2, 'nosort')).toEqual(values);
    expect(sortValues(values, 2, 'rowsort')).toEqual(['10', 'NULL', '10', 'a', '9', 'b']);
    expect(sortValues(values, 2, 'valuesort')).toEqual(['10', '10', '9', 'NULL', 'a', 'b']);
  });

  test('hash is the MD5 of each value followed by a newline', () => {
    expect(hashValues([])).toBe(createHash('md5').update('').digest('hex'));
    expect(hashValues(['1', 'NULL', '(empty)'])).toBe(createHash('md5').update('1\nNULL\n(empty)\n').digest('hex'));
  });

  test('recomputes two hashes of select1.test from the rows of t1', () => {
    const lines = readFileSync('/work/shared/corpora/sqllogictest/select1.test', 'utf8').split('\n');
    const rows: Record<string, string>[] = [];
    for (const line of lines.slice(0, 1424)) {
      const m = /^INSERT INTO t1\(([a-e,]+)\) VALUES\(([^)]*)\)$/.exec(line);
      if (m === null) continue;
      const columns = m[1]!.split(',');
      const vals = m[2]!.split(',');
      rows.push(Object.fromEntries(columns.map((c, i) => [c, vals[i]!])));
    }
    expect(rows).toHaveLength(30);
    // "SELECT e FROM t1 ORDER BY 1" (line 1424) and "SELECT b FROM t1 ORDER BY 1" (line 2171):
    // the server's text in ORDER BY order, rendered as I, kept in order (nosort).
    const column = (name: string): string[] => formatRows(rows.map((r) => [r[name]!]).sort((x, y) => Number(x[0]) - Number(y[0])), ['I']);
    expect(hashValues(sortValues(column('e'), 1, 'nosort'))).toBe('41762f74ba25ab0f9b0448f319f2f292');
    expect(hashValues(sortValues(column('b'), 1, 'nosort'))).toBe('bac2461f7c1f964c0863658a20e1c90b');
    expect(lines[1428]).toBe('30 values hashing to 41762f74ba25ab0f9b0448f319f2f292');
  });
});
