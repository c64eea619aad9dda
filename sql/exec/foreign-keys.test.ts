/**
 * Proves FOREIGN KEY enforcement in DML through real sessions: 1452 and 1451 with MySQL's exact
 * texts, CASCADE and SET NULL down a three-level chain, self-referencing tables, InnoDB's
 * cascade depth limit (3008), foreign_key_checks = 0, REPLACE / ON DUPLICATE KEY UPDATE /
 * INSERT IGNORE, statement atomicity in and out of explicit transactions, the parent row lock
 * against a concurrent delete, the key-share lock against a parent delete whose snapshot missed
 * a child (1213, or 1451 / a cascade after the autocommit retry; concurrent children of one
 * parent still commit), and that parent and child lookups read an index range, never a
 * whole table (a recording TxnKv sees every scan). A fast-check property runs random
 * statement sequences on a parent/child pair and finds no orphan (an anti-join) after any
 * statement, and a failed statement changes nothing.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { timestamp } from '../../src/base/ids.js';
import type { Logger } from '../../src/base/logger.js';
import { TimestampOracle } from '../../src/meta/timestamp-oracle.js';
import { LocalTxnKv } from '../../src/txn/local-txn-kv.js';
import type { BeginOptions, KeyRange, KvPair, ScanOptions, Txn, TxnKv } from '../../src/txn/txn-kv.js';
import { createMemoryMvccStore } from '../../storage/memory-mvcc-store.js';
import { decodeKey } from '../../storage/key-codec.js';
import type { SqlSession } from '../session-api.js';
import { SqlEngine } from '../sql-engine.js';
import { getTable } from '../catalog.js';
import { errnoOf, newSession, rows, run } from '../test-support/engine-fixture.js';

async function session(): Promise<{ s: SqlSession; engine: SqlEngine }> {
  const { session: s, engine } = await newSession();
  await run(s, 'CREATE DATABASE d');
  await s.useDatabase('d');
  return { s, engine };
}

async function failure(s: SqlSession, sql: string): Promise<[number, string] | undefined> {
  const results = await s.query(sql);
  const last = results[results.length - 1]!;
  return last.kind === 'error' ? [last.error.errno, last.error.message] : undefined;
}

const count = async (s: SqlSession, table: string): Promise<bigint> => (await rows(s, `SELECT COUNT(*) FROM ${table}`))[0]![0] as bigint;

describe('child side: 1452', () => {
  it('refuses a child row without its parent, with MySQL\'s message; NULL in the key passes', async () => {
    const { s } = await session();
    await run(s, 'CREATE TABLE p (id INT PRIMARY KEY, code VARCHAR(5), UNIQUE KEY u (id, code))');
    await run(s, 'CREATE TABLE c (id INT PRIMARY KEY, pid INT, code VARCHAR(5), CONSTRAINT fk FOREIGN KEY (pid) REFERENCES p (id), CONSTRAINT fk2 FOREIGN KEY (pid, code) REFERENCES p (id, code) ON UPDATE CASCADE)');
    expect(await failure(s, 'INSERT INTO c VALUES (1, 10, NULL)')).toEqual([1452, 'Cannot add or update a child row: a foreign key constraint fails (`d`.`c`, CONSTRAINT `fk` FOREIGN KEY (`pid`) REFERENCES `p` (`id`))']);
    await run(s, "INSERT INTO p VALUES (10, 'abc')");
    await run(s, 'INSERT INTO c VALUES (1, 10, NULL), (2, NULL, NULL), (3, NULL, \'zzz\')');
    // Strings match through the collation, as the parent's index compares them.
    await run(s, "INSERT INTO c VALUES (4, 10, 'ABC')");
    expect(await failure(s, "INSERT INTO c VALUES (5, 10, 'abd')")).toEqual([1452, 'Cannot add or update a child row: a foreign key constraint fails (`d`.`c`, CONSTRAINT `fk2` FOREIGN KEY (`pid`, `code`) REFERENCES `p` (`id`, `code`) ON UPDATE CASCADE)']);
    expect(await failure(s, 'UPDATE c SET pid = 11 WHERE id = 1')).toEqual([1452, 'Cannot add or update a child row: a foreign key constraint fails (`d`.`c`, CONSTRAINT `fk` FOREIGN KEY (`pid`) REFERENCES `p` (`id`))']);
    await run(s, 'UPDATE c SET pid = NULL WHERE id = 1');
  });

  it('fails a multi-row statement as a whole, in autocommit and inside a transaction', async () => {
    const { s } = await session();
    await run(s, 'CREATE TABLE p (id INT PRIMARY KEY)');
    await run(s, 'CREATE TABLE c (id INT PRIMARY KEY, pid INT, FOREIGN KEY (pid) REFERENCES p (id))');
    await run(s, 'INSERT INTO p VALUES (1), (2)');
    expect(await errnoOf(s, 'INSERT INTO c VALUES (1, 1), (2, 2), (3, 3)')).toBe(1452);
    expect(await count(s, 'c')).toBe(0n);
    await run(s, 'BEGIN');
    await run(s, 'INSERT INTO p VALUES (3)');
    await run(s, 'INSERT INTO c VALUES (1, 3)');
    expect(await errnoOf(s, 'INSERT INTO c VALUES (2, 1), (4, 4)')).toBe(1452);
    await run(s, 'COMMIT');
    expect(await rows(s, 'SELECT id, pid FROM c')).toEqual([[1n, 3n]]);
    await run(s, 'BEGIN');
    await run(s, 'INSERT INTO p VALUES (9)');
    await run(s, 'INSERT INTO c VALUES (9, 9)');
    await run(s, 'ROLLBACK');
    expect(await rows(s, 'SELECT id FROM p ORDER BY id')).toEqual([[1n], [2n], [3n]]);
  });

  it('lets a row reference itself, but not a row a later VALUES row brings', async () => {
    const { s } = await session();
    await run(s, 'CREATE TABLE e (id INT PRIMARY KEY, boss INT, FOREIGN KEY (boss) REFERENCES e (id))');
    await run(s, 'INSERT INTO e VALUES (1, 1), (2, 1)');
    expect(await errnoOf(s, 'INSERT INTO e VALUES (3, 4), (4, 4)')).toBe(1452);
    await run(s, 'INSERT INTO e VALUES (4, 4), (3, 4)');
  });
});

describe('parent side: 1451, CASCADE, SET NULL', () => {
  it('RESTRICT and NO ACTION refuse deleting or re-keying a referenced row; other updates pass', async () => {
    const { s } = await session();
    await run(s, 'CREATE TABLE p (id INT PRIMARY KEY, v INT)');
    await run(s, 'CREATE TABLE c (pid INT, CONSTRAINT r FOREIGN KEY (pid) REFERENCES p (id) ON DELETE RESTRICT ON UPDATE NO ACTION)');
    await run(s, 'INSERT INTO p VALUES (1, 0), (2, 0)');
    await run(s, 'INSERT INTO c VALUES (1)');
    const refused: [number, string] = [1451, 'Cannot delete or update a parent row: a foreign key constraint fails (`d`.`c`, CONSTRAINT `r` FOREIGN KEY (`pid`) REFERENCES `p` (`id`))'];
    expect(await failure(s, 'DELETE FROM p')).toEqual(refused);
    expect(await failure(s, 'UPDATE p SET id = 3 WHERE id = 1')).toEqual(refused);
    expect(await count(s, 'p')).toBe(2n);
    await run(s, 'UPDATE p SET v = 5');
    await run(s, 'UPDATE p SET id = 3 WHERE id = 2');
    await run(s, 'DELETE FROM p WHERE id = 3');
  });

  it('CASCADE deletes and updates down a three-level chain; SET NULL clears', async () => {
    const { s } = await session();
    await run(s, 'CREATE TABLE a (id INT PRIMARY KEY)');
    await run(s, 'CREATE TABLE b (id INT PRIMARY KEY, aid INT, FOREIGN KEY (aid) REFERENCES a (id) ON DELETE CASCADE ON UPDATE CASCADE)');
    await run(s, 'CREATE TABLE c (id INT PRIMARY KEY, bid INT, FOREIGN KEY (bid) REFERENCES b (id) ON DELETE CASCADE ON UPDATE CASCADE)');
    await run(s, 'CREATE TABLE n (id INT PRIMARY KEY, cid INT, FOREIGN KEY (cid) REFERENCES c (id) ON DELETE SET NULL ON UPDATE SET NULL)');
    await run(s, 'INSERT INTO a VALUES (1), (2)');
    await run(s, 'INSERT INTO b VALUES (10, 1), (11, 1), (20, 2)');
    await run(s, 'INSERT INTO c VALUES (100, 10), (110, 11), (200, 20)');
    await run(s, 'INSERT INTO n VALUES (1, 100), (2, 200)');
    const del = await run(s, 'DELETE FROM a WHERE id = 1');
    expect(del.kind === 'ok' && del.affectedRows).toBe(1n); // cascaded rows are not counted, as in MySQL
    expect(await rows(s, 'SELECT id FROM b')).toEqual([[20n]]);
    expect(await rows(s, 'SELECT id FROM c')).toEqual([[200n]]);
    expect(await rows(s, 'SELECT id, cid FROM n ORDER BY id')).toEqual([[1n, null], [2n, 200n]]);
    await run(s, 'UPDATE b SET id = 21 WHERE id = 20');
    expect(await rows(s, 'SELECT id, bid FROM c')).toEqual([[200n, 21n]]);
    await run(s, 'UPDATE c SET id = 201');
    expect(await rows(s, 'SELECT id, cid FROM n ORDER BY id')).toEqual([[1n, null], [2n, null]]);
    await run(s, 'INSERT INTO n VALUES (3, 201)');
    await run(s, 'UPDATE a SET id = 3 WHERE id = 2');
    expect(await rows(s, 'SELECT b.aid, c.bid, n.cid FROM b, c, n WHERE n.id = 3')).toEqual([[3n, 21n, 201n]]);
  });

  it('self-referencing tables: cascading deletes and SET NULL work; a self ON UPDATE CASCADE is 1451', async () => {
    const { s } = await session();
    await run(s, 'CREATE TABLE t (id INT PRIMARY KEY, up INT, FOREIGN KEY (up) REFERENCES t (id) ON DELETE CASCADE ON UPDATE CASCADE)');
    await run(s, 'INSERT INTO t VALUES (1, NULL), (2, 1), (3, 1), (4, 2), (5, 4), (6, NULL)');
    await run(s, 'DELETE FROM t WHERE id = 1');
    expect(await rows(s, 'SELECT id FROM t')).toEqual([[6n]]);
    await run(s, 'INSERT INTO t VALUES (7, 6)');
    expect(await failure(s, 'UPDATE t SET id = 8 WHERE id = 6')).toEqual([1451, 'Cannot delete or update a parent row: a foreign key constraint fails (`d`.`t`, CONSTRAINT `t_ibfk_1` FOREIGN KEY (`up`) REFERENCES `t` (`id`) ON DELETE CASCADE ON UPDATE CASCADE)']);
    await run(s, 'UPDATE t SET id = 9 WHERE id = 7');
    await run(s, 'CREATE TABLE m (id INT PRIMARY KEY, up INT, FOREIGN KEY (up) REFERENCES m (id) ON DELETE SET NULL)');
    await run(s, 'INSERT INTO m VALUES (1, 1), (2, 1), (3, 2)');
    await run(s, 'DELETE FROM m WHERE id = 1');
    expect(await rows(s, 'SELECT id, up FROM m ORDER BY id')).toEqual([[2n, null], [3n, 2n]]);
  });

  it('cascades nest at most 15 deep (3008), and the failed statement deletes nothing', async () => {
    const { s } = await session();
    await run(s, 'CREATE TABLE t (id INT PRIMARY KEY, up INT, FOREIGN KEY (up) REFERENCES t (id) ON DELETE CASCADE)');
    const chain = (n: number): string => Array.from({ length: n }, (_, i) => `(${i + 1}, ${i === 0 ? 'NULL' : i})`).join(', ');
    await run(s, `INSERT INTO t VALUES ${chain(16)}`);
    await run(s, 'DELETE FROM t WHERE id = 1');
    expect(await count(s, 't')).toBe(0n);
    await run(s, `INSERT INTO t VALUES ${chain(17)}`);
    expect(await failure(s, 'DELETE FROM t WHERE id = 1')).toEqual([3008, 'Foreign key cascade delete/update exceeds max depth of 15.']);
    expect(await count(s, 't')).toBe(17n);
    await run(s, 'DELETE FROM t WHERE id = 2');
    expect(await count(s, 't')).toBe(1n);
  });

  it('REPLACE deletes the old parent row (1451 or cascade); ON DUPLICATE KEY UPDATE cascades; IGNORE warns', async () => {
    const { s } = await session();
    await run(s, 'CREATE TABLE p (id INT PRIMARY KEY, v INT)');
    await run(s, 'CREATE TABLE r (pid INT, FOREIGN KEY (pid) REFERENCES p (id))');
    await run(s, 'CREATE TABLE k (pid INT, FOREIGN KEY (pid) REFERENCES p (id) ON DELETE CASCADE ON UPDATE CASCADE)');
    await run(s, 'INSERT INTO p VALUES (1, 0), (2, 0)');
    await run(s, 'INSERT INTO r VALUES (1)');
    await run(s, 'INSERT INTO k VALUES (2), (2)');
    expect(await errnoOf(s, 'REPLACE INTO p VALUES (1, 5)')).toBe(1451);
    await run(s, 'REPLACE INTO p VALUES (2, 5)');
    expect(await count(s, 'k')).toBe(0n);
    await run(s, 'INSERT INTO k VALUES (2)');
    await run(s, 'INSERT INTO p VALUES (2, 9) ON DUPLICATE KEY UPDATE id = 3');
    expect(await rows(s, 'SELECT pid FROM k')).toEqual([[3n]]);
    const ignored = await run(s, 'INSERT IGNORE INTO k VALUES (3), (42)');
    expect(ignored.kind === 'ok' && ignored.affectedRows).toBe(1n);
    expect(await rows(s, 'SHOW WARNINGS')).toEqual([['Warning', 1452n, 'Cannot add or update a child row: a foreign key constraint fails (`d`.`k`, CONSTRAINT `k_ibfk_1` FOREIGN KEY (`pid`) REFERENCES `p` (`id`) ON DELETE CASCADE ON UPDATE CASCADE)']]);
    expect(await rows(s, 'SELECT pid FROM k ORDER BY pid')).toEqual([[3n], [3n]]);
  });
});

describe('foreign_key_checks', () => {
  it('= 0 turns checks and cascades off, per session or globally for new sessions', async () => {
    const { s, engine } = await session();
    expect(await rows(s, 'SELECT @@foreign_key_checks, @@session.foreign_key_checks')).toEqual([[1n, 1n]]);
    await run(s, 'CREATE TABLE p (id INT PRIMARY KEY)');
    await run(s, 'CREATE TABLE c (pid INT, FOREIGN KEY (pid) REFERENCES p (id) ON DELETE CASCADE)');
    await run(s, 'INSERT INTO p VALUES (1)');
    await run(s, 'INSERT INTO c VALUES (1)');
    await run(s, 'SET foreign_key_checks = OFF');
    await run(s, 'INSERT INTO c VALUES (99)');
    await run(s, 'DELETE FROM p');
    expect(await rows(s, 'SELECT pid FROM c ORDER BY pid')).toEqual([[1n], [99n]]);
    await run(s, 'SET SESSION foreign_key_checks = 1');
    expect(await errnoOf(s, 'INSERT INTO c VALUES (2)')).toBe(1452);
    await run(s, 'SET GLOBAL foreign_key_checks = 0');
    const other = await engine.openSession({ user: 'root', database: 'd', connectionId: 8 });
    expect(await rows(other, 'SELECT @@foreign_key_checks')).toEqual([[0n]]);
    await run(other, 'INSERT INTO c VALUES (3)');
    expect(await errnoOf(s, 'SET foreign_key_checks = 2')).toBe(1231);
  });
});

describe('concurrency', () => {
  it('a child insert locks its parent: a parent deleted after its snapshot fails it (1213), no orphan', async () => {
    const { s, engine } = await session();
    await run(s, 'CREATE TABLE p (id INT PRIMARY KEY)');
    await run(s, 'CREATE TABLE c (pid INT, FOREIGN KEY (pid) REFERENCES p (id))');
    await run(s, 'INSERT INTO p VALUES (1)');
    const other = await engine.openSession({ user: 'root', database: 'd', connectionId: 8 });
    await run(s, 'BEGIN');
    await run(s, 'SELECT 1');
    await run(other, 'DELETE FROM p');
    expect(await errnoOf(s, 'INSERT INTO c VALUES (1)')).toBe(1213);
    await run(s, 'ROLLBACK');
    expect(await count(s, 'c')).toBe(0n);
  });

  const orphans = async (s: SqlSession): Promise<readonly (readonly unknown[])[]> => rows(s, 'SELECT COUNT(*) FROM c LEFT JOIN p ON c.pid = p.id WHERE c.pid IS NOT NULL AND p.id IS NULL');

  it('a parent DELETE whose snapshot misses a child committed under the parent lock fails (1213), no orphan', async () => {
    const { s, engine } = await session();
    await run(s, 'CREATE TABLE p (id INT PRIMARY KEY)');
    await run(s, 'CREATE TABLE c (id INT PRIMARY KEY, pid INT, FOREIGN KEY (pid) REFERENCES p (id))');
    await run(s, 'INSERT INTO p VALUES (1), (2)');
    const other = await engine.openSession({ user: 'root', database: 'd', connectionId: 8 });
    await run(other, 'BEGIN');
    expect(await count(other, 'c')).toBe(0n);
    // The child's parent lock leaves no version on p(1); its commit is newer than other's snapshot.
    await run(s, 'INSERT INTO c VALUES (10, 1)');
    expect(await errnoOf(other, 'DELETE FROM p WHERE id = 1')).toBe(1213);
    await run(other, 'ROLLBACK');
    expect(await orphans(s)).toEqual([[0n]]);
    expect(await rows(s, 'SELECT id FROM p ORDER BY id')).toEqual([[1n], [2n]]);
    // A snapshot taken after the child sees it: 1451, as without the race.
    expect(await errnoOf(other, 'DELETE FROM p WHERE id = 1')).toBe(1451);
  });

  it('children of one parent inserted by two open transactions both commit', async () => {
    const { s, engine } = await session();
    await run(s, 'CREATE TABLE p (id INT PRIMARY KEY)');
    await run(s, 'CREATE TABLE c (id INT PRIMARY KEY, pid INT, FOREIGN KEY (pid) REFERENCES p (id))');
    await run(s, 'INSERT INTO p VALUES (1)');
    const other = await engine.openSession({ user: 'root', database: 'd', connectionId: 8 });
    await run(s, 'BEGIN');
    await run(other, 'BEGIN');
    await run(s, 'INSERT INTO c VALUES (10, 1)');
    const otherInserts = errnoOf(other, 'INSERT INTO c VALUES (11, 1)'); // waits for the parent lock
    await run(s, 'COMMIT');
    expect(await otherInserts).toBeUndefined();
    await run(other, 'COMMIT');
    expect(await rows(s, 'SELECT id, pid FROM c ORDER BY id')).toEqual([[10n, 1n], [11n, 1n]]);
  });

  it.each([
    ['RESTRICT', 1451, [[1n]], [[10n, 1n]]],
    ['CASCADE', undefined, [], []],
  ] as const)('an autocommit parent DELETE (ON DELETE %s) that raced a child insert retries and sees the child', async (action, errno, parents, children) => {
    let gate: ReturnType<typeof gatedKv> | undefined;
    const { s, engine } = await engineOver((inner) => (gate = gatedKv(inner)).kv);
    await run(s, 'CREATE TABLE p (id INT PRIMARY KEY)');
    await run(s, `CREATE TABLE c (id INT PRIMARY KEY, pid INT, FOREIGN KEY (pid) REFERENCES p (id) ON DELETE ${action})`);
    await run(s, 'INSERT INTO p VALUES (1)');
    const other = await engine.openSession({ user: 'root', database: 'd', connectionId: 8 });
    // The DELETE takes its snapshot and stops before locking p(1); the child insert commits meanwhile.
    const held = gate!.holdNextLock();
    const deleting = errnoOf(other, 'DELETE FROM p WHERE id = 1');
    await held.reached;
    await run(s, 'INSERT INTO c VALUES (10, 1)');
    held.release();
    expect(await deleting).toBe(errno);
    expect(await rows(s, 'SELECT id FROM p')).toEqual(parents);
    expect(await rows(s, 'SELECT id, pid FROM c')).toEqual(children);
    expect(await orphans(s)).toEqual([[0n]]);
  });
});

/** A TxnKv whose transactions report every scan and may hold a lock call back before making it. */
function interceptedKv(inner: TxnKv, hooks: { readonly onScan?: (range: KeyRange) => void; readonly beforeLock?: () => Promise<void> }): TxnKv {
  return {
    begin(options?: BeginOptions): Txn {
      const txn = inner.begin(options);
      return {
        get startTs() { return txn.startTs; },
        get finished() { return txn.finished; },
        get: (key) => txn.get(key),
        batchGet: (keys) => txn.batchGet(keys),
        scan(range: KeyRange, opts?: ScanOptions): AsyncIterable<KvPair> {
          hooks.onScan?.(range);
          return txn.scan(range, opts);
        },
        put: (key, value) => txn.put(key, value),
        delete: (key) => txn.delete(key),
        lock: async (key, mode) => {
          await hooks.beforeLock?.();
          return txn.lock(key, mode);
        },
        commit: () => txn.commit(),
        rollback: () => txn.rollback(),
      };
    },
  };
}

/** A TxnKv that records the range of every scan its transactions make. */
function recordingKv(inner: TxnKv, scans: KeyRange[]): TxnKv {
  return interceptedKv(inner, { onScan: (range) => scans.push(range) });
}

/**
 * A TxnKv with a gate: once armed, the next lock call (whichever transaction makes it) waits
 * until released, so a statement can be paused after its snapshot and before its row lock.
 */
function gatedKv(inner: TxnKv): { kv: TxnKv; holdNextLock: () => { reached: Promise<void>; release: () => void } } {
  let armed: { reach: () => void; released: Promise<void> } | null = null;
  const beforeLock = async (): Promise<void> => {
    const gate = armed;
    if (gate === null) return;
    armed = null;
    gate.reach();
    await gate.released;
  };
  const holdNextLock = (): { reached: Promise<void>; release: () => void } => {
    let reach = (): void => {};
    let release = (): void => {};
    const reached = new Promise<void>((resolve) => (reach = resolve));
    const released = new Promise<void>((resolve) => (release = resolve));
    armed = { reach, released };
    return { reached, release };
  };
  return { kv: interceptedKv(inner, { beforeLock }), holdNextLock };
}

/** An engine over `wrap` of a fresh LocalTxnKv, with database `d` and one session in it. */
async function engineOver(wrap: (kv: TxnKv) => TxnKv): Promise<{ s: SqlSession; engine: SqlEngine; kv: TxnKv }> {
  let ms = 1_700_000_000_000;
  const clock = { nowMs: () => ms++, monotonicMs: () => ms };
  const store = createMemoryMvccStore();
  const quiet: Logger = { debug: () => {}, info: () => {}, warn: () => {}, error: () => {} };
  const kv = wrap(new LocalTxnKv(store, new TimestampOracle(clock, timestamp(store.maxCommitTs()))));
  const engine = new SqlEngine({ kv, clock, logger: quiet });
  await engine.init();
  const s = await engine.openSession({ user: 'root', database: null, connectionId: 1 });
  await run(s, 'CREATE DATABASE d');
  await s.useDatabase('d');
  return { s, engine, kv };
}

describe('lookups', () => {
  it('read the parent and the children through an index range, never a whole table', async () => {
    const scans: KeyRange[] = [];
    const { s, kv } = await engineOver((inner) => recordingKv(inner, scans));
    await run(s, 'CREATE TABLE p (id INT PRIMARY KEY, code INT, KEY (code))');
    await run(s, 'CREATE TABLE c (id INT PRIMARY KEY, pid INT, code INT, FOREIGN KEY (pid) REFERENCES p (id) ON DELETE CASCADE, FOREIGN KEY (code) REFERENCES p (code))');
    await run(s, `INSERT INTO p VALUES ${Array.from({ length: 50 }, (_, i) => `(${i}, ${i})`).join(', ')}`);
    await run(s, `INSERT INTO c VALUES ${Array.from({ length: 50 }, (_, i) => `(${i}, ${i}, ${i})`).join(', ')}`);
    const read = kv.begin({ readOnly: true });
    const parentId = BigInt((await getTable(read, 'd', 'p'))!.id);
    const childId = BigInt((await getTable(read, 'd', 'c'))!.id);
    read.rollback();
    // The scans a statement makes of `tableId`, as key-part counts: 2 would be a whole index or table.
    const scansOf = async (sql: string, tableId: bigint): Promise<number[]> => {
      scans.length = 0;
      await run(s, sql);
      return scans.map((r) => decodeKey(r.start)).filter((k) => k[0]!.kind === 'int' && k[0]!.value === tableId).map((k) => k.length);
    };
    // The child's parent checks: a point get on p's primary key, a one-value range on p's index on code.
    expect(await scansOf('INSERT INTO c VALUES (100, 7, 8)', parentId)).toEqual([3]);
    // The parent's children: one range per referencing key, on c's index for it.
    expect(await scansOf('DELETE FROM p WHERE id = 7', childId)).toEqual([3, 3]);
    expect(await scansOf('UPDATE c SET code = 9 WHERE id = 8', parentId)).toEqual([3]);
    expect(await rows(s, 'SELECT COUNT(*) FROM c WHERE pid = 7')).toEqual([[0n]]);
  });
});

describe('property: no orphan survives any statement', () => {
  const actions = ['RESTRICT', 'CASCADE', 'SET NULL'] as const;
  const key = fc.integer({ min: 0, max: 5 });
  const childKey = fc.option(key, { nil: null });
  const sqlOf = (v: number | null): string => (v === null ? 'NULL' : String(v));
  const statement = fc.oneof(
    key.map((a) => `INSERT INTO p VALUES (${a})`),
    fc.tuple(fc.integer({ min: 0, max: 9 }), childKey).map(([id, pid]) => `INSERT INTO c VALUES (${id}, ${sqlOf(pid)})`),
    fc.tuple(fc.integer({ min: 0, max: 9 }), childKey, fc.integer({ min: 0, max: 9 }), childKey).map(([i, p, j, q]) => `INSERT INTO c VALUES (${i}, ${sqlOf(p)}), (${j}, ${sqlOf(q)})`),
    fc.tuple(key, key).map(([a, b]) => `UPDATE p SET id = ${b} WHERE id = ${a}`),
    fc.tuple(fc.integer({ min: 0, max: 9 }), childKey).map(([id, pid]) => `UPDATE c SET pid = ${sqlOf(pid)} WHERE id = ${id}`),
    key.map((a) => `DELETE FROM p WHERE id = ${a}`),
    key.map((a) => `DELETE FROM p WHERE id >= ${a}`),
    fc.integer({ min: 0, max: 9 }).map((id) => `DELETE FROM c WHERE id = ${id}`),
    key.map((a) => `REPLACE INTO p VALUES (${a})`),
    fc.tuple(key, key).map(([a, b]) => `INSERT INTO p VALUES (${a}) ON DUPLICATE KEY UPDATE id = ${b}`),
    fc.constantFrom('BEGIN', 'COMMIT', 'ROLLBACK'),
  );

  it('holds for random statements under RESTRICT, CASCADE and SET NULL', async () => {
    await fc.assert(
      fc.asyncProperty(fc.constantFrom(...actions), fc.constantFrom(...actions), fc.array(statement, { minLength: 5, maxLength: 30 }), async (onDelete, onUpdate, statements) => {
        const { s } = await session();
        await run(s, 'CREATE TABLE p (id INT PRIMARY KEY)');
        await run(s, `CREATE TABLE c (id INT PRIMARY KEY, pid INT, FOREIGN KEY (pid) REFERENCES p (id) ON DELETE ${onDelete} ON UPDATE ${onUpdate})`);
        const state = async (): Promise<string> => JSON.stringify([await rows(s, 'SELECT id FROM p ORDER BY id'), await rows(s, 'SELECT id, pid FROM c ORDER BY id')], (_k, v: unknown) => (typeof v === 'bigint' ? v.toString() : v));
        for (const sql of statements) {
          const before = await state();
          const results = await s.query(sql);
          const last = results[results.length - 1]!;
          if (last.kind === 'error') {
            expect([1062, 1451, 1452]).toContain(last.error.errno);
            expect(await state()).toBe(before);
          }
          const orphans = await rows(s, 'SELECT COUNT(*) FROM c LEFT JOIN p ON c.pid = p.id WHERE c.pid IS NOT NULL AND p.id IS NULL');
          expect(orphans).toEqual([[0n]]);
        }
      }),
      { numRuns: 40 },
    );
  });
});
