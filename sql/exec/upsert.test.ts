/**
 * Proves INSERT's conflict handling through a session: INSERT IGNORE skips a duplicate with
 * warning 1062 (SHOW WARNINGS shows it), REPLACE deletes every conflicting row first,
 * ON DUPLICATE KEY UPDATE updates the first conflicting row with VALUES(), a skipped row
 * leaves no stray index entry, and VALUES () takes every default.
 */
import { describe, expect, it } from 'vitest';
import { errnoOf, newSession, rows, run } from '../test-support/engine-fixture.js';

async function fixture() {
  const { session } = await newSession();
  await run(session, 'CREATE DATABASE d');
  await session.useDatabase('d');
  await run(session, 'CREATE TABLE t (a INT PRIMARY KEY, b INT, c VARCHAR(10) UNIQUE)');
  await run(session, "INSERT INTO t VALUES (1, 10, 'x'), (2, 20, 'y')");
  return session;
}

describe('INSERT conflicts', () => {
  it('INSERT IGNORE skips duplicates with a 1062 warning', async () => {
    const s = await fixture();
    const r = await run(s, "INSERT IGNORE INTO t VALUES (1, 99, 'new'), (3, 30, 'z'), (4, 40, 'x')");
    expect(r.kind === 'ok' && r.affectedRows).toBe(1n);
    expect(r.kind === 'ok' && r.warningCount).toBe(2);
    expect(await rows(s, 'SHOW WARNINGS')).toEqual([
      ['Warning', 1062n, "Duplicate entry '1' for key 't.PRIMARY'"],
      ['Warning', 1062n, "Duplicate entry 'x' for key 't.c'"],
    ]);
    expect(await rows(s, 'SELECT @@warning_count')).toEqual([[2n]]);
    // The skipped row (4, 'x') left no entry in the unique index on c: 'new' is still free.
    await run(s, "INSERT INTO t VALUES (5, 50, 'new')");
    expect(await rows(s, 'SELECT a FROM t ORDER BY a')).toEqual([[1n], [2n], [3n], [5n]]);
    expect(await errnoOf(s, "INSERT INTO t VALUES (6, 60, 'x')")).toBe(1062);
  });

  it('REPLACE deletes every conflicting row, then inserts', async () => {
    const s = await fixture();
    const r = await run(s, "REPLACE INTO t VALUES (1, 11, 'y')");
    expect(r.kind === 'ok' && r.affectedRows).toBe(3n);
    expect(await rows(s, 'SELECT a, b, c FROM t ORDER BY a')).toEqual([[1n, 11n, 'y']]);
    const fresh = await run(s, "REPLACE INTO t SET a = 7, b = 70, c = 'q'");
    expect(fresh.kind === 'ok' && fresh.affectedRows).toBe(1n);
  });

  it('ON DUPLICATE KEY UPDATE updates the existing row, with VALUES()', async () => {
    const s = await fixture();
    const r = await run(s, "INSERT INTO t VALUES (1, 5, 'w') ON DUPLICATE KEY UPDATE b = b + VALUES(b), c = CONCAT(c, VALUES(c))");
    expect(r.kind === 'ok' && r.affectedRows).toBe(2n);
    expect(await rows(s, 'SELECT b, c FROM t WHERE a = 1')).toEqual([[15n, 'xw']]);
    const same = await run(s, "INSERT INTO t VALUES (2, 0, 'y') ON DUPLICATE KEY UPDATE b = b");
    expect(same.kind === 'ok' && same.affectedRows).toBe(0n);
    const inserted = await run(s, "INSERT INTO t VALUES (9, 0, 'k') ON DUPLICATE KEY UPDATE b = 1");
    expect(inserted.kind === 'ok' && inserted.affectedRows).toBe(1n);
    // A conflict on the unique column updates that row.
    await run(s, "INSERT INTO t VALUES (50, 0, 'y') ON DUPLICATE KEY UPDATE b = 77");
    expect(await rows(s, "SELECT a, b FROM t WHERE c = 'y'")).toEqual([[2n, 77n]]);
  });

  it('VALUES () and INSERT INTO t () take every default', async () => {
    const { session: s } = await newSession();
    await run(s, 'CREATE DATABASE e');
    await s.useDatabase('e');
    await run(s, "CREATE TABLE d (id INT AUTO_INCREMENT PRIMARY KEY, n INT DEFAULT 5, t VARCHAR(5) DEFAULT 'x')");
    await run(s, 'INSERT INTO d VALUES ()');
    await run(s, 'INSERT INTO d () VALUES (), ()');
    expect(await rows(s, 'SELECT id, n, t FROM d ORDER BY id')).toEqual([[1n, 5n, 'x'], [2n, 5n, 'x'], [3n, 5n, 'x']]);
    expect(await errnoOf(s, 'INSERT INTO d (n) VALUES ()')).toBe(1136);
  });
});
