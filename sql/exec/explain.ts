/**
 * EXPLAIN in MySQL's tabular format and EXPLAIN ANALYZE as MySQL 8's tree text.
 *
 * EXPLAIN compiles the statement with the general planner — the same access-path choice and
 * join order an execution makes — and prints one row per table read, a join's tables in the
 * order its nested loop binds them: the partitions the partition-pruning hook says the access
 * touches (NULL: unpartitioned), the access type (const, ref, range, ALL), the index (PRIMARY
 * or a secondary index such as k_1), its key length in bytes as MySQL counts it, the rows —
 * estimated from ANALYZE TABLE statistics when the table has them, else counted from the chosen
 * ranges (bounded by `explainCountRowsMax`) — and the percent of them the conditions checked at
 * the table's join level keep (cost-model.ts; 100.00 for a lone table without statistics).
 * A table below the first of a join reads the fetched rows once per row combination above it:
 * "Using join buffer (Block Nested Loop)". EXPLAIN ANALYZE runs a SELECT, timing each table
 * fetch and the synchronous executor that joins, filters, groups, sorts and limits the fetched
 * rows; the executor's operators run fused, so they share the one measurement printed on the
 * top node.
 */
import { SqlError } from '../../src/base/errors.js';
import type { KeyRange, Txn } from '../../src/txn/txn-kv.js';
import { compareBytes, prefixEnd } from '../../storage/key-codec.js';
import type { Query, Select } from '../ast/query.js';
import type { Statement } from '../ast/statement.js';
import { rowKey, type TableDef } from '../catalog.js';
import { exprText, qualifiedExprText } from '../parser/convert-ast.js';
import { Charset, ColumnFlag, ColumnType, type ColumnInfo, type SqlValue, type StatementResult } from '../session-api.js';
import type { SqlType } from '../types.js';
import type { AccessPath } from './access-path.js';
import { compileQuery, compileTableFilter, type PlannerEnv } from './query-planner.js';
import { AnalyzeRecorder, type SelectProfile, type StageKind } from './analyze-profile.js';
import type { JoinLookup, TableSource } from './sources.js';
import { fullRange } from './table-access.js';

/** Largest number of keys EXPLAIN counts for one table's row estimate. */
export const explainCountRowsMax = 100_000;

/** What EXPLAIN needs from the session. */
export interface ExplainHost {
  /** Runs `body` with a planner environment and a read transaction (nothing fetched yet). */
  withPlanner<T>(body: (env: PlannerEnv, txn: Txn) => Promise<T>): Promise<T>;
  /** The clock for EXPLAIN ANALYZE, in milliseconds with a fraction. */
  nowMs(): number;
}

const explainColumns = ['id', 'select_type', 'table', 'partitions', 'type', 'possible_keys', 'key', 'key_len', 'ref', 'rows', 'filtered', 'Extra'];

function textColumn(name: string, length: number): ColumnInfo {
  return { schema: '', table: '', orgTable: '', name, orgName: '', charset: Charset.UTF8MB4_GENERAL_CI, columnLength: length * 4, type: ColumnType.VAR_STRING, flags: 0, decimals: 31 };
}

function intColumn(name: string): ColumnInfo {
  return { schema: '', table: '', orgTable: '', name, orgName: '', charset: Charset.BINARY, columnLength: 21, type: ColumnType.LONGLONG, flags: ColumnFlag.NUM | ColumnFlag.BINARY, decimals: 0 };
}

/** EXPLAIN <statement>: one row per table the statement reads (or writes, for INSERT). */
export async function explainStatement(stmt: Statement, host: ExplainHost): Promise<StatementResult> {
  const rows = await host.withPlanner(async (env, txn) => {
    const selectType = stmt.kind === 'update' ? 'UPDATE' : stmt.kind === 'delete' ? 'DELETE' : stmt.kind === 'insert' ? 'INSERT' : 'SIMPLE';
    if (stmt.kind === 'query') compileQuery(stmt.query, null, env);
    else if (stmt.kind === 'update') compileTableFilter(stmt.table, stmt.alias, stmt.where, env);
    else if (stmt.kind === 'delete') compileTableFilter(stmt.table, null, stmt.where, env);
    else if (stmt.kind === 'insert') {
      const def = env.table(stmt.table);
      const out: SqlValue[][] = [[1n, 'INSERT', def.name, null, 'ALL', null, null, null, null, null, null, null]];
      if (stmt.source !== null) compileQuery(stmt.source, null, env);
      for (const s of env.sources.all()) out.push(await explainRow(s, 'SIMPLE', extraFor(stmt.source, s), txn));
      return out;
    } else throw new SqlError('NOT_SUPPORTED_YET', `This version of Atoll doesn't yet support 'EXPLAIN ${stmt.kind}'`);
    const out: SqlValue[][] = [];
    for (const s of env.sources.all()) {
      const extra = stmt.kind === 'query' ? extraFor(stmt.query, s) : stmt.where === null ? null : 'Using where';
      out.push(await explainRow(s, selectType, extra, txn));
    }
    return out;
  });
  const columns = explainColumns.map((n) => (n === 'id' || n === 'rows' ? intColumn(n) : textColumn(n, 64)));
  return { kind: 'rows', columns, rows, warningCount: 0 };
}

/** How MySQL names an access: const, eq_ref/ref (one index prefix), range, ALL. */
function accessType(path: AccessPath, def: TableDef): string {
  switch (path.kind) {
    case 'full':
      return 'ALL';
    case 'points':
      return path.keys.length === 1 ? 'const' : 'range';
    case 'primaryRanges':
      return path.ranges.length === 1 && isPrefixRange(path.ranges[0]!) && def.primaryKey.length > 1 ? 'ref' : 'range';
    case 'indexRanges':
      return path.ranges.length === 1 && isPrefixRange(path.ranges[0]!) ? 'ref' : 'range';
  }
}

function isPrefixRange(r: KeyRange): boolean {
  return r.end !== undefined && compareBytes(r.end, prefixEnd(r.start)) === 0;
}

function keyColumns(path: AccessPath, def: TableDef): { name: string; columns: readonly number[] } | null {
  switch (path.kind) {
    case 'full':
      return null;
    case 'points':
      return { name: 'PRIMARY', columns: def.primaryKey };
    case 'primaryRanges':
      return { name: 'PRIMARY', columns: def.primaryKey.slice(0, 1) };
    case 'indexRanges': {
      const index = def.indexes.find((i) => i.name === path.indexName);
      return { name: path.indexName, columns: index === undefined ? [] : index.columns.slice(0, 1) };
    }
  }
}

/** Bytes of a key part as MySQL's key_len counts them (utf8mb4: 4 bytes a character). */
function keyBytes(type: SqlType, nullable: boolean): number {
  let n: number;
  switch (type.kind) {
    case 'int': n = type.bytes; break;
    case 'decimal': n = Math.ceil((type.precision - type.scale) / 9) * 4 + Math.ceil(type.scale / 9) * 4; break;
    case 'float': n = 4; break;
    case 'double': n = 8; break;
    case 'string': n = type.maxChars * 4 + (type.variant === 'char' ? 0 : 2); break;
    case 'binary': n = type.maxBytes + (type.variant === 'binary' ? 0 : 2); break;
    case 'date': n = 3; break;
    case 'datetime': case 'timestamp': n = 5 + Math.ceil(type.fsp / 2); break;
    case 'time': n = 3 + Math.ceil(type.fsp / 2); break;
    case 'null': n = 0; break;
  }
  return n + (nullable ? 1 : 0);
}

/** Extra of a joined table: MySQL's words for a hash join and a block nested loop; merge is Atoll's. */
const joinExtra = { loop: 'Using join buffer (Block Nested Loop)', hash: 'Using join buffer (hash join)', merge: 'Using merge join (primary key order)' } as const;

async function explainRow(source: TableSource, selectType: string, extra: string | null, txn: Txn): Promise<SqlValue[]> {
  const possible = source.possibleKeys.length === 0 ? null : source.possibleKeys.join(',');
  if (source.lookup !== null) return lookupRow(source, source.lookup, selectType, extra);
  const def = source.def;
  const path = source.path;
  const type = accessType(path, def);
  const key = keyColumns(path, def);
  const keyLen = key === null ? null : String(key.columns.reduce((sum, c) => sum + keyBytes(def.columns[c]!.type, !def.columns[c]!.notNull), 0));
  const ref = type === 'const' || type === 'ref' ? 'const' : null;
  const estimate = source.estimate;
  const rows = BigInt(estimate?.analyzed === true ? Math.max(1, Math.round(estimate.rows)) : await estimateRows(path, def, txn));
  const filtered = (estimate?.filteredPercent ?? 100).toFixed(2);
  // The executor joins fetched rows by a nested loop over them: MySQL's block nested loop.
  const joinBuffer = (estimate?.joinLevel ?? 0) === 0 ? null : joinExtra[source.joinMethod];
  const usingWhere = type === 'const' ? null : extra;
  const extraText = [usingWhere, joinBuffer].filter((x) => x !== null).join('; ') || null;
  const partitions = source.partitions === null ? null : source.partitions.map((p) => p.name).join(',');
  return [1n, selectType, def.name, partitions, type, possible, key?.name ?? null, keyLen, ref, rows, filtered, extraText];
}

/** The row of a table a join looks rows up in by the outer side's values (eq_ref or ref). */
function lookupRow(source: TableSource, lookup: JoinLookup, selectType: string, extra: string | null): SqlValue[] {
  const def = source.def;
  const column = def.columns[lookup.column]!;
  const possible = [...new Set([lookup.index, ...source.possibleKeys])].join(',');
  // The planner's percent is of a whole-table read per outer row; a lookup reads rowsPerKey.
  const estimate = source.estimate;
  const filtered = (estimate === null ? 100 : Math.min(100, (estimate.filteredPercent * estimate.rows) / lookup.rowsPerKey)).toFixed(2);
  const partitions = source.partitions === null ? null : source.partitions.map((p) => p.name).join(',');
  return [1n, selectType, def.name, partitions, lookup.unique ? 'eq_ref' : 'ref', possible, lookup.index, String(keyBytes(column.type, !column.notNull)), lookup.ref, BigInt(Math.max(1, Math.round(lookup.rowsPerKey))), filtered, extra];
}

/** Rows the access path reads, counted from its key ranges (at most explainCountRowsMax). */
async function estimateRows(path: AccessPath, def: TableDef, txn: Txn): Promise<number> {
  if (path.kind === 'points') {
    const found = await txn.batchGet(path.keys.map((k) => rowKey(def.id, [...k])));
    return found.filter((v) => v !== undefined).length;
  }
  const ranges = path.kind === 'full' ? [fullRange(def)] : path.ranges;
  let n = 0;
  for (const range of ranges) {
    for await (const _ of txn.scan(range, { limit: explainCountRowsMax - n })) n++;
    if (n >= explainCountRowsMax) break;
  }
  return n;
}

/** MySQL's Extra column for a table of a query: where, temporary, filesort. */
function extraFor(query: Query | null, source: TableSource): string | null {
  if (query === null || query.kind !== 'select') return null;
  const parts: string[] = [];
  if (query.where !== null) parts.push('Using where');
  if (query.distinct || query.groupBy.length > 0) parts.push('Using temporary');
  if (query.orderBy.length > 0 && !orderedByKey(query, source)) parts.push('Using filesort');
  return parts.length === 0 ? null : parts.join('; ');
}

/** True when ORDER BY is the primary key ascending and rows come in primary key order. */
function orderedByKey(query: Select, source: TableSource): boolean {
  if (source.path.kind === 'indexRanges' || query.distinct || query.groupBy.length > 0) return false;
  const pk = source.def.primaryKey.map((c) => source.def.columns[c]!.name.toLowerCase());
  return query.orderBy.length <= pk.length && query.orderBy.every((o, i) => !o.descending && o.expr.kind === 'column' && o.expr.name.toLowerCase() === pk[i]);
}

// ---- EXPLAIN ANALYZE ----

/** EXPLAIN ANALYZE <select>: runs it and prints MySQL 8's tree with actual rows and times. */
export async function explainAnalyze(stmt: Statement, host: ExplainHost): Promise<StatementResult> {
  if (stmt.kind !== 'query') throw new SqlError('NOT_SUPPORTED_YET', "This version of Atoll doesn't yet support 'EXPLAIN ANALYZE' of anything but SELECT");
  const text = await host.withPlanner(async (env, txn) => {
    const recorder = new AnalyzeRecorder(stmt.query);
    const plan = compileQuery(stmt.query, null, { ...env, analyze: recorder });
    const fetched = new Map<TableSource, Measured>();
    for (const source of env.sources.all()) {
      const t0 = host.nowMs();
      await source.load(txn);
      fetched.set(source, { rows: source.rows.length, ms: host.nowMs() - t0 });
    }
    const t0 = host.nowMs();
    const rows = plan.run(null);
    const ms = host.nowMs() - t0;
    const profile = recorder.result;
    if (profile === null || stmt.query.kind !== 'select') return flatTree(stmt.query, rows.length, ms, env.sources.all(), fetched);
    return tree(stmt.query, profile, fetched)
      .map((n) => `${'    '.repeat(n.depth)}-> ${n.text}${n.actual === null ? '' : `  ${actualText(n.actual)}`}`)
      .join('\n');
  });
  return { kind: 'rows', columns: [textColumn('EXPLAIN', 65535)], rows: [[text]], warningCount: 0 };
}

/** Rows an operator produced and the milliseconds it took (its children included). */
interface Measured {
  readonly rows: number;
  readonly ms: number;
}

interface TreeLine {
  readonly depth: number;
  readonly text: string;
  readonly actual: Measured | null;
}

/**
 * Every operator runs once over rows fetched before it (the executor is fused, not pulled row
 * by row), so loops is always 1 and the first row's time is not measured (printed as 0).
 */
function actualText(m: Measured): string {
  return `(actual time=${fmt(0)}..${fmt(m.ms)} rows=${m.rows} loops=1)`;
}

function fmt(ms: number): string {
  return ms.toFixed(3);
}

/** MySQL's names of a keyed join (merge is Atoll's). */
const joinNames = { hash: 'Inner hash join', merge: 'Inner merge join', lookup: 'Batched key access inner join' } as const;

/** The tree of a SELECT from what its run recorded (analyze-profile.ts), top operator first. */
function tree(query: Select, profile: SelectProfile, fetched: ReadonlyMap<TableSource, Measured>): TreeLine[] {
  const lines: TreeLine[] = [];
  const stages = [...profile.stages].reverse();
  stages.forEach((stage, depth) => lines.push({ depth, text: stageText(stage.kind, query), actual: stage }));
  const base = stages.length;
  const levels = profile.levels;
  if (levels.length === 0) {
    lines.push({ depth: base, text: 'Rows fetched before execution', actual: { rows: profile.joinRows, ms: profile.joinMs } });
    return lines;
  }
  // Time spent at levels 0..k, not counting the levels inside them.
  const upTo = (k: number): number => levels[0]!.ms - (levels[k + 1]?.ms ?? 0);
  const exclusive = (k: number): number => levels[k]!.ms - (levels[k + 1]?.ms ?? 0);
  // A left-deep tree: the join of levels 0..k has the join of 0..k-1 and level k below it.
  const emit = (k: number, depth: number): void => {
    const level = levels[k]!;
    if (k > 0) {
      // A planned lookup that found too many keys at load time read the table and hashed it.
      const method = level.method === 'lookup' && level.sources[0]?.lookedUp !== true ? (level.sources[0]?.joinMethod === 'merge' ? 'merge' : 'hash') : level.method;
      const name = method === 'loop' ? 'Nested loop inner join' : `${joinNames[method]} (${qualifiedExprText(level.key!)})`;
      lines.push({ depth, text: name, actual: { rows: level.rows, ms: upTo(k) } });
      emit(k - 1, depth + 1);
      depth++;
    }
    let accessDepth = depth;
    if (level.conditions.length > 0) {
      lines.push({ depth, text: `Filter: (${level.conditions.map(qualifiedExprText).join(' and ')})`, actual: { rows: level.rows, ms: exclusive(k) } });
      accessDepth++;
    }
    if (level.sources.length === 0) lines.push({ depth: accessDepth, text: 'Materialize (derived table)', actual: null });
    else if (level.sources.length > 1) lines.push({ depth: accessDepth, text: 'Nested loop left join', actual: null });
    const sourceDepth = level.sources.length > 1 ? accessDepth + 1 : accessDepth;
    for (const source of level.sources) lines.push({ depth: sourceDepth, text: accessText(source), actual: fetched.get(source) ?? null });
  };
  emit(levels.length - 1, base);
  return lines;
}

function stageText(kind: StageKind, query: Select): string {
  switch (kind) {
    case 'limit':
      return `Limit: ${exprText(query.limit!.count)} row(s)${query.limit!.offset === null ? '' : ` offset ${exprText(query.limit!.offset)}`}`;
    case 'sort':
      return `Sort: ${query.orderBy.map((o) => `${exprText(o.expr)}${o.descending ? ' DESC' : ''}`).join(', ')}`;
    case 'distinct':
      return 'Deduplicate';
    case 'window':
      return 'Window aggregate';
    case 'having':
      return `Filter: (${exprText(query.having!)})`;
    case 'group':
      return query.groupBy.length > 0 ? `Group aggregate: ${query.groupBy.map(exprText).join(', ')}` : 'Aggregate';
  }
}

/** A set operation (or a SELECT that recorded nothing): the top operator, then every table fetch. */
function flatTree(query: Query, rows: number, ms: number, sources: readonly TableSource[], fetched: ReadonlyMap<TableSource, Measured>): string {
  const top = query.kind === 'select' ? 'Project' : query.op === 'unionAll' ? 'Append' : 'Union materialize with deduplication';
  const lines = [`-> ${top}  ${actualText({ rows, ms })}`];
  for (const s of sources) {
    const m = fetched.get(s);
    lines.push(`    -> ${accessText(s)}${m === undefined ? '' : `  ${actualText(m)}`}`);
  }
  return lines.join('\n');
}

function accessText(source: TableSource): string {
  const def = source.def;
  const path = source.path;
  const lookup = source.lookup;
  if (lookup !== null && source.lookedUp) {
    return `${lookup.unique ? 'Single-row index lookup' : 'Index lookup'} on ${def.name} using ${lookup.index} (${def.columns[lookup.column]!.name}=${lookup.ref})`;
  }
  switch (path.kind) {
    case 'full':
      return `Table scan on ${def.name}`;
    case 'points':
      return path.keys.length === 1 ? `Single-row index lookup on ${def.name} using PRIMARY` : `Index range scan on ${def.name} using PRIMARY (${path.keys.length} keys)`;
    case 'primaryRanges':
      return `Index range scan on ${def.name} using PRIMARY`;
    case 'indexRanges':
      return `${accessType(path, def) === 'ref' ? 'Index lookup' : 'Index range scan'} on ${def.name} using ${path.indexName}`;
  }
}
