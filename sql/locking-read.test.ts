/**
 * Proves the session's transactional duties: SELECT … FOR UPDATE and LOCK IN SHARE MODE lock
 * the rows they read (a concurrent writer waits for the commit; a plain read locks nothing) and
 * keep REPEATABLE READ's snapshot (a row changed since it fails with 1213); autocommit statements never surface a write conflict
 * (concurrent increments all land), while an explicit transaction's deadlock reaches the
 * client as 1213; and
 * `LIMIT ?` works in prepared statements, which report their result columns at prepare time.
 */
import { describe, expect, it } from 'vitest';
import type { SqlSession, StatementResult } from './session-api.js';
import { newEngineSession } from './test-support/plan-cache-fixture.js';

const last = (r: StatementResult[]): StatementResult => r[r.length - 1]!;

async function twoSessions(): Promise<{ a: SqlSession; b: SqlSession }> {
  const { engine, session: a } = await newEngineSession(true);
  await a.query('CREATE DATABASE d; USE d; CREATE TABLE t (id INT PRIMARY KEY, v INT, KEY kv (v)); INSERT INTO t VALUES (1, 10), (2, 20), (3, 30)');
  const b = await engine.openSession({ user: 'root', database: 'd', connectionId: 8 });
  return { a, b };
}

const settledWithin = async (p: Promise<unknown>, ms: number): Promise<boolean> => {
  let settled = false;
  void p.then(() => { settled = true; }, () => { settled = true; });
  await new Promise((r) => setTimeout(r, ms));
  return settled;
};

describe('locking reads', () => {
  for (const clause of ['FOR UPDATE', 'LOCK IN SHARE MODE']) {
    it(`${clause} locks the rows read: a writer waits for the commit, then applies on top`, async () => {
      const { a, b } = await twoSessions();
      await a.query('BEGIN');
      expect(last(await a.query(`SELECT v FROM t WHERE id = 1 ${clause}`))).toMatchObject({ rows: [[10n]] });
      const write = b.query('UPDATE t SET v = v + 1 WHERE id = 1');
      expect(await settledWithin(write, 40)).toBe(false);
      await a.query('UPDATE t SET v = v + 100 WHERE id = 1');
      expect(last(await a.query('COMMIT')).kind).toBe('ok');
      expect(last(await write)).toMatchObject({ kind: 'ok', affectedRows: 1n });
      expect(last(await a.query('SELECT v FROM t WHERE id = 1'))).toMatchObject({ rows: [[111n]] });
    });
  }

  it('keeps the snapshot under REPEATABLE READ: locking a row changed since then is a conflict (1213)', async () => {
    const { a, b } = await twoSessions();
    await a.query('BEGIN');
    expect(last(await a.query('SELECT v FROM t WHERE id = 2'))).toMatchObject({ rows: [[20n]] });
    await b.query('UPDATE t SET v = 21 WHERE id = 2');
    expect(last(await a.query('SELECT v FROM t WHERE id = 2'))).toMatchObject({ rows: [[20n]] });
    expect(last(await a.query('SELECT id, v FROM t WHERE id = 1 FOR UPDATE'))).toMatchObject({ rows: [[1n, 10n]] });
    const locked = last(await a.query('SELECT id, v FROM t WHERE id >= 2 ORDER BY id FOR UPDATE'));
    expect(locked.kind === 'error' && locked.error.errno).toBe(1213);
    await a.query('ROLLBACK');
  });

  it('locks rows found through a secondary index range, and no others', async () => {
    const { a, b } = await twoSessions();
    await a.query('BEGIN');
    await a.query('SELECT id FROM t WHERE v BETWEEN 15 AND 25 FOR UPDATE');
    expect(last(await b.query('UPDATE t SET v = 31 WHERE id = 3')).kind).toBe('ok');
    const blocked = b.query('UPDATE t SET v = 22 WHERE id = 2');
    expect(await settledWithin(blocked, 40)).toBe(false);
    await a.query('ROLLBACK');
    expect(last(await blocked).kind).toBe('ok');
  });

  it('takes no lock for a plain read', async () => {
    const { a, b } = await twoSessions();
    await a.query('BEGIN');
    await a.query('SELECT v FROM t WHERE id = 1');
    expect(last(await b.query('UPDATE t SET v = 11 WHERE id = 1')).kind).toBe('ok');
    expect(last(await a.query('COMMIT')).kind).toBe('ok');
  });
});

describe('autocommit conflict retry', () => {
  it('lands every concurrent increment of one row without an error', async () => {
    const { engine, session } = await newEngineSession(true);
    await session.query('CREATE DATABASE d; USE d; CREATE TABLE t (id INT PRIMARY KEY, v INT); INSERT INTO t VALUES (1, 0)');
    const sessions = await Promise.all(Array.from({ length: 6 }, (_, i) => engine.openSession({ user: 'root', database: 'd', connectionId: 20 + i })));
    const results = await Promise.all(sessions.flatMap((s) => [1, 2].map(() => s.query('UPDATE t SET v = v + 1 WHERE id = 1'))));
    expect(results.map((r) => last(r).kind)).toEqual(results.map(() => 'ok'));
    expect(last(await session.query('SELECT v FROM t WHERE id = 1'))).toMatchObject({ rows: [[12n]] });
  });

  it('leaves a deadlock inside an explicit transaction to the client (1213)', async () => {
    const { a, b } = await twoSessions();
    await a.query('BEGIN');
    await a.query('UPDATE t SET v = v + 1 WHERE id = 1');
    await b.query('BEGIN');
    await b.query('UPDATE t SET v = v + 1 WHERE id = 2');
    const aWaits = a.query('UPDATE t SET v = v + 1 WHERE id = 2');
    const bDeadlocks = last(await b.query('UPDATE t SET v = v + 1 WHERE id = 1'));
    expect(bDeadlocks.kind === 'error' && bDeadlocks.error.errno).toBe(1213);
    await b.query('ROLLBACK');
    expect(last(await aWaits).kind).toBe('ok');
    await a.query('COMMIT');
    expect(last(await a.query('SELECT v FROM t ORDER BY id'))).toMatchObject({ rows: [[11n], [21n], [30n]] });
  });
});

describe('prepared LIMIT ?', () => {
  it('binds LIMIT and OFFSET placeholders and reports columns at prepare time', async () => {
    const { a } = await twoSessions();
    const p = await a.prepare('SELECT id, v FROM t WHERE id > ? ORDER BY id LIMIT ?');
    expect(p.paramCount).toBe(2);
    expect(p.columns.map((c) => c.name)).toEqual(['id', 'v']);
    expect(await a.executePrepared(p.statementId, [0n, 2n])).toMatchObject({ rows: [[1n, 10n], [2n, 20n]] });
    expect(await a.executePrepared(p.statementId, [1n, 1n])).toMatchObject({ rows: [[2n, 20n]] });
    const q = await a.prepare('SELECT id FROM t ORDER BY id LIMIT ?, ?');
    expect(await a.executePrepared(q.statementId, [1n, 5n])).toMatchObject({ rows: [[2n], [3n]] });
    const r = await a.prepare('SELECT id FROM t ORDER BY id LIMIT ? OFFSET ?');
    expect(await a.executePrepared(r.statementId, [1n, 2n])).toMatchObject({ rows: [[3n]] });
  });
});
