/**
 * `bench sql`: what parsing and planning cost per statement on a plan-cache hit, beside
 * node-sql-parser alone on the same text (DESIGN.md, "Hot paths": the full parser must not run
 * per query). Measured for sysbench's point select in its prepared form
 * (`SELECT c FROM sbtest1 WHERE id=?`) and its text form with a literal, which changes every
 * iteration so each lookup is a fresh key string:
 *
 *   pointSelectHitUs            lex + cache lookup + template instantiation + fast-path plan
 *   pointSelectPreparedHitUs    the same for the `?` text (what COM_STMT_PREPARE does)
 *   parseOnMissUs               Atoll's whole parse on a miss (lexer, normalization, node-sql-parser, conversion)
 *   nodeSqlParserUs             node-sql-parser's astify alone on the text form
 *
 * Standalone: `node dist/bench/sql-parse-plan.js` prints the figures as JSON.
 */
import { pathToFileURL } from 'node:url';
import { timestamp } from '../src/base/ids.js';
import type { Logger } from '../src/base/logger.js';
import { TimestampOracle } from '../src/meta/timestamp-oracle.js';
import { LocalTxnKv } from '../src/txn/local-txn-kv.js';
import { pointSelectPlan, type FastPlanHost } from '../sql/fast-path/fast-plans.js';
import { splitStatementTexts } from '../sql/parser/lexer.js';
import { parseExternal } from '../sql/parser/node-sql-parser.js';
import { parseStatement } from '../sql/parser/parse.js';
import { SqlEngine } from '../sql/sql-engine.js';
import { createMemoryMvccStore } from '../storage/memory-mvcc-store.js';

const quietLogger: Logger = { debug: () => {}, info: () => {}, warn: () => {}, error: () => {} };
const createSql = "CREATE TABLE sbtest1(id INTEGER NOT NULL AUTO_INCREMENT, k INTEGER DEFAULT '0' NOT NULL, c CHAR(120) DEFAULT '' NOT NULL, pad CHAR(60) DEFAULT '' NOT NULL, PRIMARY KEY (id)) /*! ENGINE = innodb */";

/** Mean microseconds per call of `f(i)` over about `ms` milliseconds, after a warm-up. */
function timeUs(f: (i: number) => void, ms: number): number {
  for (let i = 0; i < 2000; i++) f(i);
  let n = 0;
  const start = performance.now();
  let now = start;
  while (now - start < ms) {
    for (let k = 0; k < 200; k++) f(n++);
    now = performance.now();
  }
  return ((now - start) * 1000) / n;
}

/** An engine with sysbench's table whose point select is cached with its fast-path plan. */
async function warmEngine(): Promise<SqlEngine> {
  let ms = 1_700_000_000_000;
  const clock = { nowMs: () => ms++, monotonicMs: () => ms };
  const store = createMemoryMvccStore();
  const engine = new SqlEngine({ kv: new LocalTxnKv(store, new TimestampOracle(clock, timestamp(store.maxCommitTs()))), clock, logger: quietLogger });
  await engine.init();
  const session = await engine.openSession({ user: 'root', database: null, connectionId: 1 });
  for (const sql of ['CREATE DATABASE sbtest', 'USE sbtest', createSql, "INSERT INTO sbtest1 (k, c, pad) VALUES (1, 'c', 'p')"]) {
    const r = await session.query(sql);
    if (r[r.length - 1]!.kind === 'error') throw new Error(`bench set-up failed: ${sql}`);
  }
  for (let i = 0; i < 4; i++) await session.query(`SELECT c FROM sbtest1 WHERE id=${i + 1}`);
  const p = await session.prepare('SELECT c FROM sbtest1 WHERE id=?');
  await session.executePrepared(p.statementId, [1n]);
  await session.prepare('SELECT c FROM sbtest1 WHERE id=?');
  return engine;
}

/** Parse + plan of one text on a hit; throws when the fast path is not taken (a broken bench). */
function parseAndPlan(engine: SqlEngine, host: FastPlanHost, text: string): void {
  const [s] = splitStatementTexts(text);
  const cached = engine.planCache.lookup(s!.text, s!.tokens);
  if (pointSelectPlan(host, { key: cached.key }, cached.parsed.statement, [1n]) === null) throw new Error(`no fast plan for ${text}`);
}

/** Runs the benchmark; figures in microseconds per statement. */
export async function runSqlBench(): Promise<Record<string, number>> {
  const engine = await warmEngine();
  const warm = splitStatementTexts('SELECT c FROM sbtest1 WHERE id=1')[0]!;
  const probe: FastPlanHost = { database: 'sbtest', cache: engine.planCache, compileColumns: () => { throw new Error('the session should have built this plan'); } };
  const textPlan = pointSelectPlan(probe, { key: engine.planCache.lookup(warm.text, warm.tokens).key }, parseStatement(warm.text).statement, []);
  if (textPlan === null) throw new Error('the warm-up built no fast plan');
  // The `?` form binds its plan once (same table, same columns); later lookups find it cached.
  const host: FastPlanHost = { database: 'sbtest', cache: engine.planCache, compileColumns: () => textPlan.columns };
  const hitsBefore = engine.planCache.stats.hits;
  const pointSelectHitUs = timeUs((i) => parseAndPlan(engine, host, `SELECT c FROM sbtest1 WHERE id=${(i % 10000) + 1}`), 1500);
  const pointSelectPreparedHitUs = timeUs(() => parseAndPlan(engine, host, 'SELECT c FROM sbtest1 WHERE id=?'), 1500);
  if (engine.planCache.stats.hits - hitsBefore < 4000) throw new Error('the bench did not hit the plan cache');
  const parseOnMissUs = timeUs((i) => parseStatement(`SELECT c FROM sbtest1 WHERE id=${(i % 10000) + 1}`), 1500);
  const nodeSqlParserUs = timeUs((i) => parseExternal(`SELECT c FROM sbtest1 WHERE id=${(i % 10000) + 1}`), 1500);
  return { pointSelectHitUs, pointSelectPreparedHitUs, parseOnMissUs, nodeSqlParserUs, nodeSqlParserOverHitRatio: nodeSqlParserUs / pointSelectHitUs };
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const figures = await runSqlBench();
  process.stdout.write(`${JSON.stringify(figures, null, 2)}\n`);
}
