/**
 * Proves the information_schema tables tools read (SCHEMATA, TABLES, COLUMNS, STATISTICS,
 * KEY_COLUMN_USAGE, VIEWS) through a session: they reflect the catalog of the statement's
 * transaction, filter and join like tables, and an unknown one is errno 1109.
 */
import { describe, expect, it } from 'vitest';
import { errnoOf, newSession, rows, run } from '../test-support/engine-fixture.js';

describe('information_schema', () => {
  it('describes databases, tables, columns, indexes and views', async () => {
    const { session: s } = await newSession();
    await run(s, 'CREATE DATABASE d');
    await s.useDatabase('d');
    await run(s, 'CREATE TABLE t (id INT AUTO_INCREMENT PRIMARY KEY, v VARCHAR(5) UNIQUE, n DECIMAL(5,2) DEFAULT 1.5, KEY kn (n, v))');
    await run(s, 'CREATE VIEW vv AS SELECT id FROM t');
    expect(await rows(s, 'SELECT SCHEMA_NAME FROM information_schema.SCHEMATA ORDER BY 1')).toEqual([['d'], ['information_schema']]);
    expect(await rows(s, "SELECT TABLE_NAME, TABLE_TYPE FROM information_schema.TABLES WHERE TABLE_SCHEMA = 'd' ORDER BY TABLE_NAME")).toEqual([['t', 'BASE TABLE'], ['vv', 'VIEW']]);
    expect(await rows(s, "SELECT COLUMN_NAME, DATA_TYPE, COLUMN_TYPE, IS_NULLABLE, COLUMN_KEY, COLUMN_DEFAULT, EXTRA FROM information_schema.COLUMNS WHERE TABLE_SCHEMA = 'd' AND TABLE_NAME = 't' ORDER BY ORDINAL_POSITION")).toEqual([
      ['id', 'int', 'int', 'NO', 'PRI', null, 'auto_increment'],
      ['v', 'varchar', 'varchar(5)', 'YES', 'UNI', null, ''],
      ['n', 'decimal', 'decimal(5,2)', 'YES', 'MUL', '1.50', ''],
    ]);
    expect(await rows(s, "SELECT INDEX_NAME, SEQ_IN_INDEX, COLUMN_NAME, NON_UNIQUE FROM information_schema.STATISTICS WHERE TABLE_NAME = 't' ORDER BY INDEX_NAME, SEQ_IN_INDEX")).toEqual([
      ['kn', 1n, 'n', 1n], ['kn', 2n, 'v', 1n], ['PRIMARY', 1n, 'id', 0n], ['v', 1n, 'v', 0n],
    ]);
    expect(await rows(s, "SELECT CONSTRAINT_NAME, COLUMN_NAME FROM information_schema.KEY_COLUMN_USAGE WHERE TABLE_SCHEMA = 'd' ORDER BY 1")).toEqual([['PRIMARY', 'id'], ['v', 'v']]);
    expect(await rows(s, 'SELECT TABLE_NAME, VIEW_DEFINITION FROM information_schema.VIEWS')).toEqual([['vv', 'SELECT id FROM t']]);
    expect(await rows(s, 'SELECT t.TABLE_NAME, COUNT(*) FROM information_schema.TABLES t JOIN information_schema.COLUMNS c ON c.TABLE_SCHEMA = t.TABLE_SCHEMA AND c.TABLE_NAME = t.TABLE_NAME GROUP BY t.TABLE_NAME')).toEqual([['t', 3n]]);
    await run(s, 'DROP TABLE t');
    expect(await rows(s, "SELECT COUNT(*) FROM information_schema.COLUMNS WHERE TABLE_SCHEMA = 'd'")).toEqual([[0n]]);
    expect(await errnoOf(s, 'SELECT * FROM information_schema.nope')).toBe(1109);
  });
});
