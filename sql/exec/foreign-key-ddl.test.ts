/**
 * Proves FOREIGN KEY DDL through a real session, against MySQL 8's texts and error numbers:
 * CREATE TABLE / ALTER TABLE ADD and DROP FOREIGN KEY (generated names, the child index made for
 * a key), the refusals (1239, 1826, 1072, 1830, 1824, 3734, 3780, 1822, 1091), what other DDL
 * must respect (3730, 1701, 1553, 1828, 1829, 3780, 1830), RENAME and CHANGE COLUMN carrying keys
 * along, a child created before its parent (foreign_key_checks = 0), and how keys show in
 * SHOW CREATE TABLE and information_schema.
 */
import { describe, expect, it } from 'vitest';
import type { SqlSession } from '../session-api.js';
import { errnoOf, newSession, rows, run } from '../test-support/engine-fixture.js';

async function fixture(): Promise<SqlSession> {
  const { session } = await newSession();
  await run(session, 'CREATE DATABASE d');
  await session.useDatabase('d');
  await run(session, 'CREATE TABLE p (id INT PRIMARY KEY, code VARCHAR(10) UNIQUE, n INT, KEY idc (id, code))');
  return session;
}

/** The error (errno and message) a statement fails with. */
async function failure(s: SqlSession, sql: string): Promise<[number, string] | undefined> {
  const results = await s.query(sql);
  const last = results[results.length - 1]!;
  return last.kind === 'error' ? [last.error.errno, last.error.message] : undefined;
}

async function createText(s: SqlSession, table: string): Promise<string> {
  return (await rows(s, `SHOW CREATE TABLE ${table}`))[0]![1] as string;
}

describe('creating foreign keys', () => {
  it('SHOW CREATE TABLE prints the key as MySQL does, with the index made for it', async () => {
    const s = await fixture();
    await run(s, 'CREATE TABLE c (id INT PRIMARY KEY, pid INT, code VARCHAR(10), CONSTRAINT `fk` FOREIGN KEY (`pid`) REFERENCES `p` (`id`) ON DELETE CASCADE, FOREIGN KEY (pid, code) REFERENCES p (id, code) ON UPDATE SET NULL ON DELETE RESTRICT)');
    expect(await createText(s, 'c')).toBe([
      'CREATE TABLE `c` (',
      '  `id` int NOT NULL,',
      '  `pid` int DEFAULT NULL,',
      '  `code` varchar(10) DEFAULT NULL,',
      '  PRIMARY KEY (`id`),',
      '  KEY `fk` (`pid`),',
      '  KEY `pid` (`pid`,`code`),',
      '  CONSTRAINT `fk` FOREIGN KEY (`pid`) REFERENCES `p` (`id`) ON DELETE CASCADE,',
      '  CONSTRAINT `c_ibfk_1` FOREIGN KEY (`pid`, `code`) REFERENCES `p` (`id`, `code`) ON DELETE RESTRICT ON UPDATE SET NULL',
      ') ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_general_ci',
    ].join('\n'));
  });

  it('needs no new index when one leads with the key columns; names an index after FOREIGN KEY ix', async () => {
    const s = await fixture();
    await run(s, 'CREATE TABLE c (id INT PRIMARY KEY, pid INT, x INT, KEY k (pid, x), FOREIGN KEY ix (pid) REFERENCES p (id))');
    expect(await rows(s, "SELECT INDEX_NAME FROM information_schema.STATISTICS WHERE TABLE_NAME = 'c' AND SEQ_IN_INDEX = 1 ORDER BY INDEX_NAME")).toEqual([['k'], ['PRIMARY']]);
    await run(s, 'CREATE TABLE c2 (id INT PRIMARY KEY, pid INT, FOREIGN KEY ix (pid) REFERENCES p (id))');
    expect(await createText(s, 'c2')).toContain('KEY `ix` (`pid`),\n  CONSTRAINT `c2_ibfk_1` FOREIGN KEY');
    // A primary key leading with the key's column serves it too.
    await run(s, 'CREATE TABLE c3 (pid INT, n INT, PRIMARY KEY (pid, n), FOREIGN KEY (pid) REFERENCES p (id))');
    expect(await createText(s, 'c3')).not.toContain('KEY `pid`');
  });

  it('numbers generated names one past the highest, per table', async () => {
    const s = await fixture();
    await run(s, 'CREATE TABLE t2 (a INT, b INT, FOREIGN KEY (a) REFERENCES p (id))');
    await run(s, 'ALTER TABLE t2 ADD FOREIGN KEY (b) REFERENCES p (id)');
    await run(s, 'ALTER TABLE t2 DROP FOREIGN KEY t2_ibfk_1');
    await run(s, 'ALTER TABLE t2 ADD FOREIGN KEY (a) REFERENCES p (id)');
    expect(await rows(s, "SELECT CONSTRAINT_NAME FROM information_schema.REFERENTIAL_CONSTRAINTS WHERE TABLE_NAME = 't2' ORDER BY CONSTRAINT_NAME")).toEqual([['t2_ibfk_2'], ['t2_ibfk_3']]);
  });

  it('refuses a bad key with MySQL 8 errors', async () => {
    const s = await fixture();
    await run(s, 'CREATE TABLE other (id INT PRIMARY KEY, pid INT, CONSTRAINT taken FOREIGN KEY (pid) REFERENCES p (id))');
    expect(await failure(s, 'CREATE TABLE c (a INT, FOREIGN KEY (a) REFERENCES p (id, code))')).toEqual([1239, "Incorrect foreign key definition for 'foreign key without name': Key reference and table reference don't match"]);
    expect(await failure(s, 'CREATE TABLE c (a INT, CONSTRAINT TAKEN FOREIGN KEY (a) REFERENCES p (id))')).toEqual([1826, "Duplicate foreign key constraint name 'TAKEN'"]);
    expect(await failure(s, 'CREATE TABLE c (a INT, FOREIGN KEY (nope) REFERENCES p (id))')).toEqual([1072, "Key column 'nope' doesn't exist in table"]);
    const long = `n${'x'.repeat(64)}`;
    expect(await failure(s, `CREATE TABLE c (a INT, CONSTRAINT ${long} FOREIGN KEY (a) REFERENCES p (id))`)).toEqual([1059, `Identifier name '${long}' is too long`]);
    expect(await failure(s, 'CREATE TABLE c (a INT NOT NULL, CONSTRAINT f FOREIGN KEY (a) REFERENCES p (id) ON DELETE SET NULL)')).toEqual([1830, "Column 'a' cannot be NOT NULL: needed in a foreign key constraint 'f' SET NULL"]);
    expect(await failure(s, 'CREATE TABLE c (a INT, FOREIGN KEY (a) REFERENCES missing (id))')).toEqual([1824, "Failed to open the referenced table 'missing'"]);
    expect(await failure(s, 'CREATE TABLE c (a INT, CONSTRAINT f FOREIGN KEY (a) REFERENCES p (nope))')).toEqual([3734, "Failed to add the foreign key constraint. Missing column 'nope' for constraint 'f' in the referenced table 'p'"]);
    expect(await failure(s, 'CREATE TABLE c (a BIGINT, CONSTRAINT f FOREIGN KEY (a) REFERENCES p (id))')).toEqual([3780, "Referencing column 'a' and referenced column 'id' in foreign key constraint 'f' are incompatible."]);
    expect(await failure(s, 'CREATE TABLE c (a INT UNSIGNED, CONSTRAINT f FOREIGN KEY (a) REFERENCES p (id))')).toEqual([3780, "Referencing column 'a' and referenced column 'id' in foreign key constraint 'f' are incompatible."]);
    expect(await failure(s, 'CREATE TABLE c (a INT, CONSTRAINT f FOREIGN KEY (a) REFERENCES p (n))')).toEqual([1822, "Failed to add the foreign key constraint. Missing index for constraint 'f' in the referenced table 'p'"]);
    // Strings of other lengths and CHAR/VARCHAR pair up; the table was not created by the failures.
    await run(s, 'CREATE TABLE c (a CHAR(3), FOREIGN KEY (a) REFERENCES p (code))');
    expect(await failure(s, 'ALTER TABLE c DROP FOREIGN KEY nope')).toEqual([1091, "Can't DROP 'nope'; check that column/key exists"]);
  });

  it('accepts SET DEFAULT and runs it as RESTRICT, as MySQL 8 with InnoDB does', async () => {
    const s = await fixture();
    await run(s, 'CREATE TABLE c (a INT, FOREIGN KEY (a) REFERENCES p (id) ON DELETE SET DEFAULT)');
    expect(await createText(s, 'c')).toContain('REFERENCES `p` (`id`) ON DELETE SET DEFAULT\n');
    await run(s, 'INSERT INTO p VALUES (1, NULL, 0)');
    await run(s, 'INSERT INTO c VALUES (1)');
    expect(await failure(s, 'DELETE FROM p')).toEqual([1451, 'Cannot delete or update a parent row: a foreign key constraint fails (`d`.`c`, CONSTRAINT `c_ibfk_1` FOREIGN KEY (`a`) REFERENCES `p` (`id`))']);
  });

  it('ignores a column-level REFERENCES, as MySQL 8 does', async () => {
    const s = await fixture();
    await run(s, 'CREATE TABLE c (a INT REFERENCES p (id), b INT REFERENCES nowhere (x))');
    expect(await createText(s, 'c')).not.toContain('CONSTRAINT');
    await run(s, 'INSERT INTO c VALUES (42, 42)');
  });

  it('ALTER TABLE ADD FOREIGN KEY checks existing rows unless foreign_key_checks = 0', async () => {
    const s = await fixture();
    await run(s, 'CREATE TABLE c (a INT)');
    await run(s, 'INSERT INTO p VALUES (1, NULL, 0)');
    await run(s, 'INSERT INTO c VALUES (1), (NULL), (2)');
    expect(await failure(s, 'ALTER TABLE c ADD CONSTRAINT f FOREIGN KEY (a) REFERENCES p (id)')).toEqual([1452, 'Cannot add or update a child row: a foreign key constraint fails (`d`.`c`, CONSTRAINT `f` FOREIGN KEY (`a`) REFERENCES `p` (`id`))']);
    expect(await createText(s, 'c')).not.toContain('CONSTRAINT');
    await run(s, 'SET foreign_key_checks = 0');
    await run(s, 'ALTER TABLE c ADD CONSTRAINT f FOREIGN KEY (a) REFERENCES p (id)');
    await run(s, 'SET foreign_key_checks = 1');
    expect(await errnoOf(s, 'INSERT INTO c VALUES (3)')).toBe(1452);
    await run(s, 'ALTER TABLE c DROP FOREIGN KEY f');
    await run(s, 'INSERT INTO c VALUES (3)');
    expect(await createText(s, 'c')).toContain('KEY `f` (`a`)');
  });
});

describe('DDL that foreign keys restrict', () => {
  async function parentAndChild(): Promise<SqlSession> {
    const s = await fixture();
    await run(s, 'CREATE TABLE c (id INT PRIMARY KEY, pid INT, CONSTRAINT fk FOREIGN KEY (pid) REFERENCES p (id))');
    return s;
  }

  it('DROP TABLE of a referenced parent is 3730 unless the child goes too or checks are off', async () => {
    const s = await parentAndChild();
    expect(await failure(s, 'DROP TABLE p')).toEqual([3730, "Cannot drop table 'p' referenced by a foreign key constraint 'fk' on table 'c'."]);
    expect(await failure(s, 'DROP DATABASE d')).toBeUndefined();
    const t = await parentAndChild();
    await run(t, 'DROP TABLE p, c');
    const u = await parentAndChild();
    await run(u, 'SET foreign_key_checks = 0');
    await run(u, 'DROP TABLE p');
    await run(u, 'SET foreign_key_checks = 1');
    // The child keeps its key; with no parent every non-NULL value fails.
    expect(await errnoOf(u, 'INSERT INTO c VALUES (1, 1)')).toBe(1452);
    await run(u, 'INSERT INTO c VALUES (2, NULL)');
    // A table created under the old name is the parent again.
    await run(u, 'CREATE TABLE p (id INT PRIMARY KEY)');
    await run(u, 'INSERT INTO p VALUES (1)');
    await run(u, 'INSERT INTO c VALUES (1, 1)');
    expect(await failure(u, 'DELETE FROM p')).toEqual([1451, 'Cannot delete or update a parent row: a foreign key constraint fails (`d`.`c`, CONSTRAINT `fk` FOREIGN KEY (`pid`) REFERENCES `p` (`id`))']);
  });

  it('DROP DATABASE of a parent referenced from another database is 3730', async () => {
    const s = await fixture();
    await run(s, 'CREATE DATABASE e');
    await run(s, 'CREATE TABLE e.c (pid INT, CONSTRAINT fk FOREIGN KEY (pid) REFERENCES d.p (id))');
    expect(await createText(s, 'e.c')).toContain('REFERENCES `d`.`p` (`id`)');
    expect(await failure(s, 'DROP DATABASE d')).toEqual([3730, "Cannot drop table 'p' referenced by a foreign key constraint 'fk' on table 'c'."]);
    await run(s, 'DROP DATABASE e');
    await run(s, 'DROP TABLE p');
  });

  it('TRUNCATE of a referenced parent is 1701; of a self-referencing table it works', async () => {
    const s = await parentAndChild();
    expect(await failure(s, 'TRUNCATE TABLE p')).toEqual([1701, 'Cannot truncate a table referenced in a foreign key constraint (`d`.`c`, CONSTRAINT `fk`)']);
    await run(s, 'CREATE TABLE tree (id INT PRIMARY KEY, up INT, FOREIGN KEY (up) REFERENCES tree (id))');
    await run(s, 'INSERT INTO tree VALUES (1, NULL), (2, 1)');
    await run(s, 'TRUNCATE TABLE tree');
    await run(s, 'SET foreign_key_checks = 0');
    await run(s, 'TRUNCATE TABLE p');
  });

  it('dropping an index a key needs is 1553, on either side; another serving index lets it go', async () => {
    const s = await parentAndChild();
    expect(await failure(s, 'DROP INDEX fk ON c')).toEqual([1553, "Cannot drop index 'fk': needed in a foreign key constraint"]);
    expect(await errnoOf(s, 'ALTER TABLE c DROP INDEX fk')).toBe(1553);
    await run(s, 'CREATE TABLE c2 (id INT PRIMARY KEY, code VARCHAR(10), FOREIGN KEY (code) REFERENCES p (code))');
    expect(await failure(s, 'ALTER TABLE p DROP INDEX code')).toEqual([1553, "Cannot drop index 'code': needed in a foreign key constraint"]);
    await run(s, 'CREATE INDEX pid2 ON c (pid, id)');
    await run(s, 'DROP INDEX fk ON c');
    expect(await errnoOf(s, 'DROP INDEX pid2 ON c')).toBe(1553);
  });

  it('dropping a key column is 1828 (child) or 1829 (parent, checks on)', async () => {
    const s = await parentAndChild();
    expect(await failure(s, 'ALTER TABLE c DROP COLUMN pid')).toEqual([1828, "Cannot drop column 'pid': needed in a foreign key constraint 'fk'"]);
    expect(await failure(s, 'ALTER TABLE p DROP COLUMN id')).toEqual([1829, "Cannot drop column 'id': needed in a foreign key constraint 'fk' of table 'c'"]);
    await run(s, 'ALTER TABLE p DROP COLUMN n');
  });

  it('changing a key column to an incompatible type is 3780; NOT NULL under SET NULL is 1830', async () => {
    const s = await parentAndChild();
    expect(await failure(s, 'ALTER TABLE c MODIFY pid BIGINT')).toEqual([3780, "Referencing column 'pid' and referenced column 'id' in foreign key constraint 'fk' are incompatible."]);
    expect(await failure(s, 'ALTER TABLE p CHANGE id id1 BIGINT')).toEqual([3780, "Referencing column 'pid' and referenced column 'id1' in foreign key constraint 'fk' are incompatible."]);
    await run(s, 'CREATE TABLE n (pid INT, CONSTRAINT sn FOREIGN KEY (pid) REFERENCES p (id) ON DELETE SET NULL)');
    expect(await failure(s, 'ALTER TABLE n MODIFY pid INT NOT NULL')).toEqual([1830, "Column 'pid' cannot be NOT NULL: needed in a foreign key constraint 'sn' SET NULL"]);
    await run(s, 'ALTER TABLE c MODIFY pid INT NOT NULL');
  });

  it('RENAME TO and CHANGE COLUMN carry the keys along', async () => {
    const s = await parentAndChild();
    await run(s, 'CREATE TABLE t2 (c1 INT, FOREIGN KEY (c1) REFERENCES p (id))');
    await run(s, 'ALTER TABLE p RENAME TO p2');
    await run(s, 'ALTER TABLE p2 CHANGE id id1 INT');
    expect(await createText(s, 'c')).toContain('CONSTRAINT `fk` FOREIGN KEY (`pid`) REFERENCES `p2` (`id1`)');
    await run(s, 'ALTER TABLE t2 RENAME TO t3');
    expect(await createText(s, 't3')).toContain('CONSTRAINT `t3_ibfk_1` FOREIGN KEY (`c1`) REFERENCES `p2` (`id1`)');
    expect(await failure(s, 'INSERT INTO t3 VALUES (1)')).toEqual([1452, 'Cannot add or update a child row: a foreign key constraint fails (`d`.`t3`, CONSTRAINT `t3_ibfk_1` FOREIGN KEY (`c1`) REFERENCES `p2` (`id1`))']);
    await run(s, 'INSERT INTO p2 VALUES (1, NULL, 0)');
    await run(s, 'INSERT INTO t3 VALUES (1)');
    expect(await failure(s, 'DELETE FROM p2')).toEqual([1451, 'Cannot delete or update a parent row: a foreign key constraint fails (`d`.`t3`, CONSTRAINT `t3_ibfk_1` FOREIGN KEY (`c1`) REFERENCES `p2` (`id1`))']);
    await run(s, 'ALTER TABLE c CHANGE pid parent INT');
    expect(await createText(s, 'c')).toContain('CONSTRAINT `fk` FOREIGN KEY (`parent`) REFERENCES `p2` (`id1`)');
  });

  it('a child created before its parent (checks off) is linked when the parent appears', async () => {
    const s = await fixture();
    await run(s, 'SET foreign_key_checks = 0');
    await run(s, 'CREATE TABLE kid (pid INT, CONSTRAINT early FOREIGN KEY (pid) REFERENCES later (id) ON DELETE CASCADE)');
    await run(s, 'INSERT INTO kid VALUES (7)');
    await run(s, 'SET foreign_key_checks = 1');
    await run(s, 'CREATE TABLE later (id INT PRIMARY KEY)');
    await run(s, 'INSERT INTO later VALUES (7)');
    await run(s, 'DELETE FROM later');
    expect(await rows(s, 'SELECT COUNT(*) FROM kid')).toEqual([[0n]]);
    expect(await failure(s, 'DROP TABLE later')).toEqual([3730, "Cannot drop table 'later' referenced by a foreign key constraint 'early' on table 'kid'."]);
    // With checks on, a parent that cannot serve the waiting key is refused.
    await run(s, 'SET foreign_key_checks = 0');
    await run(s, 'CREATE TABLE kid2 (pid INT, CONSTRAINT early2 FOREIGN KEY (pid) REFERENCES later2 (id))');
    await run(s, 'SET foreign_key_checks = 1');
    expect(await failure(s, 'CREATE TABLE later2 (id INT)')).toEqual([1822, "Failed to add the foreign key constraint. Missing index for constraint 'early2' in the referenced table 'later2'"]);
  });
});

describe('dump and restore', () => {
  it('SHOW CREATE TABLE texts run in name order with checks off give the same tables and keys', async () => {
    const s = await fixture();
    await run(s, 'CREATE TABLE c (id INT PRIMARY KEY, pid INT, code VARCHAR(10), CONSTRAINT fk FOREIGN KEY (pid, code) REFERENCES p (id, code) ON DELETE CASCADE ON UPDATE SET NULL)');
    const texts = [await createText(s, 'c'), await createText(s, 'p')];
    await run(s, 'DROP TABLE c, p');
    await run(s, 'SET @OLD_FOREIGN_KEY_CHECKS = @@FOREIGN_KEY_CHECKS, FOREIGN_KEY_CHECKS = 0');
    for (const text of texts) await run(s, text);
    await run(s, "INSERT INTO c VALUES (1, 1, 'a')");
    await run(s, "INSERT INTO p VALUES (1, 'a', 0)");
    await run(s, 'SET FOREIGN_KEY_CHECKS = @OLD_FOREIGN_KEY_CHECKS');
    expect([await createText(s, 'c'), await createText(s, 'p')]).toEqual(texts);
    await run(s, 'DELETE FROM p');
    expect(await rows(s, 'SELECT COUNT(*) FROM c')).toEqual([[0n]]);
  });
});

describe('information_schema', () => {
  it('shows keys in KEY_COLUMN_USAGE, REFERENTIAL_CONSTRAINTS and TABLE_CONSTRAINTS', async () => {
    const s = await fixture();
    await run(s, 'CREATE TABLE c (id INT PRIMARY KEY, pid INT, code VARCHAR(10), CONSTRAINT fk FOREIGN KEY (pid, code) REFERENCES p (id, code) ON DELETE CASCADE, CONSTRAINT ck CHECK (id > 0))');
    expect(await rows(s, "SELECT CONSTRAINT_NAME, COLUMN_NAME, ORDINAL_POSITION, POSITION_IN_UNIQUE_CONSTRAINT, REFERENCED_TABLE_SCHEMA, REFERENCED_TABLE_NAME, REFERENCED_COLUMN_NAME FROM information_schema.KEY_COLUMN_USAGE WHERE TABLE_NAME = 'c' ORDER BY CONSTRAINT_NAME, ORDINAL_POSITION")).toEqual([
      ['fk', 'pid', 1n, 1n, 'd', 'p', 'id'],
      ['fk', 'code', 2n, 2n, 'd', 'p', 'code'],
      ['PRIMARY', 'id', 1n, null, null, null, null],
    ]);
    expect(await rows(s, 'SELECT CONSTRAINT_SCHEMA, CONSTRAINT_NAME, UNIQUE_CONSTRAINT_SCHEMA, UNIQUE_CONSTRAINT_NAME, MATCH_OPTION, UPDATE_RULE, DELETE_RULE, TABLE_NAME, REFERENCED_TABLE_NAME FROM information_schema.REFERENTIAL_CONSTRAINTS')).toEqual([
      ['d', 'fk', 'd', 'idc', 'NONE', 'NO ACTION', 'CASCADE', 'c', 'p'],
    ]);
    expect(await rows(s, "SELECT CONSTRAINT_NAME, CONSTRAINT_TYPE, ENFORCED FROM information_schema.TABLE_CONSTRAINTS WHERE TABLE_NAME = 'c' ORDER BY CONSTRAINT_TYPE")).toEqual([
      ['ck', 'CHECK', 'YES'],
      ['fk', 'FOREIGN KEY', 'YES'],
      ['PRIMARY', 'PRIMARY KEY', 'YES'],
    ]);
  });
});
