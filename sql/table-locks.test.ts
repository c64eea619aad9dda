/**
 * Proves LOCK TABLES through two sessions of one engine: a WRITE lock holds another session's
 * reads and writes until UNLOCK TABLES (which then see the holder's rows), a READ lock lets
 * others read and holds their writes, the holder may touch only what it locked (1100) and
 * write only what it locked WRITE (1099), a wait ends in 1205 after @@lock_wait_timeout, and
 * START TRANSACTION and closing the session release the locks.
 */
import { describe, expect, it } from 'vitest';
import { errnoOf, newSession, rows, run } from './test-support/engine-fixture.js';

/** Whether `p` has settled after a few turns of the event loop. */
async function settled(p: Promise<unknown>): Promise<boolean> {
  let done = false;
  void p.then(() => (done = true), () => (done = true));
  for (let i = 0; i < 20; i++) await new Promise((r) => setImmediate(r));
  return done;
}

async function twoSessions() {
  const { engine, session: a } = await newSession();
  const b = await engine.openSession({ user: 'root', database: null, connectionId: 8 });
  await run(a, 'CREATE DATABASE d; USE d; CREATE TABLE t (id INT PRIMARY KEY); CREATE TABLE u (id INT PRIMARY KEY); INSERT INTO t VALUES (1)');
  await b.useDatabase('d');
  return { engine, a, b };
}

describe('LOCK TABLES', () => {
  it('a WRITE lock holds other sessions out until UNLOCK TABLES', async () => {
    const { a, b } = await twoSessions();
    await run(a, 'LOCK TABLES t WRITE');
    const read = rows(b, 'SELECT COUNT(*) FROM t');
    const write = run(b, 'INSERT INTO t VALUES (3)');
    expect(await settled(read)).toBe(false);
    expect(await settled(write)).toBe(false);
    expect(await rows(b, 'SELECT COUNT(*) FROM u')).toEqual([[0n]]); // other tables are free
    await run(a, 'INSERT INTO t VALUES (2)');
    expect(await errnoOf(a, 'SELECT * FROM u')).toBe(1100);
    await run(a, 'UNLOCK TABLES');
    expect(await read).toEqual([[2n]]);
    await write;
    expect(await rows(a, 'SELECT id FROM t ORDER BY id')).toEqual([[1n], [2n], [3n]]);
  });

  it('a READ lock lets others read, holds their writes, and keeps its holder from writing', async () => {
    const { a, b } = await twoSessions();
    await run(a, 'LOCK TABLES t READ, u AS x WRITE');
    expect(await rows(b, 'SELECT COUNT(*) FROM t')).toEqual([[1n]]);
    const write = run(b, 'DELETE FROM t');
    expect(await settled(write)).toBe(false);
    expect(await errnoOf(a, 'INSERT INTO t VALUES (5)')).toBe(1099);
    await run(a, 'INSERT INTO u VALUES (5)');
    await run(a, 'START TRANSACTION'); // releases the table locks
    await write;
    expect(await rows(b, 'SELECT COUNT(*) FROM t')).toEqual([[0n]]);
    await run(a, 'COMMIT');
  });

  it('waits at most @@lock_wait_timeout, and a closed session lets go', async () => {
    const { engine, a, b } = await twoSessions();
    await run(a, 'LOCK TABLES t WRITE');
    await run(b, 'SET lock_wait_timeout = 1');
    expect(await errnoOf(b, 'LOCK TABLES t READ')).toBe(1205);
    expect(await errnoOf(b, 'SELECT * FROM t')).toBe(1205);
    const c = await engine.openSession({ user: 'root', database: 'd', connectionId: 9 });
    const waiting = rows(c, 'SELECT COUNT(*) FROM t');
    await a.close();
    expect(await waiting).toEqual([[1n]]);
    expect(await errnoOf(b, 'LOCK TABLES nope WRITE')).toBe(1146);
  });
});
