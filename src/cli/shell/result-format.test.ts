// Proves the shell prints results character for character as the mysql client does: boxed
// tables with numbers right-aligned and NULL shown, vertical records, escaped tab-separated
// batch output, and the "rows in set" / "Query OK" footers.
import { describe, expect, test } from 'vitest';
import { displayWidth, escapeBatch, formatBatch, formatElapsed, formatTable, formatVertical, okFooter, rowsFooter } from './result-format.js';

const columns = [
  { name: 'id', numeric: true },
  { name: 'name', numeric: false },
];

describe('result formatting', () => {
  test('table', () => {
    expect(
      formatTable(columns, [
        ['1', 'alice'],
        ['100', null],
      ]),
    ).toBe(['+-----+-------+', '| id  | name  |', '+-----+-------+', '|   1 | alice |', '| 100 | NULL  |', '+-----+-------+', ''].join('\n'));
  });

  test('table cells as wide as their widest value or name; wide characters take two columns', () => {
    expect(formatTable([{ name: 'a_long_name', numeric: false }], [['x'], ['漢字']])).toBe(
      ['+-------------+', '| a_long_name |', '+-------------+', '| x           |', '| 漢字        |', '+-------------+', ''].join('\n'),
    );
    expect(displayWidth('漢字a')).toBe(5);
  });

  test('vertical', () => {
    expect(
      formatVertical(columns, [
        ['1', 'alice'],
        ['2', null],
      ]),
    ).toBe(
      [
        '*************************** 1. row ***************************',
        '  id: 1',
        'name: alice',
        '*************************** 2. row ***************************',
        '  id: 2',
        'name: NULL',
        '',
      ].join('\n'),
    );
  });

  test('batch: a header line, tab-separated values, special characters escaped', () => {
    expect(
      formatBatch(columns, [
        ['1', 'a\tb\nc\\d\0'],
        ['2', null],
      ]),
    ).toBe('id\tname\n1\ta\\tb\\nc\\\\d\\0\n2\tNULL\n');
    expect(escapeBatch('plain')).toBe('plain');
  });

  test('footers', () => {
    expect(rowsFooter(1, 0, 4)).toBe('1 row in set (0.00 sec)\n');
    expect(rowsFooter(3, 0, 12.5)).toBe('3 rows in set (0.01 sec)\n');
    expect(rowsFooter(0, 0, 0)).toBe('Empty set (0.00 sec)\n');
    expect(rowsFooter(2, 1, 0)).toBe('2 rows in set, 1 warning (0.00 sec)\n');
    expect(okFooter(1, 0, '', 3)).toBe('Query OK, 1 row affected (0.00 sec)\n');
    expect(okFooter(0, 2, '', 1500)).toBe('Query OK, 0 rows affected, 2 warnings (1.50 sec)\n');
    expect(okFooter(3, 0, 'Records: 3  Duplicates: 0  Warnings: 0', 0)).toBe('Query OK, 3 rows affected (0.00 sec)\nRecords: 3  Duplicates: 0  Warnings: 0\n');
    expect(formatElapsed(62_500)).toBe('1 min 2.50 sec');
  });
});
