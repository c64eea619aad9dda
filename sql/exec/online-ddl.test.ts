/**
 * Proves online ALTER TABLE (online-ddl.ts) through real sessions of one engine: while one
 * session runs ADD INDEX / ADD UNIQUE / ADD, DROP or MODIFY COLUMN over 5,000 rows (ATOLL_DDL_ROWS)
 * in small batches, another keeps inserting, updating and deleting rows of the same table; every
 * statement succeeds, DML is seen completing while the backfill (or cleanup) is under way (the
 * job's progress is sampled after each statement; reads sometimes take a turn of the event
 * loop, so batches and statements interleave inside each other, and half of the writes aim
 * just ahead of the backfill), and afterwards each index holds exactly the
 * entries the rows call for (read from the index's key range and through SQL that uses the
 * index, against a full scan). MODIFY/CHANGE COLUMN converts through a shadow column the same
 * way (a widening only changes the definition), and writes that set the column keep working.
 * A UNIQUE backfill that meets a duplicate fails with 1062, a MODIFY that meets a value the new
 * type refuses — stored before, or by the other session behind the backfill — with MySQL's
 * errno (1264 at that row); both leave the definition and every stored byte as they were. A
 * job that dies mid-backfill leaves a pending index that queries never read and that the next
 * start rolls back.
 *
 * Tables with foreign keys, as child or as parent, take the same path for what leaves their
 * keys alone: while the ALTER runs, children are inserted (their parents checked), updated, and
 * deleted or set NULL by parent DELETEs cascading into a child under ALTER; afterwards every
 * index is exact, no child is an orphan, the constraints still show and still hold (1452).
 * An ALTER that touches a key column or an index a key can use runs in one transaction with
 * the errors foreign-key-ddl.test.ts expects (1553, 1828, 1829, 3780, 1830), and so does one
 * whose table gained such a key from another session's DDL while the job ran.
 */
import { describe, expect, it } from 'vitest';
import { SeededRandom } from '../../src/base/clock.js';
import { timestamp } from '../../src/base/ids.js';
import type { Logger } from '../../src/base/logger.js';
import { TimestampOracle } from '../../src/meta/timestamp-oracle.js';
import { LocalTxnKv } from '../../src/txn/local-txn-kv.js';
import type { TxnKv } from '../../src/txn/txn-kv.js';
import { createMemoryMvccStore } from '../../storage/memory-mvcc-store.js';
import type { MvccEngine } from '../../storage/engine.js';
import { getTable, indexRange, primaryIndexId, type IndexDef, type TableDef } from '../catalog.js';
import { decodeRow, encodeRow } from '../row-codec.js';
import type { JobStatus, OnlineDdlOptions } from '../schema-sync.js';
import type { SqlSession } from '../session-api.js';
import { SqlEngine } from '../sql-engine.js';
import { errnoOf, rows, run } from '../test-support/engine-fixture.js';
import { imageOfStored } from './row-layout.js';
import { imageEntryKey } from './table-access.js';

/**
 * Rows in the big tables. 5,000 rows are 50 batches of 100, enough for DML to land between many
 * of them; more only costs time here, since the in-memory table twin inserts by array splice.
 */
const ROWS = Number(process.env.ATOLL_DDL_ROWS ?? 5000);
const quiet: Logger = { debug: () => {}, info: () => {}, warn: () => {}, error: () => {} };
const hex = (b: Uint8Array): string => Buffer.from(b).toString('hex');

/**
 * `kv` whose reads and locks sometimes take a turn of the event loop, as a disk read would: over
 * the in-memory store every step is a microtask, so without this a whole backfill batch (or a
 * whole statement) would run between two turns and never interleave with another.
 */
function withSlowReads(kv: TxnKv, random: SeededRandom): TxnKv {
  const pause = async (): Promise<void> => {
    if (random.int(4) === 0) await new Promise((resolve) => setImmediate(resolve));
  };
  return {
    begin: (options) => {
      const txn = kv.begin(options);
      return {
        get startTs() { return txn.startTs; },
        get finished() { return txn.finished; },
        get: async (key) => { await pause(); return txn.get(key); },
        batchGet: async (keys) => { await pause(); return txn.batchGet(keys); },
        scan: (range, options2) => txn.scan(range, options2),
        put: (key, value) => txn.put(key, value),
        delete: (key) => txn.delete(key),
        lock: async (key, mode) => { await pause(); return txn.lock(key, mode); },
        commit: () => txn.commit(),
        rollback: () => txn.rollback(),
      };
    },
  };
}

/** An engine over a fresh (or given) in-memory store, with database `d`. */
async function newEngine(onlineDdl: OnlineDdlOptions, store: MvccEngine = createMemoryMvccStore(), slowReads = false): Promise<{ engine: SqlEngine; kv: TxnKv; store: MvccEngine; open: () => Promise<SqlSession> }> {
  let ms = 1_700_000_000_000;
  const clock = { nowMs: () => ms++, monotonicMs: () => ms };
  const kv = new LocalTxnKv(store, new TimestampOracle(clock, timestamp(store.maxCommitTs())));
  const engine = new SqlEngine({ kv: slowReads ? withSlowReads(kv, new SeededRandom(3)) : kv, clock, logger: quiet, onlineDdl });
  await engine.init();
  let id = 1;
  const open = async (): Promise<SqlSession> => engine.openSession({ user: 'root', database: null, connectionId: id++ });
  return { engine, kv, store, open };
}

async function readDef(kv: TxnKv, name: string): Promise<TableDef> {
  const txn = kv.begin({ readOnly: true });
  try {
    const def = await getTable(txn, 'd', name);
    if (def === undefined) throw new Error(`no table ${name}`);
    return def;
  } finally {
    txn.rollback();
  }
}

async function scanAll(kv: TxnKv, range: { start: Uint8Array; end: Uint8Array }): Promise<{ key: Uint8Array; value: Uint8Array }[]> {
  const txn = kv.begin({ readOnly: true });
  try {
    const out: { key: Uint8Array; value: Uint8Array }[] = [];
    for await (const kv2 of txn.scan(range)) out.push(kv2);
    return out;
  } finally {
    txn.rollback();
  }
}

/** Every key and value of table `id` (rows and all indexes), as hex. */
async function tableBytes(kv: TxnKv, id: number): Promise<string[][]> {
  return (await scanAll(kv, { start: indexRange(id, 0).start, end: indexRange(id, 1000).end })).map((e) => [hex(e.key), hex(e.value)]);
}

/** Asserts that `index` holds exactly one entry per row, pointing at it, and nothing else. */
async function expectIndexMatchesRows(kv: TxnKv, def: TableDef, index: IndexDef): Promise<number> {
  const stored = await scanAll(kv, indexRange(def.id, primaryIndexId));
  const expected = new Map(stored.map((r) => [hex(imageEntryKey(def, index, imageOfStored(def, decodeRow(r.value))).key), hex(r.key)]));
  const entries = await scanAll(kv, indexRange(def.id, index.id));
  expect(new Map(entries.map((e) => [hex(e.key), hex(e.value)]))).toEqual(expected);
  expect(entries.length).toBe(stored.length);
  return entries.length;
}

/** A row id to write: half of the time one just ahead of the backfill, where races are likeliest. */
function targetId(engine: SqlEngine, random: SeededRandom, maxId: number): number {
  const job = engine.schemaSync.runningJobs()[0];
  if (job !== undefined && job.phase === 'backfill' && random.int(2) === 0) return Math.min(maxId, 1 + job.rowsBackfilled + random.int(200));
  return 1 + random.int(maxId);
}

async function fillTable(s: SqlSession, rowCount: number, row: (id: number) => string): Promise<void> {
  for (let from = 1; from <= rowCount; from += 1000) {
    const values = Array.from({ length: Math.min(1000, rowCount - from + 1) }, (_, k) => `(${row(from + k)})`);
    await run(s, `INSERT INTO t VALUES ${values.join(', ')}`);
  }
}

/**
 * Runs `ddl` on one session while `dml(step)` statements run on another until it ends.
 * Returns, per job phase, how many DML statements completed while the job was in it, and
 * every DML error.
 */
async function concurrently(engine: SqlEngine, ddlSession: SqlSession, dmlSession: SqlSession, ddl: string, dml: (step: number) => string): Promise<{ during: Map<string, number>; errors: string[]; ddlErrno: number | undefined; statements: number }> {
  let finished = false;
  const alter = errnoOf(ddlSession, ddl).finally(() => {
    finished = true;
  });
  const during = new Map<string, number>();
  const errors: string[] = [];
  let step = 0;
  while (!finished) {
    // A client's next statement arrives from the network: one per turn of the event loop.
    await new Promise((resolve) => setImmediate(resolve));
    const sql = dml(step++);
    const [result] = await dmlSession.query(sql);
    if (result!.kind === 'error') errors.push(`${sql}: ${result!.error.errno} ${result!.error.message}`);
    const job: JobStatus | undefined = engine.schemaSync.runningJobs()[0];
    if (job !== undefined) {
      const phase = job.phase === 'backfill' && job.rowsBackfilled > 0 ? 'backfill-in-progress' : job.phase;
      during.set(phase, (during.get(phase) ?? 0) + 1);
    }
  }
  return { during, errors, ddlErrno: await alter, statements: step };
}

describe('online ALTER TABLE', () => {
  it('adds an index and a unique index over thousands of rows while another session writes the table', async () => {
    const { engine, kv, open } = await newEngine({ backfillBatchRows: 100 }, createMemoryMvccStore(), true);
    const [a, b] = [await open(), await open()];
    await run(a, 'CREATE DATABASE d; USE d; CREATE TABLE t (id INT PRIMARY KEY, a INT, b VARCHAR(20))');
    await b.useDatabase('d');
    await fillTable(a, ROWS, (id) => `${id}, ${id % 500}, 'k${id}'`);
    const model = new Map<number, number>(Array.from({ length: ROWS }, (_, i) => [i + 1, (i + 1) % 500]));
    const random = new SeededRandom(7);
    let nextId = ROWS + 1;
    const dml = (step: number): string => {
      const op = random.int(3);
      if (op === 0) {
        const id = nextId++;
        model.set(id, step % 500);
        return `INSERT INTO t VALUES (${id}, ${step % 500}, 'n${id}')`;
      }
      const id = targetId(engine, random, nextId - 1);
      if (op === 1) {
        if (model.has(id)) model.set(id, (step * 7) % 500);
        return `UPDATE t SET a = ${(step * 7) % 500}, b = 'u${step}' WHERE id = ${id}`;
      }
      model.delete(id);
      return `DELETE FROM t WHERE id = ${id}`;
    };
    const outcome = await concurrently(engine, a, b, 'ALTER TABLE t ADD INDEX ia (a), ADD UNIQUE KEY ub (b)', dml);
    expect(outcome.ddlErrno).toBeUndefined();
    expect(outcome.errors).toEqual([]);
    // Interleaving observed, not assumed: statements completed while batches were being written.
    expect(outcome.during.get('backfill-in-progress') ?? 0).toBeGreaterThan(20);

    const def = await readDef(kv, 't');
    expect(def.pending).toBeUndefined();
    expect(def.indexes.map((ix) => [ix.name, ix.unique])).toEqual([['ia', false], ['ub', true]]);
    for (const index of def.indexes) expect(await expectIndexMatchesRows(kv, def, index)).toBe(model.size);
    expect(await rows(a, 'SELECT id, a FROM t ORDER BY id')).toEqual([...model].sort((x, y) => x[0] - y[0]).map(([id, v]) => [BigInt(id), BigInt(v)]));
    // Through SQL: the index range access path against a full scan.
    const explain = await rows(a, 'EXPLAIN SELECT id FROM t WHERE a = 42');
    expect(explain[0]![6]).toBe('ia');
    for (const v of [0, 42, 499]) {
      expect(await rows(a, `SELECT id FROM t WHERE a = ${v} ORDER BY id`)).toEqual(await rows(a, `SELECT id FROM t WHERE a + 0 = ${v} ORDER BY id`));
    }
    const [[taken]] = await rows(a, 'SELECT b FROM t ORDER BY id DESC LIMIT 1') as [[string]];
    expect(await errnoOf(b, `INSERT INTO t VALUES (99999, 1, '${taken}')`)).toBe(1062);
  }, 300_000);

  it('adds a column with a default and drops an indexed column while another session writes the table', async () => {
    const { engine, kv, open } = await newEngine({ backfillBatchRows: 100 }, createMemoryMvccStore(), true);
    const [a, b] = [await open(), await open()];
    await run(a, 'CREATE DATABASE d; USE d; CREATE TABLE t (id INT PRIMARY KEY, a INT, b INT, KEY kab (a, b), KEY kb (b))');
    await b.useDatabase('d');
    await fillTable(a, ROWS, (id) => `${id}, ${id % 300}, ${id}`);
    const before = await readDef(kv, 't');
    const model = new Map<number, number>(Array.from({ length: ROWS }, (_, i) => [i + 1, (i + 1) % 300]));
    const random = new SeededRandom(11);
    let nextId = ROWS + 1;
    // Statements valid before and after the ALTER: they name only id and a.
    const dml = (step: number): string => {
      const op = random.int(3);
      if (op === 0) {
        const id = nextId++;
        model.set(id, step % 300);
        return `INSERT INTO t (id, a) VALUES (${id}, ${step % 300})`;
      }
      const id = targetId(engine, random, nextId - 1);
      if (op === 1) {
        if (model.has(id)) model.set(id, (step * 3) % 300);
        return `UPDATE t SET a = ${(step * 3) % 300} WHERE id = ${id}`;
      }
      model.delete(id);
      return `DELETE FROM t WHERE id = ${id}`;
    };
    const outcome = await concurrently(engine, a, b, 'ALTER TABLE t ADD COLUMN c INT NOT NULL DEFAULT 7, DROP COLUMN b', dml);
    expect(outcome.ddlErrno).toBeUndefined();
    expect(outcome.errors).toEqual([]);
    // kab lost b, so it was rebuilt (backfill); b's stored values were then cleared in batches.
    expect(outcome.during.get('backfill-in-progress') ?? 0).toBeGreaterThan(20);
    expect(outcome.during.get('cleanup') ?? 0).toBeGreaterThan(0);

    expect((await rows(a, 'DESCRIBE t')).map((r) => r[0])).toEqual(['id', 'a', 'c']);
    expect(await rows(a, 'SELECT id, a, c FROM t ORDER BY id')).toEqual([...model].sort((x, y) => x[0] - y[0]).map(([id, v]) => [BigInt(id), BigInt(v), 7n]));
    expect((await rows(a, 'SHOW INDEX FROM t')).map((r) => [r[2], r[4]])).toEqual([['PRIMARY', 'id'], ['kab', 'a']]);
    const def = await readDef(kv, 't');
    expect(def.pending).toBeUndefined();
    expect(await expectIndexMatchesRows(kv, def, def.indexes[0]!)).toBe(model.size);
    // The dropped indexes' entries are gone and no row keeps a value in b's slot.
    for (const old of before.indexes) expect(await scanAll(kv, indexRange(def.id, old.id))).toEqual([]);
    const stored = await scanAll(kv, indexRange(def.id, primaryIndexId));
    expect(stored.filter((r) => (decodeRow(r.value)[2] ?? null) !== null)).toEqual([]);
    expect(await rows(a, 'SELECT COUNT(*) FROM t WHERE a = 17')).toEqual(await rows(a, 'SELECT COUNT(*) FROM t WHERE a + 0 = 17'));
  }, 300_000);

  it('modifies indexed columns — a conversion through a shadow column, widenings as metadata only — while another session writes them', async () => {
    const { engine, kv, open } = await newEngine({ backfillBatchRows: 200 }, createMemoryMvccStore(), true);
    const [a, b] = [await open(), await open()];
    await run(a, 'CREATE DATABASE d; USE d; CREATE TABLE t (id INT PRIMARY KEY, a INT, b INT, c VARCHAR(20), KEY ka (a), KEY kbc (b, c))');
    await b.useDatabase('d');
    await fillTable(a, ROWS, (id) => `${id}, ${(id % 500) - 250}, ${id % 7}, 'c${id}'`);
    const before = await readDef(kv, 't');
    type Row = [a: number, b: number, c: string];
    const model = new Map<number, Row>(Array.from({ length: ROWS }, (_, i): [number, Row] => [i + 1, [((i + 1) % 500) - 250, (i + 1) % 7, `c${i + 1}`]]));
    const random = new SeededRandom(13);
    let nextId = ROWS + 1;
    // Every write sets the modified columns, with values both definitions take.
    const dml = (step: number): string => {
      const op = random.int(3);
      const row: Row = [(step % 500) - 250, step % 1000, `s${step}`];
      if (op === 0) {
        const id = nextId++;
        model.set(id, row);
        return `INSERT INTO t VALUES (${id}, ${row[0]}, ${row[1]}, '${row[2]}')`;
      }
      const id = targetId(engine, random, nextId - 1);
      if (op === 1) {
        if (model.has(id)) model.set(id, row);
        return `UPDATE t SET a = ${row[0]}, b = ${row[1]}, c = '${row[2]}' WHERE id = ${id}`;
      }
      model.delete(id);
      return `DELETE FROM t WHERE id = ${id}`;
    };
    const outcome = await concurrently(engine, a, b, 'ALTER TABLE t MODIFY a DECIMAL(12,2) NOT NULL, MODIFY b BIGINT, MODIFY c VARCHAR(40)', dml);
    expect(outcome.ddlErrno).toBeUndefined();
    expect(outcome.errors).toEqual([]);
    // a was converted row by row while the writes went on; its old slot was then cleared.
    expect(outcome.during.get('backfill-in-progress') ?? 0).toBeGreaterThan(20);
    expect(outcome.during.get('cleanup') ?? 0).toBeGreaterThan(0);

    expect((await rows(a, 'DESCRIBE t')).map((r) => [r[0], r[1], r[2]])).toEqual([['id', 'int', 'NO'], ['a', 'decimal(12,2)', 'NO'], ['b', 'bigint', 'YES'], ['c', 'varchar(40)', 'YES']]);
    const [[, created]] = await rows(a, 'SHOW CREATE TABLE t') as [[string, string]];
    expect(created).toContain('`a` decimal(12,2) NOT NULL');
    expect(created).toContain('`b` bigint');
    expect(created).toContain('`c` varchar(40)');
    expect(await rows(a, 'SELECT id, a, b, c FROM t ORDER BY id')).toEqual(
      [...model].sort((x, y) => x[0] - y[0]).map(([id, [va, vb, vc]]) => [BigInt(id), `${va}.00`, BigInt(vb), vc]),
    );
    const def = await readDef(kv, 't');
    expect(def.pending).toBeUndefined();
    // a moved to a new slot and ka was built again over it; b and c kept their slots and kbc.
    expect(def.columns.map((c) => [c.name, c.slot])).toEqual([['id', 0], ['a', 4], ['b', 2], ['c', 3]]);
    expect(def.indexes.map((ix) => [ix.name, ix.id === before.indexes.find((o) => o.name === ix.name)!.id])).toEqual([['ka', false], ['kbc', true]]);
    for (const index of def.indexes) expect(await expectIndexMatchesRows(kv, def, index)).toBe(model.size);
    expect(await scanAll(kv, indexRange(def.id, before.indexes[0]!.id))).toEqual([]);
    const stored = await scanAll(kv, indexRange(def.id, primaryIndexId));
    expect(stored.filter((r) => (decodeRow(r.value)[1] ?? null) !== null)).toEqual([]);
    expect((await rows(a, 'EXPLAIN SELECT id FROM t WHERE a = 42'))[0]![6]).toBe('ka');
    for (const v of [-250, 42]) {
      expect(await rows(a, `SELECT id FROM t WHERE a = ${v} ORDER BY id`)).toEqual(await rows(a, `SELECT id FROM t WHERE a + 0 = ${v} ORDER BY id`));
    }
    // The new definition holds for writers.
    await run(a, `INSERT INTO t VALUES (${nextId}, 1.005, 12345678901, '${'x'.repeat(40)}')`);
    expect(await rows(a, `SELECT a, b FROM t WHERE id = ${nextId}`)).toEqual([['1.01', 12345678901n]]);
    expect(await errnoOf(a, 'UPDATE t SET a = 1e10 WHERE id = 1')).toBe(1264);
  }, 300_000);

  it('renames a column while changing its type, and writes naming only the other columns keep working', async () => {
    const { engine, kv, open } = await newEngine({ backfillBatchRows: 50 }, createMemoryMvccStore(), true);
    const [a, b] = [await open(), await open()];
    await run(a, 'CREATE DATABASE d; USE d; CREATE TABLE t (id INT PRIMARY KEY, a INT DEFAULT 5, b VARCHAR(10), KEY kab (a, b))');
    await b.useDatabase('d');
    const rowCount = Math.ceil(ROWS / 4);
    await fillTable(a, rowCount, (id) => `${id}, ${id % 100}, 'b${id % 100}'`);
    const model = new Map<number, [number, string]>(Array.from({ length: rowCount }, (_, i) => [i + 1, [(i + 1) % 100, `b${(i + 1) % 100}`]]));
    const random = new SeededRandom(17);
    let nextId = rowCount + 1;
    // Statements valid before and after the ALTER: they name only id and b (a new row takes the default).
    const dml = (step: number): string => {
      const op = random.int(3);
      if (op === 0) {
        const id = nextId++;
        model.set(id, [5, `n${step % 100}`]);
        return `INSERT INTO t (id, b) VALUES (${id}, 'n${step % 100}')`;
      }
      const id = targetId(engine, random, nextId - 1);
      if (op === 1) {
        const row = model.get(id);
        if (row !== undefined) model.set(id, [row[0], `u${step % 100}`]);
        return `UPDATE t SET b = 'u${step % 100}' WHERE id = ${id}`;
      }
      model.delete(id);
      return `DELETE FROM t WHERE id = ${id}`;
    };
    const outcome = await concurrently(engine, a, b, 'ALTER TABLE t CHANGE a amount DECIMAL(8,1) NOT NULL DEFAULT 5', dml);
    expect(outcome.ddlErrno).toBeUndefined();
    expect(outcome.errors).toEqual([]);
    expect(outcome.during.get('backfill-in-progress') ?? 0).toBeGreaterThan(10);

    expect((await rows(a, 'DESCRIBE t')).map((r) => [r[0], r[1], r[2], r[4]])).toEqual([['id', 'int', 'NO', null], ['amount', 'decimal(8,1)', 'NO', '5.0'], ['b', 'varchar(10)', 'YES', null]]);
    expect(await errnoOf(a, 'SELECT a FROM t')).toBe(1054);
    expect(await rows(a, 'SELECT id, amount, b FROM t ORDER BY id')).toEqual([...model].sort((x, y) => x[0] - y[0]).map(([id, [v, s]]) => [BigInt(id), `${v}.0`, s]));
    const def = await readDef(kv, 't');
    expect(await expectIndexMatchesRows(kv, def, def.indexes[0]!)).toBe(model.size);
    expect((await rows(a, 'SHOW INDEX FROM t')).map((r) => [r[2], r[4]])).toEqual([['PRIMARY', 'id'], ['kab', 'amount'], ['kab', 'b']]);
    expect((await rows(a, 'EXPLAIN SELECT id FROM t WHERE amount = 7'))[0]![6]).toBe('kab');
    expect(await rows(a, 'SELECT COUNT(*) FROM t WHERE amount = 7')).toEqual(await rows(a, 'SELECT COUNT(*) FROM t WHERE amount + 0 = 7'));
  }, 300_000);

  it('fails a MODIFY to a narrower type on a value that does not fit with 1264 and leaves the table byte for byte as it was', async () => {
    const { kv, open } = await newEngine({ backfillBatchRows: 100 });
    const s = await open();
    await run(s, "CREATE DATABASE d; USE d; CREATE TABLE t (id INT PRIMARY KEY, a INT, b VARCHAR(5), KEY ka (a), KEY kba (b, a))");
    await fillTable(s, 500, (id) => `${id}, ${id === 450 ? 300 : id % 100}, 'x${id % 9}'`);
    const before = await readDef(kv, 't');
    const created = await rows(s, 'SHOW CREATE TABLE t');
    const all = await tableBytes(kv, before.id);
    expect(await s.query('ALTER TABLE t MODIFY a TINYINT')).toMatchObject([{ kind: 'error', error: { errno: 1264, message: "Out of range value for column 'a' at row 450" } }]);
    expect(await s.query('ALTER TABLE t CHANGE a c TINYINT NOT NULL, ADD INDEX kc (c)')).toMatchObject([{ kind: 'error', error: { errno: 1264, message: "Out of range value for column 'c' at row 450" } }]);
    expect(await readDef(kv, 't')).toEqual(before);
    expect(await rows(s, 'SHOW CREATE TABLE t')).toEqual(created);
    expect(await tableBytes(kv, before.id)).toEqual(all);
    // The one-transaction path failed the same way.
    expect(await errnoOf(s, 'ALTER TABLE t MODIFY a TINYINT, RENAME TO u')).toBe(1264);
    // Still writable, and the MODIFY goes through once the value fits.
    await run(s, 'UPDATE t SET a = 3 WHERE id = 450; INSERT INTO t VALUES (501, 7, NULL)');
    await run(s, 'ALTER TABLE t MODIFY a TINYINT');
    expect(await rows(s, 'SELECT COUNT(*), SUM(a) FROM t WHERE a < 10')).toEqual(await rows(s, 'SELECT COUNT(*), SUM(a) FROM t WHERE a + 0 < 10'));
  });

  it('fails a narrowing MODIFY when a concurrent writer stores a value that does not fit behind the backfill', async () => {
    const { engine, kv, open } = await newEngine({ backfillBatchRows: 50 }, createMemoryMvccStore(), true);
    const [a, b] = [await open(), await open()];
    await run(a, 'CREATE DATABASE d; USE d; CREATE TABLE t (id INT PRIMARY KEY, a INT, KEY ka (a))');
    await b.useDatabase('d');
    const rowCount = 1000;
    await fillTable(a, rowCount, (id) => `${id}, ${id % 100}`);
    const before = await readDef(kv, 't');
    const created = await rows(a, 'SHOW CREATE TABLE t');
    const model = new Map<number, number>(Array.from({ length: rowCount }, (_, i) => [i + 1, (i + 1) % 100]));
    const random = new SeededRandom(19);
    let nextId = rowCount + 1;
    let badWritten = false;
    const dml = (step: number): string => {
      const job = engine.schemaSync.runningJobs()[0];
      if (!badWritten && job?.phase === 'backfill' && job.rowsBackfilled >= 300) {
        // Row 5 is long converted: only the writer's record can fail the ALTER, and the pass it
        // sets off numbers the row (a writer's own record would say row 1).
        badWritten = true;
        model.set(5, 1000);
        return 'UPDATE t SET a = 1000 WHERE id = 5';
      }
      const op = random.int(3);
      if (op === 0) {
        const id = nextId++;
        model.set(id, step % 100);
        return `INSERT INTO t VALUES (${id}, ${step % 100})`;
      }
      const id = Math.max(6, targetId(engine, random, nextId - 1));
      if (op === 1) {
        if (model.has(id)) model.set(id, (step * 3) % 100);
        return `UPDATE t SET a = ${(step * 3) % 100} WHERE id = ${id}`;
      }
      model.delete(id);
      return `DELETE FROM t WHERE id = ${id}`;
    };
    const outcome = await concurrently(engine, a, b, 'ALTER TABLE t MODIFY a TINYINT', dml);
    expect(badWritten).toBe(true);
    expect(outcome.errors).toEqual([]);
    expect(outcome.ddlErrno).toBe(1264);
    expect(await a.query('SHOW WARNINGS')).toMatchObject([{ kind: 'rows', rows: [['Error', 1264n, "Out of range value for column 'a' at row 5"]] }]);

    expect(await readDef(kv, 't')).toEqual(before);
    expect(await rows(a, 'SHOW CREATE TABLE t')).toEqual(created);
    // Every row is stored exactly as the old definition stores it, and ka holds exactly its entries.
    const expected = [...model].sort((x, y) => x[0] - y[0]).map(([id, v]) => hex(encodeRow([BigInt(id), BigInt(v)])));
    expect((await scanAll(kv, indexRange(before.id, primaryIndexId))).map((r) => hex(r.value))).toEqual(expected);
    expect(await expectIndexMatchesRows(kv, before, before.indexes[0]!)).toBe(model.size);
    expect(await scanAll(kv, { start: indexRange(before.id, before.nextIndexId).start, end: indexRange(before.id, 1000).end })).toEqual([]);
    await run(a, `UPDATE t SET a = 7 WHERE id = 5; INSERT INTO t VALUES (${nextId}, 8)`);
    await run(a, 'ALTER TABLE t MODIFY a TINYINT');
    expect(await rows(a, 'SELECT a FROM t WHERE id = 5')).toEqual([[7n]]);
  }, 300_000);

  it('changes only the definition when no stored value changes, and leaves converted key columns to one transaction', async () => {
    const { kv, open } = await newEngine({ backfillBatchRows: 3 });
    const s = await open();
    await run(s, 'CREATE DATABASE d; USE d; CREATE TABLE t (id INT AUTO_INCREMENT PRIMARY KEY, a INT, u INT, UNIQUE KEY uu (u)); INSERT INTO t (a, u) VALUES (1, 10), (2, 11), (3, 12)');
    const before = await readDef(kv, 't');
    const data = await tableBytes(kv, before.id);
    // Widenings, a rename, a new DEFAULT, NULL allowed: the definition changes, no row or entry does.
    await run(s, 'ALTER TABLE t MODIFY id BIGINT AUTO_INCREMENT, CHANGE u w BIGINT DEFAULT 4, MODIFY a INT NULL');
    expect(await tableBytes(kv, before.id)).toEqual(data);
    const widened = await readDef(kv, 't');
    expect([widened.slotCount, widened.indexes]).toEqual([undefined, before.indexes]);
    await run(s, 'INSERT INTO t (a) VALUES (4)');
    expect(await rows(s, 'SELECT id, a, w FROM t WHERE a = 4')).toEqual([[4n, 4n, 4n]]);
    // INT to BIGINT UNSIGNED refuses negative values, DECIMAL(3,0) large ones: both convert (new slots);
    // widening the DECIMAL after that is metadata only again.
    await run(s, 'ALTER TABLE t MODIFY w BIGINT UNSIGNED, MODIFY a DECIMAL(3,0)');
    await run(s, 'ALTER TABLE t MODIFY a DECIMAL(5,0)');
    const converted = await readDef(kv, 't');
    expect([converted.columns.map((c) => [c.name, c.slot]), converted.indexes.map((ix) => ix.id === before.indexes[0]!.id)]).toEqual([[['id', 0], ['a', 4], ['w', 3]], [false]]);
    expect(await rows(s, 'SELECT * FROM t ORDER BY id')).toEqual([[1n, '1', 10n], [2n, '2', 11n], [3n, '3', 12n], [4n, '4', 4n]]);
    // A widening of a table that never had slots keeps its original layout and bytes.
    await run(s, 'CREATE TABLE v (id INT PRIMARY KEY, s VARCHAR(3), KEY ks (s)); INSERT INTO v VALUES (1, \'abc\')');
    const v = await readDef(kv, 'v');
    const vBytes = await tableBytes(kv, v.id);
    await run(s, 'ALTER TABLE v MODIFY id BIGINT, CHANGE s t VARCHAR(30) DEFAULT \'x\'');
    expect(await tableBytes(kv, v.id)).toEqual(vBytes);
    expect((await readDef(kv, 'v')).slotCount).toBeUndefined();
    expect(await rows(s, 'SELECT id FROM v WHERE t = \'ABC\'')).toEqual([[1n]]);
    // A key column that needs a conversion, or a column modified twice: one transaction, as before
    // (rows rewritten in place, no new slot).
    await run(s, 'ALTER TABLE v MODIFY id VARCHAR(10)');
    expect((await readDef(kv, 'v')).columns.map((c) => [c.type.kind, c.slot])).toEqual([['string', undefined], ['string', undefined]]);
    await run(s, 'ALTER TABLE t MODIFY a INT, MODIFY a BIGINT');
    expect((await rows(s, 'DESCRIBE t')).map((r) => r[1])).toEqual(['bigint', 'bigint', 'bigint unsigned']);
    // A conversion that makes two unique values one: 1062, and the table as it was.
    await run(s, 'ALTER TABLE t CHANGE w u DECIMAL(6,1); UPDATE t SET u = 11.4 WHERE u = 10');
    const b2 = await readDef(kv, 't');
    const d2 = await tableBytes(kv, b2.id);
    expect(await s.query('ALTER TABLE t MODIFY u INT')).toMatchObject([{ kind: 'error', error: { errno: 1062, message: "Duplicate entry '11' for key 't.uu'" } }]);
    expect(await readDef(kv, 't')).toEqual(b2);
    expect(await tableBytes(kv, b2.id)).toEqual(d2);
  });

  it('converts a table without a primary key, and a failed or dead MODIFY leaves it byte for byte as it was', async () => {
    let die = false;
    const first = await newEngine({ backfillBatchRows: 2, testOnlyAfterBackfillBatch: () => (die ? 'die' : 'continue') });
    const { kv } = first;
    const s = await first.open();
    await run(s, "CREATE DATABASE d; USE d; CREATE TABLE t (a INT, b VARCHAR(5), KEY kb (b), KEY kab (a, b)); INSERT INTO t VALUES (1, 'x'), (2, 'y'), (300, 'z'), (4, NULL)");
    const before = await readDef(kv, 't');
    const data = await tableBytes(kv, before.id);
    expect(await errnoOf(s, 'ALTER TABLE t MODIFY a TINYINT')).toBe(1264);
    expect(await errnoOf(s, 'ALTER TABLE t MODIFY b VARCHAR(5) NOT NULL')).toBe(1048);
    expect([await readDef(kv, 't'), await tableBytes(kv, before.id)]).toEqual([before, data]);
    die = true;
    expect(await errnoOf(s, 'ALTER TABLE t MODIFY a SMALLINT')).toBe(1317);
    expect((await readDef(kv, 't')).pending?.columns.map((c) => [c.name, c.convertsFrom])).toEqual([['a', 0]]);
    await run(s, "INSERT INTO t VALUES (5, 'w'); DELETE FROM t WHERE a = 5");
    const second = await newEngine({ backfillBatchRows: 2 }, first.store);
    expect([await readDef(second.kv, 't'), await tableBytes(second.kv, before.id)]).toEqual([before, data]);
    const s2 = await second.open();
    await run(s2, 'USE d; ALTER TABLE t MODIFY a SMALLINT, MODIFY b CHAR(3)');
    expect(await rows(s2, 'SELECT * FROM t ORDER BY a')).toEqual([[1n, 'x'], [2n, 'y'], [4n, null], [300n, 'z']]);
    // Rows stored before a column was added read as its fill, converted like any other value.
    await run(s2, "ALTER TABLE t ADD COLUMN c INT DEFAULT 7; INSERT INTO t VALUES (5, 'w', 8)");
    await run(s2, 'ALTER TABLE t MODIFY c DECIMAL(5,1) NOT NULL');
    await run(s2, 'DELETE FROM t WHERE a = 2; UPDATE t SET c = 9.25 WHERE a = 1');
    expect(await rows(s2, 'SELECT * FROM t ORDER BY a')).toEqual([[1n, 'x', '9.3'], [4n, null, '7.0'], [5n, 'w', '8.0'], [300n, 'z', '7.0']]);
    const def = await readDef(second.kv, 't');
    for (const index of def.indexes) expect(await expectIndexMatchesRows(second.kv, def, index)).toBe(4);
  });

  it('fails a UNIQUE backfill that meets a duplicate with 1062 and leaves the table as it was', async () => {
    const { kv, open } = await newEngine({ backfillBatchRows: 100 });
    const s = await open();
    await run(s, 'CREATE DATABASE d; USE d; CREATE TABLE t (id INT PRIMARY KEY, a INT, KEY ka (a))');
    await fillTable(s, 1000, (id) => `${id}, ${id === 950 ? 900 : id}`);
    const before = await readDef(kv, 't');
    const created = await rows(s, 'SHOW CREATE TABLE t');
    const all = await scanAll(kv, { start: indexRange(before.id, 0).start, end: indexRange(before.id, 1000).end });
    const results = await s.query('ALTER TABLE t ADD UNIQUE KEY ua (a)');
    expect(results[0]).toMatchObject({ kind: 'error', error: { errno: 1062, message: "Duplicate entry '900' for key 't.ua'" } });
    expect(await readDef(kv, 't')).toEqual(before);
    expect(await rows(s, 'SHOW CREATE TABLE t')).toEqual(created);
    expect((await scanAll(kv, { start: indexRange(before.id, 0).start, end: indexRange(before.id, 1000).end })).map((e) => hex(e.key))).toEqual(all.map((e) => hex(e.key)));
    await run(s, 'INSERT INTO t VALUES (1001, 900)');
    await run(s, 'ALTER TABLE t ADD INDEX ua (a)');
    expect(await rows(s, 'SELECT id FROM t WHERE a = 900 ORDER BY id')).toEqual([[900n], [950n], [1001n]]);
    // A new column whose fill repeats cannot be UNIQUE; the column goes with the index.
    const described = await rows(s, 'DESCRIBE t');
    expect(await s.query('ALTER TABLE t ADD COLUMN e INT DEFAULT 5 UNIQUE')).toMatchObject([{ kind: 'error', error: { errno: 1062, message: "Duplicate entry '5' for key 't.e'" } }]);
    expect(await rows(s, 'DESCRIBE t')).toEqual(described);
    expect((await readDef(kv, 't')).pending).toBeUndefined();
    // An index over a column added by the same statement is built from the column's fill.
    await run(s, 'ALTER TABLE t ADD COLUMN f INT NOT NULL DEFAULT 1, ADD INDEX kf (f, a)');
    const def = await readDef(kv, 't');
    expect(await expectIndexMatchesRows(kv, def, def.indexes.find((ix) => ix.name === 'kf')!)).toBe(1001);
    expect(await rows(s, 'SELECT COUNT(*) FROM t WHERE f = 1 AND a < 10')).toEqual([[9n]]);
  });

  it('never reads an index whose job died, keeps maintaining it, and rolls it back at the next start', async () => {
    let batches = 0;
    const first = await newEngine({ backfillBatchRows: 50, testOnlyAfterBackfillBatch: () => (++batches === 3 ? 'die' : 'continue') });
    const s = await first.open();
    await run(s, 'CREATE DATABASE d; USE d; CREATE TABLE t (id INT PRIMARY KEY, a INT)');
    await fillTable(s, 500, (id) => `${id}, ${id % 10}`);
    expect(await errnoOf(s, 'ALTER TABLE t ADD INDEX ia (a)')).toBe(1317);
    const def = await readDef(first.kv, 't');
    const pending = def.pending!.indexes[0]!;
    expect(pending).toMatchObject({ name: 'ia', state: 'writeOnly' });
    expect((await scanAll(first.kv, indexRange(def.id, pending.id))).length).toBe(150);
    // Half built: queries do not see it, writers maintain it.
    expect((await rows(s, 'SHOW INDEX FROM t')).map((r) => r[2])).toEqual(['PRIMARY']);
    expect((await rows(s, 'EXPLAIN SELECT id FROM t WHERE a = 3'))[0]![6]).toBeNull();
    expect(await rows(s, 'SELECT COUNT(*) FROM t WHERE a = 3')).toEqual([[50n]]);
    await run(s, 'INSERT INTO t VALUES (501, 3); DELETE FROM t WHERE id = 2; UPDATE t SET a = 4 WHERE id = 1');
    expect((await scanAll(first.kv, indexRange(def.id, pending.id))).length).toBe(150 + 1 - 1);
    // The next start rolls the unfinished ADD INDEX back.
    const second = await newEngine({}, first.store);
    const after = await readDef(second.kv, 't');
    expect(after.pending).toBeUndefined();
    expect(after.nextIndexId).toBe(def.pending!.restoreNextIndexId);
    expect(await scanAll(second.kv, indexRange(def.id, pending.id))).toEqual([]);
    const s2 = await second.open();
    await run(s2, 'USE d; ALTER TABLE t ADD INDEX ia (a)');
    const built = await readDef(second.kv, 't');
    expect(await expectIndexMatchesRows(second.kv, built, built.indexes[0]!)).toBe(500);
  });

  it('waits for transactions older than a schema step, as for a metadata lock, and fails with 1205 after the timeout', async () => {
    const { engine, kv, open } = await newEngine({ waitTimeoutMs: 1000 });
    const [a, b] = [await open(), await open()];
    await run(a, 'CREATE DATABASE d; USE d; CREATE TABLE t (id INT PRIMARY KEY, a INT, b INT)');
    await fillTable(a, 100, (id) => `${id}, ${id % 7}, ${id}`);
    await b.useDatabase('d');
    await run(b, 'BEGIN; SELECT COUNT(*) FROM t');
    let done = false;
    const alter = errnoOf(a, 'ALTER TABLE t ADD INDEX ia (a)').finally(() => {
      done = true;
    });
    await new Promise((resolve) => setTimeout(resolve, 200));
    // Step 1 committed; step 2 waits for b's transaction, which may still use the old definition.
    expect([done, engine.schemaSync.runningJobs()[0]?.phase]).toEqual([false, 'writeOnly']);
    expect((await readDef(kv, 't')).pending?.indexes.map((ix) => ix.state)).toEqual(['deleteOnly']);
    await run(b, 'INSERT INTO t VALUES (101, 3, 101); COMMIT');
    expect(await alter).toBeUndefined();
    const def = await readDef(kv, 't');
    expect(await expectIndexMatchesRows(kv, def, def.indexes[0]!)).toBe(101);

    await run(b, 'BEGIN; SELECT COUNT(*) FROM t');
    expect(await errnoOf(a, 'ALTER TABLE t ADD INDEX ib (b)')).toBe(1205);
    // Its rollback waits for b too; what is left pending is never read and retired later.
    const left = await readDef(kv, 't');
    expect(left.pending?.indexes.map((ix) => [ix.name, ix.state])).toEqual([['ib', 'deleteOnly']]);
    expect((await rows(a, 'SHOW INDEX FROM t')).map((r) => r[2])).toEqual(['PRIMARY', 'ia']);
    await run(b, 'UPDATE t SET b = 0 WHERE id = 1; COMMIT');
    await run(a, 'ALTER TABLE t DROP INDEX ia');
    const after = await readDef(kv, 't');
    expect([after.pending, after.indexes, after.nextIndexId]).toEqual([undefined, [], 3]);
    expect(await scanAll(kv, indexRange(def.id, left.pending!.indexes[0]!.id))).toEqual([]);
  });

  it('adds and drops columns of a table without a primary key (hidden row id) and keeps writing it', async () => {
    const { kv, open } = await newEngine({ backfillBatchRows: 2 });
    const s = await open();
    await run(s, "CREATE DATABASE d; USE d; CREATE TABLE t (a INT, b VARCHAR(5), KEY kb (b)); INSERT INTO t VALUES (1, 'x'), (2, 'y'), (3, 'z')");
    await run(s, "ALTER TABLE t ADD COLUMN c DATETIME DEFAULT '2024-01-02 03:04:05', ADD d VARCHAR(3) NOT NULL");
    await run(s, "INSERT INTO t VALUES (4, 'w', '2025-01-01 00:00:00', 'dd'); UPDATE t SET c = NULL WHERE a = 2");
    expect(await rows(s, 'SELECT a, b, c, d FROM t ORDER BY a')).toEqual([
      [1n, 'x', '2024-01-02 03:04:05', ''], [2n, 'y', null, ''], [3n, 'z', '2024-01-02 03:04:05', ''], [4n, 'w', '2025-01-01 00:00:00', 'dd'],
    ]);
    await run(s, 'ALTER TABLE t DROP COLUMN b, ADD INDEX kc (c)');
    await run(s, "DELETE FROM t WHERE a = 3; INSERT INTO t VALUES (5, NULL, 'e')");
    expect(await rows(s, 'SELECT * FROM t ORDER BY a')).toEqual([[1n, '2024-01-02 03:04:05', ''], [2n, null, ''], [4n, '2025-01-01 00:00:00', 'dd'], [5n, null, 'e']]);
    expect(await rows(s, "SELECT a FROM t WHERE c = '2024-01-02 03:04:05'")).toEqual([[1n]]);
    const def = await readDef(kv, 't');
    expect(def.columns.map((c) => [c.name, c.slot])).toEqual([['a', 0], ['c', 2], ['d', 3]]);
    expect(await expectIndexMatchesRows(kv, def, def.indexes[0]!)).toBe(4);
    // A widening MODIFY changes only the definition: the column keeps its slot.
    await run(s, 'ALTER TABLE t MODIFY d VARCHAR(10) NOT NULL');
    const modified = await readDef(kv, 't');
    expect([modified.slotCount, modified.columns.map((c) => [c.name, c.slot, c.type])]).toEqual([4, [['a', 0, def.columns[0]!.type], ['c', 2, def.columns[1]!.type], ['d', 3, { kind: 'string', maxChars: 10, variant: 'varchar' }]]]);
    await run(s, "INSERT INTO t VALUES (6, NULL, 'longer')");
    expect(await rows(s, 'SELECT * FROM t ORDER BY a')).toEqual([[1n, '2024-01-02 03:04:05', ''], [2n, null, ''], [4n, '2025-01-01 00:00:00', 'dd'], [5n, null, 'e'], [6n, null, 'longer']]);
  });
});

/** The CONSTRAINT lines of SHOW CREATE TABLE `table`. */
async function constraintLines(s: SqlSession, table: string): Promise<string[]> {
  const [[, text]] = await rows(s, `SHOW CREATE TABLE ${table}`) as [[string, string]];
  return text.split('\n').filter((line) => line.includes('CONSTRAINT'));
}

/** Rows of `child` whose `column` names a parent row that does not exist (NULL references none). */
async function orphans(s: SqlSession, child: string, column: string): Promise<bigint> {
  const [[n]] = await rows(s, `SELECT COUNT(*) FROM ${child} WHERE ${column} NOT IN (SELECT id FROM parent)`) as [[bigint]];
  return n;
}

/** The parents and children a bank-like workload writes, and the statements that keep them in step. */
class FamilyModel {
  readonly parents: number[];
  readonly children = new Map<number, { pid: number; qid: number | null; a: number }>();
  nextParent: number;
  nextChild: number;

  constructor(parentCount: number, childCount: number, private readonly random: SeededRandom) {
    this.parents = Array.from({ length: parentCount }, (_, i) => i + 1);
    this.nextParent = parentCount + 1;
    for (let id = 1; id <= childCount; id++) this.children.set(id, FamilyModel.initialChild(id, parentCount));
    this.nextChild = childCount + 1;
  }

  static initialChild(id: number, parentCount: number): { pid: number; qid: number; a: number } {
    return { pid: (id % parentCount) + 1, qid: ((id * 7) % parentCount) + 1, a: id % 300 };
  }

  anyParent(): number {
    return this.parents[this.random.int(this.parents.length)]!;
  }

  insertChild(a: number): string {
    const id = this.nextChild++;
    const child = { pid: this.anyParent(), qid: this.random.int(4) === 0 ? null : this.anyParent(), a };
    this.children.set(id, child);
    return `INSERT INTO child (id, pid, qid, a) VALUES (${id}, ${child.pid}, ${child.qid ?? 'NULL'}, ${a})`;
  }

  updateChild(id: number, a: number): string {
    const qid = this.random.int(4) === 0 ? null : this.anyParent();
    const child = this.children.get(id);
    if (child !== undefined) this.children.set(id, { ...child, qid, a });
    return `UPDATE child SET a = ${a}, qid = ${qid ?? 'NULL'} WHERE id = ${id}`;
  }

  insertParent(): string {
    const id = this.nextParent++;
    this.parents.push(id);
    return `INSERT INTO parent VALUES (${id}, 'p${id}')`;
  }

  /** Deletes a parent: ON DELETE CASCADE takes the children of pid, SET NULL clears qid. */
  deleteParent(id: number): string {
    const at = this.parents.indexOf(id);
    if (at >= 0) {
      this.parents[at] = this.parents[this.parents.length - 1]!;
      this.parents.pop();
      for (const [childId, child] of this.children) {
        if (child.pid === id) this.children.delete(childId);
        else if (child.qid === id) this.children.set(childId, { ...child, qid: null });
      }
    }
    return `DELETE FROM parent WHERE id = ${id}`;
  }

  expectedChildren(): (bigint | null)[][] {
    return [...this.children].sort((x, y) => x[0] - y[0]).map(([id, c]) => [BigInt(id), BigInt(c.pid), c.qid === null ? null : BigInt(c.qid), BigInt(c.a)]);
  }
}

/**
 * parent(id, name) and child(id, pid, qid, a, b) with child.pid → parent ON DELETE CASCADE and
 * child.qid → parent ON DELETE SET NULL (and `childKeys`, e.g. 'KEY k (a),'), filled from
 * FamilyModel's initial rows.
 */
async function family(s: SqlSession, parentCount: number, childCount: number, childKeys = ''): Promise<void> {
  await run(s, 'CREATE DATABASE d; USE d; CREATE TABLE parent (id INT PRIMARY KEY, name VARCHAR(20))');
  await run(s, [
    `CREATE TABLE child (id INT PRIMARY KEY, pid INT, qid INT, a INT, b INT, ${childKeys}`,
    'CONSTRAINT fk_pid FOREIGN KEY (pid) REFERENCES parent (id) ON DELETE CASCADE,',
    'CONSTRAINT fk_qid FOREIGN KEY (qid) REFERENCES parent (id) ON DELETE SET NULL)',
  ].join(' '));
  // The rows fit their keys by construction: loaded as a dump is, with checks off.
  await run(s, 'SET foreign_key_checks = 0');
  for (let from = 1; from <= parentCount; from += 1000) {
    const values = Array.from({ length: Math.min(1000, parentCount - from + 1) }, (_, k) => `(${from + k}, 'p${from + k}')`);
    await run(s, `INSERT INTO parent VALUES ${values.join(', ')}`);
  }
  for (let from = 1; from <= childCount; from += 1000) {
    const values = Array.from({ length: Math.min(1000, childCount - from + 1) }, (_, k) => {
      const c = FamilyModel.initialChild(from + k, parentCount);
      return `(${from + k}, ${c.pid}, ${c.qid}, ${c.a}, ${from + k})`;
    });
    await run(s, `INSERT INTO child VALUES ${values.join(', ')}`);
  }
  await run(s, 'SET foreign_key_checks = 1');
}

/** After an ALTER under foreign key traffic: rows as the model says, every index exact, no orphans, keys kept and enforced. */
async function expectFamilyIntact(s: SqlSession, kv: TxnKv, model: FamilyModel, constraints: readonly string[]): Promise<void> {
  expect(await rows(s, 'SELECT id, pid, qid, a FROM child ORDER BY id')).toEqual(model.expectedChildren());
  expect(await rows(s, 'SELECT id FROM parent ORDER BY id')).toEqual([...model.parents].sort((x, y) => x - y).map((id) => [BigInt(id)]));
  for (const name of ['child', 'parent']) {
    const def = await readDef(kv, name);
    expect(def.pending).toBeUndefined();
    const count = name === 'child' ? model.children.size : model.parents.length;
    for (const index of def.indexes) expect(await expectIndexMatchesRows(kv, def, index)).toBe(count);
  }
  expect([await orphans(s, 'child', 'pid'), await orphans(s, 'child', 'qid')]).toEqual([0n, 0n]);
  expect(await constraintLines(s, 'child')).toEqual(constraints);
  // Still enforced: a missing parent is 1452, a deleted one cascades.
  const missing = model.nextParent + 1000;
  expect(await errnoOf(s, `INSERT INTO child (id, pid) VALUES (${model.nextChild}, ${missing})`)).toBe(1452);
  expect(await errnoOf(s, `INSERT INTO child (id, qid) VALUES (${model.nextChild}, ${missing})`)).toBe(1452);
  const [[victim]] = await rows(s, 'SELECT pid FROM child ORDER BY id LIMIT 1') as [[bigint]];
  await run(s, model.deleteParent(Number(victim)));
  expect(await rows(s, `SELECT COUNT(*) FROM child WHERE pid = ${victim} OR qid = ${victim}`)).toEqual([[0n]]);
}

/**
 * DML of a bank-like workload against child while `ddl` runs: children inserted with live
 * parents, children updated (a and the SET NULL key), parents deleted (cascading into child,
 * half of the time a parent of a child just ahead of the backfill) and inserted.
 */
function familyDml(engine: SqlEngine, model: FamilyModel, random: SeededRandom): (step: number) => string {
  return (step) => {
    const op = random.int(4);
    if (op === 0) return model.insertChild(step % 300);
    if (op === 3) return model.insertParent();
    const id = targetId(engine, random, model.nextChild - 1);
    if (op === 1) return model.updateChild(id, (step * 7) % 300);
    return model.deleteParent(model.children.get(id)?.pid ?? model.anyParent());
  };
}

describe('online ALTER TABLE of tables with foreign keys', () => {
  it('adds indexes to a child table while children are written and parents deleted with CASCADE and SET NULL', async () => {
    const { engine, kv, open } = await newEngine({ backfillBatchRows: 250 }, createMemoryMvccStore(), true);
    const [a, b] = [await open(), await open()];
    const parentCount = Math.ceil(ROWS / 2);
    await family(a, parentCount, ROWS);
    await b.useDatabase('d');
    const constraints = await constraintLines(a, 'child');
    expect(constraints).toHaveLength(2);
    const random = new SeededRandom(23);
    const model = new FamilyModel(parentCount, ROWS, random);
    // iaq leads with a, not a key column, and holds qid, which SET NULL cascades change.
    const outcome = await concurrently(engine, a, b, 'ALTER TABLE child ADD INDEX ia (a), ADD INDEX iaq (a, qid)', familyDml(engine, model, random));
    expect(outcome.ddlErrno).toBeUndefined();
    expect(outcome.errors).toEqual([]);
    // Online, not one transaction: statements (cascades among them) completed between batches.
    expect(outcome.during.get('backfill-in-progress') ?? 0).toBeGreaterThan(20);
    expect((await rows(a, 'SHOW INDEX FROM child')).map((r) => r[2])).toEqual(['PRIMARY', 'fk_pid', 'fk_qid', 'ia', 'iaq', 'iaq']);
    await expectFamilyIntact(a, kv, model, constraints);
  }, 300_000);

  it('adds a column with a default and drops a non-key column of a child table under the same traffic', async () => {
    const { engine, kv, open } = await newEngine({ backfillBatchRows: 250 }, createMemoryMvccStore(), true);
    const [a, b] = [await open(), await open()];
    const parentCount = Math.ceil(ROWS / 2);
    await family(a, parentCount, ROWS, 'KEY kab (a, b),');
    await b.useDatabase('d');
    const constraints = await constraintLines(a, 'child');
    const random = new SeededRandom(29);
    const model = new FamilyModel(parentCount, ROWS, random);
    // kab loses b, so it is built again (a backfill), and b's stored values are cleared in batches.
    const outcome = await concurrently(engine, a, b, 'ALTER TABLE child ADD COLUMN c INT NOT NULL DEFAULT 7, DROP COLUMN b', familyDml(engine, model, random));
    expect(outcome.ddlErrno).toBeUndefined();
    expect(outcome.errors).toEqual([]);
    expect(outcome.during.get('backfill-in-progress') ?? 0).toBeGreaterThan(20);
    expect(outcome.during.get('cleanup') ?? 0).toBeGreaterThan(0);
    expect((await rows(a, 'DESCRIBE child')).map((r) => r[0])).toEqual(['id', 'pid', 'qid', 'a', 'c']);
    expect(await rows(a, 'SELECT COUNT(*) FROM child WHERE c <> 7')).toEqual([[0n]]);
    const def = await readDef(kv, 'child');
    expect(def.columns.map((c) => [c.name, c.slot])).toEqual([['id', 0], ['pid', 1], ['qid', 2], ['a', 3], ['c', 5]]);
    // No row keeps a value in b's slot.
    expect((await scanAll(kv, indexRange(def.id, primaryIndexId))).filter((r) => (decodeRow(r.value)[4] ?? null) !== null)).toEqual([]);
    await expectFamilyIntact(a, kv, model, constraints);
  }, 300_000);

  it('adds an index to a parent table while children are inserted and parents updated and deleted with CASCADE', async () => {
    const { engine, kv, open } = await newEngine({ backfillBatchRows: 50 }, createMemoryMvccStore(), true);
    const [a, b] = [await open(), await open()];
    const parentCount = Math.ceil(ROWS / 4);
    const childCount = Math.ceil(ROWS / 4);
    await family(a, parentCount, childCount);
    await b.useDatabase('d');
    const constraints = await constraintLines(a, 'child');
    const names = new Map<number, string>(Array.from({ length: parentCount }, (_, i) => [i + 1, `p${i + 1}`]));
    const random = new SeededRandom(31);
    const model = new FamilyModel(parentCount, childCount, random);
    const dml = (step: number): string => {
      const op = random.int(4);
      if (op === 0) return model.insertChild(step % 300);
      // Parents just ahead of the backfill half of the time.
      const id = targetId(engine, random, model.nextParent - 1);
      if (op === 1) {
        if (names.has(id)) names.set(id, `r${step % 50}`);
        return `UPDATE parent SET name = 'r${step % 50}' WHERE id = ${id}`;
      }
      if (op === 2) {
        names.delete(id);
        return model.deleteParent(id);
      }
      const sql = model.insertParent();
      names.set(model.nextParent - 1, `p${model.nextParent - 1}`);
      return sql;
    };
    const outcome = await concurrently(engine, a, b, 'ALTER TABLE parent ADD INDEX iname (name)', dml);
    expect(outcome.ddlErrno).toBeUndefined();
    expect(outcome.errors).toEqual([]);
    expect(outcome.during.get('backfill-in-progress') ?? 0).toBeGreaterThan(20);
    expect((await rows(a, 'SHOW INDEX FROM parent')).map((r) => r[2])).toEqual(['PRIMARY', 'iname']);
    expect(await rows(a, 'SELECT id, name FROM parent ORDER BY id')).toEqual([...names].sort((x, y) => x[0] - y[0]).map(([id, n]) => [BigInt(id), n]));
    expect(await rows(a, "SELECT COUNT(*) FROM parent WHERE name = 'r7'")).toEqual(await rows(a, "SELECT COUNT(*) FROM parent WHERE CONCAT(name, '') = 'r7'"));
    expect((await rows(a, "EXPLAIN SELECT id FROM parent WHERE name = 'r7'"))[0]![6]).toBe('iname');
    await expectFamilyIntact(a, kv, model, constraints);
  }, 300_000);

  it('runs what leaves the keys alone online, and what touches a key column or index in one transaction with the same errors', async () => {
    const { engine, kv, open } = await newEngine({ backfillBatchRows: 2 });
    const s = await open();
    await run(s, 'CREATE DATABASE d; USE d; CREATE TABLE p (id INT PRIMARY KEY, code VARCHAR(10), n INT, v INT, UNIQUE KEY ucode (code), KEY kn (n))');
    await run(s, 'CREATE TABLE c (id INT PRIMARY KEY, pid INT, code VARCHAR(10), x INT, y INT, KEY kxy (x, y), CONSTRAINT fk FOREIGN KEY (pid) REFERENCES p (id) ON DELETE CASCADE, CONSTRAINT fkc FOREIGN KEY (code) REFERENCES p (code) ON DELETE SET NULL)');
    await run(s, "INSERT INTO p VALUES (1, 'a', 1, 1), (2, 'b', 2, 2), (3, 'c', 3, 3); INSERT INTO c VALUES (1, 1, 'a', 1, 1), (2, 2, 'b', 2, 2), (3, 3, 'c', 3, 3), (4, 1, 'b', 4, 4)");
    /** Runs `sql`; true when it ran as schema state steps (online), false for one transaction. */
    const steps = async (sql: string): Promise<{ online: boolean; error?: [number, string] }> => {
      const before = engine.schemaSync.lastStepBarrier;
      const [result] = await s.query(sql);
      const online = engine.schemaSync.lastStepBarrier !== before;
      return result!.kind === 'error' ? { online, error: [result!.error.errno, result!.error.message] } : { online };
    };
    // Online on the child and on the parent: nothing a key uses.
    for (const sql of [
      'ALTER TABLE c ADD INDEX ky (y)', 'ALTER TABLE c ADD COLUMN z INT DEFAULT 5, DROP COLUMN y', 'ALTER TABLE c MODIFY x BIGINT', 'ALTER TABLE c MODIFY x VARCHAR(20)',
      'CREATE INDEX kv ON p (v)', 'ALTER TABLE p DROP INDEX kn', 'ALTER TABLE p DROP COLUMN n, ADD UNIQUE KEY uv (v)',
    ]) expect([sql, await steps(sql)]).toEqual([sql, { online: true }]);
    // A key column or an index that leads with a key's columns: one transaction, MySQL's errors.
    const fails: [string, number, string][] = [
      ['ALTER TABLE c DROP INDEX fk', 1553, "Cannot drop index 'fk': needed in a foreign key constraint"],
      ['ALTER TABLE c ADD INDEX kq (x), DROP INDEX fkc', 1553, "Cannot drop index 'fkc': needed in a foreign key constraint"],
      ['DROP INDEX ucode ON p', 1553, "Cannot drop index 'ucode': needed in a foreign key constraint"],
      ['ALTER TABLE c DROP COLUMN x, DROP COLUMN pid', 1828, "Cannot drop column 'pid': needed in a foreign key constraint 'fk'"],
      ['ALTER TABLE c DROP COLUMN pid, DROP COLUMN nope', 1828, "Cannot drop column 'pid': needed in a foreign key constraint 'fk'"],
      ['ALTER TABLE p DROP COLUMN code', 1829, "Cannot drop column 'code': needed in a foreign key constraint 'fkc' of table 'c'"],
      ['ALTER TABLE c MODIFY pid BIGINT', 3780, "Referencing column 'pid' and referenced column 'id' in foreign key constraint 'fk' are incompatible."],
      ['ALTER TABLE p MODIFY id BIGINT', 3780, "Referencing column 'pid' and referenced column 'id' in foreign key constraint 'fk' are incompatible."],
      ['ALTER TABLE c MODIFY code VARCHAR(10) NOT NULL', 1830, "Column 'code' cannot be NOT NULL: needed in a foreign key constraint 'fkc' SET NULL"],
    ];
    for (const [sql, errno, message] of fails) expect([sql, await steps(sql)]).toEqual([sql, { online: false, error: [errno, message] }]);
    // Allowed, still in one transaction: renaming and widening key columns (the keys follow),
    // dropping a key's index once another serves it (kpz, added online), dropping a column from
    // an index that leads with a key column.
    for (const sql of ['ALTER TABLE c CHANGE pid parent_id INT', 'ALTER TABLE p MODIFY code VARCHAR(20)', 'ALTER TABLE c ADD INDEX kpz (parent_id, z)', 'ALTER TABLE c DROP INDEX fk', 'ALTER TABLE c DROP COLUMN z']) {
      const outcome = await steps(sql);
      expect([sql, outcome.online]).toEqual([sql, sql.includes('ADD INDEX')]);
      expect(outcome.error).toBeUndefined();
    }
    expect(await constraintLines(s, 'c')).toEqual([
      '  CONSTRAINT `fk` FOREIGN KEY (`parent_id`) REFERENCES `p` (`id`) ON DELETE CASCADE,',
      '  CONSTRAINT `fkc` FOREIGN KEY (`code`) REFERENCES `p` (`code`) ON DELETE SET NULL',
    ]);
    expect((await rows(s, 'SHOW INDEX FROM c')).map((r) => [r[2], r[4]])).toEqual([['PRIMARY', 'id'], ['kxy', 'x'], ['fkc', 'code'], ['kpz', 'parent_id']]);
    expect(await errnoOf(s, 'INSERT INTO c (id, parent_id) VALUES (9, 9)')).toBe(1452);
    // CASCADE takes 1 and 4 (parent 1) and 3 (parent 3); SET NULL clears 2's code 'c'.
    await run(s, "UPDATE c SET code = 'c' WHERE id = 2; DELETE FROM p WHERE id = 1; DELETE FROM p WHERE id = 3");
    expect(await rows(s, 'SELECT id, parent_id, code, x FROM c ORDER BY id')).toEqual([[2n, 2n, null, '2']]);
    for (const name of ['c', 'p']) {
      const def = await readDef(kv, name);
      for (const index of def.indexes) expect(await expectIndexMatchesRows(kv, def, index)).toBe(1);
    }
  });

  it('runs an ALTER in one transaction after all when another table makes a key it touches while the job runs', async () => {
    let other: Promise<number | undefined> | undefined;
    let s2: SqlSession | undefined;
    const { kv, open } = await newEngine({
      backfillBatchRows: 2,
      testOnlyAfterBackfillBatch: () => {
        other ??= errnoOf(s2!, 'CREATE TABLE late (x INT, CONSTRAINT fk_late FOREIGN KEY (x) REFERENCES p (n))');
        return 'continue';
      },
    });
    const s = await open();
    s2 = await open();
    await run(s, 'CREATE DATABASE d; USE d; CREATE TABLE p (id INT PRIMARY KEY, n INT, v INT, KEY kn (n))');
    await s2.useDatabase('d');
    await run(s, `INSERT INTO p VALUES ${Array.from({ length: 40 }, (_, k) => `(${k + 1}, ${k + 1}, ${k % 3})`).join(', ')}`);
    const created = await rows(s, 'SHOW CREATE TABLE p');
    // No key uses n when the job starts; by its public step one does (1829, from the one-transaction path).
    expect(await s.query('ALTER TABLE p ADD INDEX kv (v), DROP COLUMN n')).toMatchObject([{ kind: 'error', error: { errno: 1829, message: "Cannot drop column 'n': needed in a foreign key constraint 'fk_late' of table 'late'" } }]);
    // The hook ran, so the job was online with a backfill when the key appeared.
    expect(other).toBeDefined();
    expect(await other).toBeUndefined();
    expect(await rows(s, 'SHOW CREATE TABLE p')).toEqual(created);
    const def = await readDef(kv, 'p');
    expect([def.pending, def.referencedBy]).toEqual([undefined, [{ db: 'd', table: 'late', name: 'fk_late' }]]);
    await run(s, 'INSERT INTO late VALUES (7)');
    expect(await errnoOf(s, 'INSERT INTO late VALUES (41)')).toBe(1452);
  });
});
