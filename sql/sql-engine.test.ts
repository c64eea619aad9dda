/**
 * Proves the SQL layer end to end over the in-memory store and the local TxnKv: DDL, DML and
 * SELECT semantics, MySQL's errnos, result metadata, transactions (rollback undoes, commit
 * keeps, a failed statement leaves no partial writes), variables, SHOW and prepared statements.
 */
import { describe, expect, it } from 'vitest';
import { ColumnFlag, ColumnType } from './session-api.js';
import { errnoOf, newSession, rows, run } from './test-support/engine-fixture.js';

describe('the acceptance statement', () => {
  it('sums DECIMAL exactly with NEWDECIMAL metadata', async () => {
    const { session } = await newSession();
    await run(session, 'CREATE DATABASE bank; CREATE TABLE bank.acct(id BIGINT PRIMARY KEY, bal DECIMAL(20,2) NOT NULL); INSERT INTO bank.acct VALUES (1,100.10),(2,0.20)');
    const r = await run(session, 'SELECT SUM(bal) FROM bank.acct');
    expect(r.kind).toBe('rows');
    if (r.kind !== 'rows') return;
    expect(r.rows).toEqual([['100.30']]);
    expect(r.columns[0]!.type).toBe(ColumnType.NEWDECIMAL);
    expect(r.columns[0]!.decimals).toBe(2);
    expect(r.columns[0]!.name).toBe('SUM(bal)');
  });
});

describe('DDL and DML', () => {
  it('creates, uses and drops databases and tables with MySQL errnos', async () => {
    const { session } = await newSession();
    await run(session, 'CREATE DATABASE d1');
    expect(await errnoOf(session, 'CREATE DATABASE d1')).toBe(1007);
    await run(session, 'CREATE DATABASE IF NOT EXISTS d1');
    expect(await errnoOf(session, 'CREATE TABLE t(a INT)')).toBe(1046);
    await run(session, 'USE d1');
    expect(session.database).toBe('d1');
    await run(session, 'CREATE TABLE t(a INT PRIMARY KEY, b VARCHAR(5))');
    expect(await errnoOf(session, 'CREATE TABLE t(a INT)')).toBe(1050);
    expect(await errnoOf(session, 'SELECT * FROM nope')).toBe(1146);
    expect(await errnoOf(session, 'SELECT zz FROM t')).toBe(1054);
    expect(await errnoOf(session, 'USE nope')).toBe(1049);
    expect(await rows(session, 'SHOW TABLES')).toEqual([['t']]);
    await run(session, 'DROP TABLE t');
    expect(await errnoOf(session, 'DROP TABLE t')).toBe(1051);
    await run(session, 'DROP TABLE IF EXISTS t');
    await run(session, 'DROP DATABASE d1');
    expect(await errnoOf(session, 'DROP DATABASE d1')).toBe(1008);
    expect(await rows(session, 'SHOW DATABASES')).toEqual([['information_schema']]);
  });

  it('enforces primary and unique keys with 1062 and the key name', async () => {
    const { session } = await newSession();
    await run(session, 'CREATE DATABASE d; USE d; CREATE TABLE t(id INT PRIMARY KEY, name VARCHAR(20) UNIQUE, n INT, KEY k_n (n))');
    await run(session, "INSERT INTO t VALUES (1, 'Ann', 5)");
    const dupPk = await session.query("INSERT INTO t VALUES (1, 'Bob', 6)");
    expect(dupPk[0]).toMatchObject({ kind: 'error', error: { errno: 1062, message: "Duplicate entry '1' for key 't.PRIMARY'" } });
    const dupName = await session.query("INSERT INTO t VALUES (2, 'ANN', 6)");
    expect(dupName[0]).toMatchObject({ kind: 'error', error: { errno: 1062, message: "Duplicate entry 'ANN' for key 't.name'" } });
    await run(session, "INSERT INTO t VALUES (2, NULL, 6), (3, NULL, 6)");
    expect(await rows(session, 'SELECT id FROM t WHERE n = 6 ORDER BY id')).toEqual([[2n], [3n]]);
    expect(await rows(session, "SELECT id FROM t WHERE name = 'ann'")).toEqual([[1n]]);
    await run(session, 'UPDATE t SET n = n + 1 WHERE id >= 2');
    expect(await rows(session, 'SELECT id, n FROM t WHERE n = 7 ORDER BY id DESC')).toEqual([[3n, 7n], [2n, 7n]]);
    await run(session, 'DELETE FROM t WHERE id = 2');
    expect(await rows(session, 'SELECT COUNT(*) FROM t')).toEqual([[2n]]);
    await run(session, 'CREATE UNIQUE INDEX u_n ON t(n)');
    expect(await errnoOf(session, 'INSERT INTO t VALUES (9, NULL, 7)')).toBe(1062);
    await run(session, 'DROP INDEX u_n ON t');
    await run(session, 'INSERT INTO t VALUES (9, NULL, 7)');
    expect(await errnoOf(session, 'CREATE UNIQUE INDEX u_n ON t(n)')).toBe(1062);
  });

  it('fills defaults, AUTO_INCREMENT and hidden row ids', async () => {
    const { session } = await newSession();
    await run(session, 'CREATE DATABASE d; USE d');
    await run(session, "CREATE TABLE t(id BIGINT AUTO_INCREMENT PRIMARY KEY, s VARCHAR(10) NOT NULL DEFAULT 'x', n INT)");
    const r = await run(session, "INSERT INTO t(n) VALUES (1),(2)");
    expect(r).toMatchObject({ kind: 'ok', affectedRows: 2n, lastInsertId: 1n });
    await run(session, "INSERT INTO t SET n = 3, s = DEFAULT");
    await run(session, "INSERT INTO t VALUES (10, 'y', DEFAULT)");
    await run(session, "INSERT INTO t(s) VALUES ('z')");
    expect(await rows(session, 'SELECT id, s, n FROM t ORDER BY id')).toEqual([[1n, 'x', 1n], [2n, 'x', 2n], [3n, 'x', 3n], [10n, 'y', null], [11n, 'z', null]]);
    expect(await rows(session, 'SELECT LAST_INSERT_ID()')).toEqual([[11n]]);
    await run(session, 'CREATE TABLE h(a INT, b INT)');
    await run(session, 'INSERT INTO h VALUES (1,1),(1,1)');
    expect(await rows(session, 'SELECT a, b FROM h')).toEqual([[1n, 1n], [1n, 1n]]);
    expect(await errnoOf(session, 'CREATE TABLE bad(a INT NOT NULL, b INT); INSERT INTO bad(b) VALUES (1)')).toBe(1364);
  });

  it('checks types in strict mode', async () => {
    const { session } = await newSession();
    await run(session, 'CREATE DATABASE d; USE d; CREATE TABLE t(a TINYINT, b TINYINT UNSIGNED, c DECIMAL(5,2), d VARCHAR(3), e DATE, f INT NOT NULL)');
    expect(await errnoOf(session, 'INSERT INTO t(a, f) VALUES (128, 1)')).toBe(1264);
    expect(await errnoOf(session, 'INSERT INTO t(b, f) VALUES (-1, 1)')).toBe(1264);
    expect(await errnoOf(session, 'INSERT INTO t(c, f) VALUES (1000, 1)')).toBe(1264);
    expect(await errnoOf(session, "INSERT INTO t(d, f) VALUES ('abcd', 1)")).toBe(1406);
    expect(await errnoOf(session, "INSERT INTO t(e, f) VALUES ('2023-02-30', 1)")).toBe(1292);
    expect(await errnoOf(session, 'INSERT INTO t(f) VALUES (NULL)')).toBe(1048);
    expect(await errnoOf(session, "INSERT INTO t(a, f) VALUES ('x', 1)")).toBe(1366);
    await run(session, "INSERT INTO t VALUES (-128, 255, 123.456, 'ééé', '2024-2-29', 0)");
    expect(await rows(session, 'SELECT * FROM t')).toEqual([[-128n, 255n, '123.46', 'ééé', '2024-02-29', 0n]]);
  });
});

describe('SELECT', () => {
  async function fixture() {
    const { session } = await newSession();
    await run(session, 'CREATE DATABASE d; USE d; CREATE TABLE t(a INT PRIMARY KEY, b INT, s VARCHAR(10))');
    await run(session, "INSERT INTO t VALUES (1, 10, 'x'), (2, 20, 'Y'), (3, NULL, 'x'), (4, 20, NULL)");
    return session;
  }

  it('filters, orders, limits and groups', async () => {
    const session = await fixture();
    expect(await rows(session, 'SELECT a FROM t WHERE b = 20 ORDER BY a DESC LIMIT 1')).toEqual([[4n]]);
    expect(await rows(session, 'SELECT a FROM t ORDER BY b, a LIMIT 2 OFFSET 1')).toEqual([[1n], [2n]]);
    expect(await rows(session, 'SELECT DISTINCT b FROM t ORDER BY 1')).toEqual([[null], [10n], [20n]]);
    expect(await rows(session, 'SELECT b, COUNT(*), SUM(a), AVG(a), MIN(s), MAX(a) FROM t GROUP BY b ORDER BY b')).toEqual([
      [null, 1n, '3', '3.0000', 'x', 3n], [10n, 1n, '1', '1.0000', 'x', 1n], [20n, 2n, '6', '3.0000', 'Y', 4n],
    ]);
    expect(await rows(session, 'SELECT b FROM t GROUP BY b HAVING COUNT(*) > 1')).toEqual([[20n]]);
    expect(await rows(session, 'SELECT COUNT(DISTINCT b), COUNT(b), COUNT(*) FROM t')).toEqual([[2n, 3n, 4n]]);
    expect(await rows(session, 'SELECT COUNT(*), SUM(a) FROM t WHERE a > 100')).toEqual([[0n, null]]);
    expect(await rows(session, "SELECT a FROM t WHERE s = 'X' ORDER BY a")).toEqual([[1n], [3n]]);
    expect(await rows(session, "SELECT a FROM t WHERE s LIKE 'y%'")).toEqual([[2n]]);
    expect(await rows(session, 'SELECT a FROM t WHERE b IN (10, 20) AND a BETWEEN 2 AND 4')).toEqual([[2n], [4n]]);
    expect(await rows(session, 'SELECT a FROM t WHERE b IS NULL OR s IS NULL ORDER BY a')).toEqual([[3n], [4n]]);
  });

  it('joins and runs subqueries', async () => {
    const session = await fixture();
    await run(session, 'CREATE TABLE u(k INT, v VARCHAR(6)); INSERT INTO u VALUES (10, "ten"), (20, "twenty")');
    expect(await rows(session, 'SELECT t.a, u.v FROM t, u WHERE t.b = u.k ORDER BY t.a')).toEqual([[1n, 'ten'], [2n, 'twenty'], [4n, 'twenty']]);
    expect(await rows(session, 'SELECT t.a, u.v FROM t JOIN u ON t.b = u.k WHERE t.a > 1 ORDER BY 1')).toEqual([[2n, 'twenty'], [4n, 'twenty']]);
    expect(await rows(session, 'SELECT t.a, u.v FROM t LEFT JOIN u ON t.b = u.k ORDER BY 1')).toEqual([[1n, 'ten'], [2n, 'twenty'], [3n, null], [4n, 'twenty']]);
    expect(await rows(session, 'SELECT a FROM t WHERE b = (SELECT MAX(k) FROM u) ORDER BY a')).toEqual([[2n], [4n]]);
    expect(await rows(session, 'SELECT a FROM t WHERE b IN (SELECT k FROM u WHERE v = "ten")')).toEqual([[1n]]);
    expect(await rows(session, 'SELECT a FROM t AS o WHERE EXISTS (SELECT 1 FROM t AS i WHERE i.b > o.b) ORDER BY a')).toEqual([[1n]]);
    expect(await rows(session, 'SELECT a FROM t WHERE NOT EXISTS (SELECT 1 FROM u WHERE u.k = t.b) ORDER BY a')).toEqual([[3n]]);
    expect(await errnoOf(session, 'SELECT (SELECT k FROM u)')).toBe(1242);
    expect(await rows(session, 'SELECT a FROM t UNION SELECT k FROM u ORDER BY 1 DESC LIMIT 2')).toEqual([[20n], [10n]]);
    expect(await rows(session, 'SELECT b FROM t EXCEPT SELECT k FROM u')).toEqual([[null]]);
    expect(await rows(session, 'SELECT x FROM (SELECT a * 2 AS x FROM t) AS d WHERE x > 4 ORDER BY x')).toEqual([[6n], [8n]]);
  });

  it('evaluates expressions with MySQL types and NULL logic', async () => {
    const { session } = await newSession();
    expect(await rows(session, 'SELECT 7 / 2, 7 DIV 2, 7 % 3, -7 MOD 3, 1 / 0, 2.5 * 2, 1 + 1.5, 1e0 + 1')).toEqual([['3.5000', 3n, 1n, -1n, null, '5.0', '2.5', 2]]);
    expect(await rows(session, "SELECT NULL AND 0, NULL OR 1, NULL = NULL, NULL IS NULL, 1 = '1', 'abc' = 'ABC', '10' > 9")).toEqual([[0n, 1n, null, 1n, 1n, 1n, 1n]]);
    expect(await rows(session, "SELECT CONCAT('a', NULL), CONCAT('a', 1, 'b'), LENGTH('é'), CHAR_LENGTH('é'), UPPER('x'), SUBSTRING('hello', 2, 3), TRIM('  x  '), REPLACE('aXa', 'X', 'b')")).toEqual([[null, 'a1b', 2n, 1n, 'X', 'ell', 'x', 'aba']]);
    expect(await rows(session, 'SELECT COALESCE(NULL, 2), IFNULL(NULL, 3), NULLIF(1, 1), IF(1 > 2, 4, 5), CASE WHEN 0 THEN 1 ELSE 2.50 END, ABS(-3), ROUND(2.5), ROUND(1.2345, 2), FLOOR(-1.5), CEIL(1.2)')).toEqual([[2n, 3n, null, 5n, '2.50', 3n, '3', '1.23', -2n, 2n]]);
    expect(await rows(session, "SELECT CAST('12abc' AS SIGNED), CAST(1.567 AS DECIMAL(5,2)), CAST(5 AS CHAR), CAST('2024-01-02' AS DATE)")).toEqual([[12n, '1.57', '5', '2024-01-02']]);
    expect(await errnoOf(session, 'SELECT 9223372036854775807 + 1')).toBe(1690);
    expect(await errnoOf(session, 'SELECT nosuchfn(1)')).toBe(1235);
    expect(await errnoOf(session, 'SELEC 1')).toBe(1064);
  });

  it('reports MySQL metadata for columns and expressions', async () => {
    const { session } = await newSession();
    await run(session, 'CREATE DATABASE d; USE d; CREATE TABLE t(id INT UNSIGNED AUTO_INCREMENT PRIMARY KEY, v VARCHAR(10) NOT NULL)');
    const r = await run(session, 'SELECT id, v AS vv, id + 1, 1.50, \'s\' FROM t');
    if (r.kind !== 'rows') throw new Error('rows expected');
    const [id, vv, expr, lit, str] = r.columns;
    expect(id).toMatchObject({ schema: 'd', table: 't', orgTable: 't', name: 'id', orgName: 'id', type: ColumnType.LONG });
    expect(id!.flags & (ColumnFlag.PRI_KEY | ColumnFlag.UNSIGNED | ColumnFlag.AUTO_INCREMENT | ColumnFlag.NOT_NULL)).toBe(ColumnFlag.PRI_KEY | ColumnFlag.UNSIGNED | ColumnFlag.AUTO_INCREMENT | ColumnFlag.NOT_NULL);
    expect(vv).toMatchObject({ name: 'vv', orgName: 'v', type: ColumnType.VAR_STRING, charset: 45, columnLength: 40 });
    expect(expr).toMatchObject({ name: 'id + 1', table: '', type: ColumnType.LONGLONG });
    expect(lit).toMatchObject({ name: '1.50', type: ColumnType.NEWDECIMAL, decimals: 2 });
    expect(str).toMatchObject({ name: 's', type: ColumnType.VAR_STRING });
  });
});

describe('transactions', () => {
  it('rolls back, commits, and keeps statements atomic', async () => {
    const { session, engine } = await newSession();
    await run(session, 'CREATE DATABASE d; USE d; CREATE TABLE t(a INT PRIMARY KEY)');
    const other = await engine.openSession({ user: 'root', database: 'd', connectionId: 8 });
    await run(session, 'BEGIN');
    expect(session.status.inTransaction).toBe(true);
    await run(session, 'INSERT INTO t VALUES (1)');
    expect(await rows(session, 'SELECT a FROM t')).toEqual([[1n]]);
    expect(await rows(other, 'SELECT a FROM t')).toEqual([]);
    await run(session, 'ROLLBACK');
    expect(await rows(session, 'SELECT a FROM t')).toEqual([]);
    await run(session, 'START TRANSACTION; INSERT INTO t VALUES (2)');
    expect(await errnoOf(session, 'INSERT INTO t VALUES (3), (2)')).toBe(1062);
    await run(session, 'COMMIT');
    expect(await rows(other, 'SELECT a FROM t')).toEqual([[2n]]);
    const ts = await rows(session, 'SELECT @@atoll_last_commit_ts');
    expect(typeof ts[0]![0]).toBe('bigint');
    await run(session, 'SET autocommit = 0; INSERT INTO t VALUES (4)');
    expect(session.status).toEqual({ inTransaction: true, autocommit: false });
    expect(await rows(other, 'SELECT COUNT(*) FROM t')).toEqual([[1n]]);
    await run(session, 'SET autocommit = 1');
    expect(await rows(other, 'SELECT COUNT(*) FROM t')).toEqual([[2n]]);
  });
});

describe('session statements', () => {
  it('answers variables, SHOW and DESCRIBE', async () => {
    const { session } = await newSession();
    expect(await rows(session, 'SELECT @@version_comment, @@session.autocommit, @@tx_isolation, @@max_allowed_packet')).toEqual([['Atoll distributed SQL', 1n, 'REPEATABLE-READ', 67108864n]]);
    await run(session, "SET NAMES utf8mb4; SET @x = 5; SET SESSION sql_select_limit = 10; SET @@session.transaction_isolation = 'READ-COMMITTED'");
    expect(await rows(session, 'SELECT @x + 1, @@sql_select_limit, @@transaction_isolation, @@tx_isolation')).toEqual([[6n, 10n, 'READ-COMMITTED', 'READ-COMMITTED']]);
    expect(await errnoOf(session, 'SELECT @@nope')).toBe(1193);
    expect(await rows(session, "SHOW VARIABLES LIKE 'auto%'")).toEqual([['auto_increment_increment', '1'], ['auto_increment_offset', '1'], ['autocommit', '1']]);
    await run(session, 'CREATE DATABASE d; USE d; CREATE TABLE t(id BIGINT PRIMARY KEY, v DECIMAL(10,2) DEFAULT 1.5, KEY kv (v))');
    expect(await rows(session, 'DESCRIBE t')).toEqual([['id', 'bigint', 'NO', 'PRI', null, ''], ['v', 'decimal(10,2)', 'YES', 'MUL', '1.50', '']]);
    const create = await rows(session, 'SHOW CREATE TABLE t');
    expect(create[0]![1]).toContain('PRIMARY KEY (`id`)');
    expect((await rows(session, 'SHOW INDEX FROM t')).map((r) => r[2])).toEqual(['PRIMARY', 'kv']);
    expect(await rows(session, 'SELECT DATABASE(), USER(), CONNECTION_ID()')).toEqual([['d', 'root@localhost', 7n]]);
    expect(await errnoOf(session, 'SHOW PROCESSLIST')).toBe(1235);
  });

  it('prepares and executes statements with parameters', async () => {
    const { session } = await newSession();
    await run(session, 'CREATE DATABASE d; USE d; CREATE TABLE t(a INT PRIMARY KEY, s VARCHAR(5))');
    const ins = await session.prepare('INSERT INTO t VALUES (?, ?)');
    expect(ins.paramCount).toBe(2);
    expect(await session.executePrepared(ins.statementId, [1n, 'one'])).toMatchObject({ kind: 'ok', affectedRows: 1n });
    expect(await session.executePrepared(ins.statementId, [2n, 'two'])).toMatchObject({ kind: 'ok' });
    const sel = await session.prepare('SELECT s FROM t WHERE a = ?');
    expect(sel.columns.map((c) => c.name)).toEqual(['s']);
    expect(await session.executePrepared(sel.statementId, [2n])).toMatchObject({ kind: 'rows', rows: [['two']] });
    expect(await session.executePrepared(99, [])).toMatchObject({ kind: 'error', error: { errno: 1243 } });
    session.closePrepared(sel.statementId);
    expect(await session.executePrepared(sel.statementId, [2n])).toMatchObject({ kind: 'error', error: { errno: 1243 } });
  });

  it('runs multi-statement text in order and stops at the first error', async () => {
    const { session } = await newSession();
    const results = await session.query("SELECT 1; SELECT 'a;b' -- c;\n; SELECT nope; SELECT 3");
    expect(results.map((r) => r.kind)).toEqual(['rows', 'rows', 'error']);
    expect(await session.query('  ')).toMatchObject([{ kind: 'error', error: { errno: 1065 } }]);
  });
});

describe('multi-statements', () => {
  it('refuses a text with a second statement when the client did not enable them, running none of it', async () => {
    const { session } = await newSession();
    await run(session, 'CREATE DATABASE m; USE m; CREATE TABLE t (id INT PRIMARY KEY)');
    const [refused, ...rest] = await session.query('INSERT INTO t VALUES (1);\n  INSERT INTO t VALUES (2)', { multiStatements: false });
    expect(rest).toEqual([]);
    expect(refused!.kind === 'error' && [refused.error.errno, refused.error.message]).toEqual([
      1064,
      "You have an error in your SQL syntax; check the manual that corresponds to your MySQL server version for the right syntax to use near 'INSERT INTO t VALUES (2)' at line 2",
    ]);
    expect(await rows(session, 'SELECT COUNT(*) FROM t')).toEqual([[0n]]);
    // One statement (a trailing ';' and comment included) runs; with the flag on both run.
    expect((await session.query('INSERT INTO t VALUES (1); -- done', { multiStatements: false }))[0]!.kind).toBe('ok');
    expect((await session.query('INSERT INTO t VALUES (2); INSERT INTO t VALUES (3)')).map((r) => r.kind)).toEqual(['ok', 'ok']);
    expect(await rows(session, 'SELECT COUNT(*) FROM t')).toEqual([[3n]]);
  });
});

describe('savepoints', () => {
  it('rolls back to, releases and forgets savepoints as InnoDB does', async () => {
    const { session } = await newSession();
    await run(session, 'CREATE DATABASE s; USE s; CREATE TABLE t (id INT PRIMARY KEY, v INT)');
    await run(session, 'INSERT INTO t VALUES (1, 10)');
    await run(session, 'BEGIN');
    await run(session, 'UPDATE t SET v = 11 WHERE id = 1');
    await run(session, 'SAVEPOINT a');
    await run(session, 'INSERT INTO t VALUES (2, 20)');
    await run(session, 'UPDATE t SET v = 12 WHERE id = 1');
    await run(session, 'SAVEPOINT b');
    await run(session, 'INSERT INTO t VALUES (3, 30)');
    expect(await rows(session, 'SELECT id, v FROM t ORDER BY id')).toEqual([[1n, 12n], [2n, 20n], [3n, 30n]]);
    await run(session, 'ROLLBACK TO SAVEPOINT a');
    // Back to the state at `a`; `b` is gone, `a` stays.
    expect(await rows(session, 'SELECT id, v FROM t ORDER BY id')).toEqual([[1n, 11n]]);
    expect(await errnoOf(session, 'ROLLBACK TO b')).toBe(1305);
    await run(session, 'INSERT INTO t VALUES (4, 40)');
    await run(session, 'ROLLBACK WORK TO a');
    await run(session, 'INSERT INTO t VALUES (5, 50)');
    await run(session, 'RELEASE SAVEPOINT a');
    expect(await errnoOf(session, 'RELEASE SAVEPOINT a')).toBe(1305);
    // A failed statement after a savepoint leaves nothing, and the savepoint still works.
    await run(session, 'SAVEPOINT c');
    expect(await errnoOf(session, 'INSERT INTO t VALUES (6, 60), (5, 0)')).toBe(1062);
    await run(session, 'INSERT INTO t VALUES (7, 70)');
    await run(session, 'ROLLBACK TO c');
    await run(session, 'COMMIT');
    expect(await rows(session, 'SELECT id, v FROM t ORDER BY id')).toEqual([[1n, 11n], [5n, 50n]]);
    // Outside a transaction a savepoint is not kept; ROLLBACK drops them all.
    await run(session, 'SAVEPOINT x');
    expect(await errnoOf(session, 'ROLLBACK TO x')).toBe(1305);
    await run(session, 'BEGIN; SAVEPOINT y; INSERT INTO t VALUES (8, 80); ROLLBACK');
    expect(await errnoOf(session, 'ROLLBACK TO y')).toBe(1305);
    expect(await rows(session, 'SELECT COUNT(*) FROM t')).toEqual([[2n]]);
  });
});
