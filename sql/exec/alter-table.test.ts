/**
 * Proves ALTER TABLE through a session: ADD COLUMN fills existing rows with the default (or
 * the type's zero for NOT NULL), DROP COLUMN shifts rows and indexes (an index left empty
 * goes), MODIFY/CHANGE convert values strictly (1406 when one does not fit), ADD/DROP INDEX
 * and ADD UNIQUE (1062 on duplicates), RENAME TO; indexes keep answering queries after each.
 */
import { describe, expect, it } from 'vitest';
import { errnoOf, newSession, rows, run } from '../test-support/engine-fixture.js';

describe('ALTER TABLE', () => {
  it('adds, drops, modifies and renames', async () => {
    const { session: s } = await newSession();
    await run(s, 'CREATE DATABASE d');
    await s.useDatabase('d');
    await run(s, 'CREATE TABLE t (id INT PRIMARY KEY, b INT, c VARCHAR(10), KEY kb (b), KEY kbc (b, c))');
    await run(s, "INSERT INTO t VALUES (1, 10, 'xx'), (2, 20, 'y')");
    await run(s, 'ALTER TABLE t ADD COLUMN d INT NOT NULL DEFAULT 3, ADD z INT NOT NULL');
    expect(await rows(s, 'SELECT id, b, c, d, z FROM t ORDER BY id')).toEqual([[1n, 10n, 'xx', 3n, 0n], [2n, 20n, 'y', 3n, 0n]]);
    await run(s, 'ALTER TABLE t DROP COLUMN b');
    expect(await rows(s, 'SELECT * FROM t ORDER BY id')).toEqual([[1n, 'xx', 3n, 0n], [2n, 'y', 3n, 0n]]);
    expect((await rows(s, 'SHOW INDEX FROM t')).map((r) => [r[2], r[4]])).toEqual([['PRIMARY', 'id'], ['kbc', 'c']]);
    expect(await rows(s, "SELECT id FROM t WHERE c = 'y'")).toEqual([[2n]]);
    expect(await errnoOf(s, 'ALTER TABLE t MODIFY c VARCHAR(1)')).toBe(1406);
    await run(s, 'ALTER TABLE t CHANGE c cc VARCHAR(20) NOT NULL, MODIFY d BIGINT');
    expect((await rows(s, 'DESCRIBE t')).map((r) => [r[0], r[1], r[2]])).toEqual([['id', 'int', 'NO'], ['cc', 'varchar(20)', 'NO'], ['d', 'bigint', 'YES'], ['z', 'int', 'NO']]);
    expect(await errnoOf(s, 'ALTER TABLE t ADD UNIQUE KEY ud (d)')).toBe(1062);
    await run(s, 'ALTER TABLE t ADD UNIQUE KEY uc (cc), ADD INDEX iz (z)');
    expect(await errnoOf(s, "INSERT INTO t VALUES (3, 'Y', 1, 1)")).toBe(1062);
    await run(s, 'ALTER TABLE t DROP INDEX iz, RENAME TO u');
    expect(await rows(s, "SELECT id, d FROM u WHERE cc = 'xx'")).toEqual([[1n, 3n]]);
    expect(await errnoOf(s, 'SELECT * FROM t')).toBe(1146);
    expect(await errnoOf(s, 'ALTER TABLE u DROP COLUMN nope')).toBe(1091);
    expect(await errnoOf(s, 'ALTER TABLE u ADD cc INT')).toBe(1060);
  });
});
