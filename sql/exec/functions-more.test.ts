/**
 * Proves the MySQL operators and scalar functions added beyond the core set, through a
 * session with MySQL's expected results: `<=>`, `= ANY/ALL (subquery)`, division by zero
 * (NULL and warning 1365 in a SELECT, errno 1365 in a strict INSERT), BIGINT overflow (1690),
 * CAST/CONVERT, and the string, numeric and date/time functions.
 */
import { describe, expect, it } from 'vitest';
import type { SqlSession, SqlValue } from '../session-api.js';
import { errnoOf, newSession, rows, run } from '../test-support/engine-fixture.js';

async function session(): Promise<SqlSession> {
  const { session: s } = await newSession();
  await run(s, 'CREATE DATABASE d');
  await s.useDatabase('d');
  return s;
}

/** The single row of `SELECT exprs`, values as text (NULL as null). */
async function row(s: SqlSession, exprs: string): Promise<(string | null)[]> {
  const r = await rows(s, `SELECT ${exprs}`);
  return r[0]!.map((v: SqlValue) => (v === null ? null : v instanceof Uint8Array ? Buffer.from(v).toString('latin1') : String(v)));
}

describe('operators', () => {
  it('<=> is NULL-safe equality', async () => {
    const s = await session();
    expect(await row(s, '1 <=> 1, NULL <=> NULL, 1 <=> NULL, 1 != 2, 1 <> 1')).toEqual(['1', '1', '0', '1', '0']);
    await run(s, 'CREATE TABLE t (a INT PRIMARY KEY, b INT)');
    await run(s, 'INSERT INTO t VALUES (1, 10), (2, NULL)');
    expect(await rows(s, 'SELECT a FROM t WHERE b <=> NULL')).toEqual([[2n]]);
  });

  it('ANY / SOME / ALL over a subquery, with NULL and empty sets', async () => {
    const s = await session();
    await run(s, 'CREATE TABLE t (b INT)');
    await run(s, 'INSERT INTO t VALUES (10), (20), (NULL)');
    expect(await row(s, '10 = ANY (SELECT b FROM t), 15 = SOME (SELECT b FROM t), 30 > ALL (SELECT b FROM t), 5 < ALL (SELECT b FROM t WHERE b IS NOT NULL)')).toEqual(['1', null, null, '1']);
    expect(await row(s, '1 > ALL (SELECT b FROM t WHERE 0), 1 > ANY (SELECT b FROM t WHERE 0), 25 <> ALL (SELECT b FROM t WHERE b > 0)')).toEqual(['1', '0', '1']);
  });

  it('NOT binds looser than comparisons and IS', async () => {
    const s = await session();
    expect(await row(s, 'NOT (1) IS NULL, NOT (0) >= (1), NOT 1 + 1 = 3')).toEqual(['1', '1', '1']);
    expect(await row(s, '1 OR 0 AND 0, CASE (1) WHEN 1 THEN 5 END')).toEqual(['1', '5']);
  });

  it('division by zero: NULL with warning 1365 in SELECT, an error in a strict write', async () => {
    const s = await session();
    expect(await row(s, '1/0, 5 DIV 0, 5 % 0, MOD(5, 0), 1.5/0')).toEqual([null, null, null, null, null]);
    expect(await rows(s, 'SHOW WARNINGS')).toEqual(Array.from({ length: 5 }, () => ['Warning', 1365n, 'Division by 0']));
    await run(s, 'CREATE TABLE t (a INT)');
    expect(await errnoOf(s, 'INSERT INTO t VALUES (1/0)')).toBe(1365);
    expect(await rows(s, 'SHOW WARNINGS')).toEqual([['Error', 1365n, 'Division by 0']]);
    await run(s, 'INSERT INTO t VALUES (1)');
    expect(await errnoOf(s, 'UPDATE t SET a = a / 0')).toBe(1365);
  });

  it('BIGINT overflow is errno 1690', async () => {
    const s = await session();
    expect(await errnoOf(s, 'SELECT 9223372036854775807 + 1')).toBe(1690);
    expect(await errnoOf(s, 'SELECT 4611686018427387904 * 2')).toBe(1690);
    expect(await errnoOf(s, 'SELECT 18446744073709551615 + 1')).toBe(1690);
  });

  it('CAST and CONVERT', async () => {
    const s = await session();
    expect(await row(s, "CAST('12abc' AS SIGNED), CAST(-1 AS UNSIGNED), CAST(1.567 AS DECIMAL(5,2)), CAST(5 AS CHAR), CONVERT('2024-02-03', DATE), CAST('2024-01-02 03:04:05' AS DATETIME)"))
      .toEqual(['12', '18446744073709551615', '1.57', '5', '2024-02-03', '2024-01-02 03:04:05']);
    expect(await row(s, "CAST('10:11:12' AS TIME), CAST('ab' AS BINARY), CONVERT('x' USING utf8mb4), CAST('1e2' AS DOUBLE)")).toEqual(['10:11:12', 'ab', 'x', '100']);
  });
});

describe('string functions', () => {
  it('pad, search, slice', async () => {
    const s = await session();
    expect(await row(s, "LPAD('hi', 5, '?'), RPAD('hi', 5, 'ab'), LPAD('hello', 2, 'x'), LOCATE('b', 'abcb'), LOCATE('B', 'abcb', 3), INSTR('foobar', 'BAR'), POSITION('c' IN 'abc')"))
      .toEqual(['???hi', 'hiaba', 'he', '2', '4', '4', '3']);
    expect(await row(s, "LEFT('hello', 2), RIGHT('hello', 3), REVERSE('abc'), REPEAT('ab', 3), CONCAT('[', SPACE(3), ']'), CONCAT_WS('-', 'a', NULL, 'b'), SUBSTRING_INDEX('a.b.c', '.', 2), SUBSTRING_INDEX('a.b.c', '.', -1)"))
      .toEqual(['he', 'llo', 'cba', 'ababab', '[   ]', 'a-b', 'a.b', 'c']);
    expect(await row(s, "INSERT('Quadratic', 3, 4, 'What'), ELT(2, 'a', 'b'), FIELD('b', 'a', 'b'), FIND_IN_SET('b', 'a,b,c'), STRCMP('a', 'B'), TRIM(LEADING 'x' FROM 'xxaxx'), TRIM(BOTH 'x' FROM 'xxaxx')"))
      .toEqual(['QuWhattic', 'b', '2', '2', '-1', 'axx', 'a']);
  });

  it('codes, hex and digests', async () => {
    const s = await session();
    expect(await row(s, "ASCII('A'), ORD('A'), CHAR(77, 121, 83, 81, 76), HEX(255), HEX('abc'), UNHEX('4142'), BIN(5), OCT(8), CONV('ff', 16, 10)"))
      .toEqual(['65', '65', 'MySQL', 'FF', '616263', 'AB', '101', '10', '255']);
    expect(await row(s, "MD5('a'), SHA1('a'), TO_BASE64('abc'), FROM_BASE64('YWJj'), FORMAT(1234567.891, 2), QUOTE('it''s')"))
      .toEqual(['0cc175b9c0f1b6a831c399e269772661', '86f7e437faa5a7fce15d1ddcb9eaeaea377667b8', 'YWJj', 'abc', '1,234,567.89', "'it\\'s'"]);
  });
});

describe('numeric functions', () => {
  it('computes like MySQL', async () => {
    const s = await session();
    expect(await row(s, 'MOD(10, 3), POW(2, 10), POWER(2, -1), SQRT(16), SQRT(-1), SIGN(-5), TRUNCATE(1.2399, 2), TRUNCATE(-1.99, 0), GREATEST(1, 5, 3), LEAST(4, 2, 8)'))
      .toEqual(['1', '1024', '0.5', '4', null, '-1', '1.23', '-1', '5', '2']);
    expect(await row(s, 'ROUND(2.5), ROUND(-2.5), ROUND(1.2345, 2), CEIL(1.2), FLOOR(-1.2), ABS(-3), EXP(0), LN(1), LOG(2, 8), LOG10(100), LOG2(8), BIT_COUNT(7)'))
      .toEqual(['3', '-3', '1.23', '2', '-2', '3', '1', '0', '3', '2', '3', '3']);
    expect(await row(s, 'LN(0), DEGREES(PI()), RADIANS(180) = PI()')).toEqual([null, '180', '1']);
    expect(await rows(s, 'SHOW WARNINGS')).toEqual([['Warning', 3020n, 'Invalid argument for logarithm']]);
  });
});

describe('date and time functions', () => {
  it('parts and names', async () => {
    const s = await session();
    expect(await row(s, "YEAR('2024-03-05'), MONTH('2024-03-05'), DAY('2024-03-05'), HOUR('10:11:12'), MINUTE('2024-01-01 10:11:12'), SECOND('10:11:12'), DAYOFWEEK('2024-03-05'), WEEKDAY('2024-03-05'), DAYOFYEAR('2024-03-05'), QUARTER('2024-03-05')"))
      .toEqual(['2024', '3', '5', '10', '11', '12', '3', '1', '65', '1']);
    expect(await row(s, "DAYNAME('2024-03-05'), MONTHNAME('2024-03-05'), LAST_DAY('2024-02-10'), WEEK('2024-01-01'), WEEK('2024-12-31', 3), YEARWEEK('2024-01-01'), EXTRACT(YEAR_MONTH FROM '2024-03-05'), TO_DAYS('1995-05-01'), FROM_DAYS(728779)"))
      .toEqual(['Tuesday', 'March', '2024-02-29', '0', '1', '202353', '202403', '728779', '1995-05-01']);
  });

  it('arithmetic with INTERVAL, DATEDIFF and TIMESTAMPDIFF', async () => {
    const s = await session();
    expect(await row(s, "DATE_ADD('2024-01-31', INTERVAL 1 MONTH), DATE_SUB('2024-03-01 00:00:00', INTERVAL 1 SECOND), '2024-02-28' + INTERVAL 2 DAY, ADDDATE('2024-01-01', 31), DATE_ADD('2024-01-01 00:00:00', INTERVAL '1 2' DAY_HOUR), TIMESTAMPADD(MINUTE, 90, '2024-01-01 00:00:00')"))
      .toEqual(['2024-02-29', '2024-02-29 23:59:59', '2024-03-01', '2024-02-01', '2024-01-02 02:00:00', '2024-01-01 01:30:00']);
    expect(await row(s, "DATEDIFF('2024-03-01', '2024-02-01'), TIMESTAMPDIFF(MONTH, '2024-01-31', '2024-02-29'), TIMESTAMPDIFF(MONTH, '2024-01-31', '2024-03-31'), TIMESTAMPDIFF(DAY, '2024-01-01', '2024-12-31 23:00'), TIMESTAMPDIFF(SECOND, '2024-01-01 00:00:00', '2024-01-01 00:01:05')"))
      .toEqual(['29', '0', '2', '365', '65']);
  });

  it('formats, parses and converts epochs', async () => {
    const s = await session();
    expect(await row(s, "DATE_FORMAT('2024-03-05 14:07:09', '%Y/%m/%d %H:%i:%s %W %M %D %j %a %b %p %r %%')"))
      .toEqual(['2024/03/05 14:07:09 Tuesday March 5th 065 Tue Mar PM 02:07:09 PM %']);
    expect(await row(s, "STR_TO_DATE('05/03/2024', '%d/%m/%Y'), STR_TO_DATE('2024-03-05 10:11:12', '%Y-%m-%d %H:%i:%s'), STR_TO_DATE('March 5 2024', '%M %e %Y'), STR_TO_DATE('x', '%Y')"))
      .toEqual(['2024-03-05', '2024-03-05 10:11:12', '2024-03-05', null]);
    expect(await row(s, "UNIX_TIMESTAMP('2024-01-01 00:00:00'), FROM_UNIXTIME(1704067200), FROM_UNIXTIME(1704067200, '%Y'), DATE('2024-01-01 10:00:00'), TIME('2024-01-01 10:11:12'), SEC_TO_TIME(3661), TIME_TO_SEC('01:01:01')"))
      .toEqual(['1704067200', '2024-01-01 00:00:00', '2024', '2024-01-01', '10:11:12', '01:01:01', '3661']);
    expect(await row(s, "YEAR('not a date')")).toEqual([null]);
    expect(await rows(s, 'SHOW WARNINGS')).toEqual([['Warning', 1292n, "Incorrect datetime value: 'not a date'"]]);
  });

  it('reads the statement clock', async () => {
    const s = await session();
    const [[now, today, ts, t]] = (await rows(s, 'SELECT NOW(), CURDATE(), UNIX_TIMESTAMP(), CURTIME()')) as [SqlValue[]];
    expect(String(now).slice(0, 10)).toBe(today);
    expect(Number(ts)).toBeGreaterThan(1_600_000_000);
    expect(String(t)).toMatch(/^\d\d:\d\d:\d\d$/);
  });
});
