/**
 * ANALYZE [NO_WRITE_TO_BINLOG | LOCAL] TABLE t [, t2 …]: collects the statistics the cost-based
 * planner reads (exec/table-stats.ts, exec/cost-model.ts) and stores them in the catalog
 * ([0,'stat',tableId]), one transaction per table, answering with MySQL's result set
 * (Table | Op | Msg_type | Msg_text).
 *
 * Collection: the primary index is scanned once to count the rows exactly; a second scan decodes
 * every row, or of a larger table a sample of about limits.statsSampleRowsMax rows: a row is
 * taken when a hash (FNV-1a) of its primary key falls below the sampling rate — deterministic,
 * and unlike every k-th row, blind to values that repeat with the key's period. Per column: distinct non-NULL values (by the index's
 * collation key, so 'a' and 'A' are one value), NULLs and numeric bounds; per index (PRIMARY and
 * every secondary index): distinct values of every key prefix, NULLs counting as one value
 * (InnoDB's nulls_equal). Distinct counts of a sample are scaled with the GEE estimator
 * (Charikar et al., 2000): D = sqrt(N/n)·f1 + (d − f1), f1 = values seen once in the sample.
 */
import { SqlError } from '../../src/base/errors.js';
import { limits } from '../../src/base/limits.js';
import type { Txn, TxnKv } from '../../src/txn/txn-kv.js';
import { encodeKey } from '../../storage/key-codec.js';
import type { TableName } from '../ast/query.js';
import { getDatabase, getTable, getView, putTableStats, type ColumnStats, type IndexStats, type TableDef, type TableStats } from '../catalog.js';
import { decodeRow } from '../row-codec.js';
import { Charset, ColumnType, type ColumnInfo, type SqlValue, type StatementResult } from '../session-api.js';
import { toDouble, type Value } from '../values.js';
import { databaseOf } from './ddl.js';
import { fullRange, keyPart, padRow } from './table-access.js';
import type { TableStatsCache } from './table-stats.js';

/** What ANALYZE TABLE needs from the session (its open transaction is committed first). */
export interface AnalyzeHost {
  readonly kv: TxnKv;
  readonly database: string | null;
  /** The engine's statistics cache: collected statistics go there once committed. */
  readonly cache: TableStatsCache;
}

function textColumn(name: string, chars: number): ColumnInfo {
  return { schema: '', table: '', orgTable: '', name, orgName: '', charset: Charset.UTF8MB4_GENERAL_CI, columnLength: chars * 4, type: ColumnType.VAR_STRING, flags: 0, decimals: 31 };
}

/** Runs ANALYZE TABLE over `tables`, in the order written. */
export async function analyzeTables(tables: readonly TableName[], host: AnalyzeHost): Promise<StatementResult> {
  const names = tables.map((t) => ({ db: databaseOf(t, host.database), name: t.name }));
  const seen = new Set<string>();
  for (const n of names) {
    const key = `${n.db}.${n.name}`;
    if (seen.has(key)) throw new SqlError('NONUNIQ_TABLE', `Not unique table/alias: '${n.name}'`);
    seen.add(key);
  }
  const rows: SqlValue[][] = [];
  for (const n of names) {
    const label = `${n.db}.${n.name}`;
    for (const [type, text] of await analyzeOne(n, host)) rows.push([label, 'analyze', type, text]);
  }
  const columns = [textColumn('Table', 513), textColumn('Op', 10), textColumn('Msg_type', 10), textColumn('Msg_text', 1024)];
  return { kind: 'rows', columns, rows, warningCount: 0 };
}

/** The Msg_type/Msg_text rows of one table, as MySQL's mysql_admin_table reports them. */
async function analyzeOne(name: { db: string; name: string }, host: AnalyzeHost): Promise<[string, string][]> {
  const txn = host.kv.begin();
  try {
    const def = await getTable(txn, name.db, name.name);
    if (def === undefined) {
      const failure = await openFailure(txn, name);
      txn.rollback();
      return failure;
    }
    const stats = await collectTableStats(txn, def);
    putTableStats(txn, stats);
    await txn.commit();
    host.cache.store(stats);
    return [['status', 'OK']];
  } catch (e) {
    if (!txn.finished) txn.rollback();
    throw e;
  }
}

/** Why a table could not be opened: MySQL prints the error, then "Operation failed" or "Corrupt". */
async function openFailure(txn: Txn, name: { db: string; name: string }): Promise<[string, string][]> {
  if ((await getDatabase(txn, name.db)) === undefined) return [['Error', `Unknown database '${name.db}'`], ['error', 'Corrupt']];
  if ((await getView(txn, name.db, name.name)) !== undefined) return [['Error', `'${name.db}.${name.name}' is not BASE TABLE`], ['status', 'Operation failed']];
  return [['Error', `Table '${name.db}.${name.name}' doesn't exist`], ['status', 'Operation failed']];
}

/** Statistics of `def` read through `txn` (see the file header for how they are sampled). */
export async function collectTableStats(txn: Txn, def: TableDef, sampleRowsMax: number = limits.statsSampleRowsMax): Promise<TableStats> {
  const range = fullRange(def);
  let rows = 0;
  for await (const _ of txn.scan(range)) rows++;
  // Rows whose key hashes below `threshold` (of 2^32) are sampled: all of them for a small table.
  const threshold = rows <= sampleRowsMax ? 2 ** 32 : Math.floor((sampleRowsMax / rows) * 2 ** 32);
  const sample = new SampleCounts(def);
  for await (const kv of txn.scan(range)) {
    if (fnv1a(kv.key) < threshold) sample.add(padRow(def, decodeRow(kv.value)));
  }
  return sample.result(def.id, rows);
}

/** 32-bit FNV-1a of a key. */
function fnv1a(bytes: Uint8Array): number {
  let h = 0x811c9dc5;
  for (const b of bytes) h = Math.imul(h ^ b, 0x01000193);
  return h >>> 0;
}

/** Value frequencies of one sample: per column and per index key prefix. */
class SampleCounts {
  private sampled = 0;
  private readonly columns: { readonly freq: Map<string, number>; nulls: number; min: number; max: number; readonly numeric: boolean }[];
  private readonly indexes: { readonly name: string; readonly columns: readonly number[]; readonly prefixes: Map<string, number>[] }[];

  constructor(private readonly def: TableDef) {
    this.columns = def.columns.map((c) => ({ freq: new Map(), nulls: 0, min: Infinity, max: -Infinity, numeric: ['int', 'decimal', 'float', 'double'].includes(c.type.kind) }));
    const keyed = def.primaryKey.length > 0 ? [{ name: 'PRIMARY', columns: def.primaryKey }] : [];
    this.indexes = [...keyed, ...def.indexes].map((ix) => ({ name: ix.name, columns: ix.columns, prefixes: ix.columns.map(() => new Map<string, number>()) }));
  }

  add(row: readonly Value[]): void {
    this.sampled++;
    const parts = this.def.columns.map((c, i) => keyPart(row[i] ?? null, c.type));
    this.columns.forEach((col, i) => {
      const v = row[i] ?? null;
      if (v === null) {
        col.nulls++;
        return;
      }
      bump(col.freq, keyText([parts[i]!]));
      if (col.numeric) {
        const d = toDouble(v);
        if (d < col.min) col.min = d;
        if (d > col.max) col.max = d;
      }
    });
    for (const ix of this.indexes) {
      ix.prefixes.forEach((freq, k) => bump(freq, keyText(ix.columns.slice(0, k + 1).map((c) => parts[c]!))));
    }
  }

  result(tableId: number, rows: number): TableStats {
    const scale = this.sampled === 0 ? 1 : rows / this.sampled;
    const columns: ColumnStats[] = this.columns.map((col, i) => ({
      name: this.def.columns[i]!.name,
      distinct: estimateDistinct(col.freq, this.sampled - col.nulls, rows - Math.round(col.nulls * scale), scale),
      nulls: Math.round(col.nulls * scale),
      ...(col.numeric && col.min <= col.max ? { min: col.min, max: col.max } : {}),
    }));
    const indexes: IndexStats[] = this.indexes.map((ix) => ({ name: ix.name, cardinality: ix.prefixes.map((freq) => estimateDistinct(freq, this.sampled, rows, scale)) }));
    return { tableId, rows, sampledRows: this.sampled, columns, indexes };
  }
}

function bump(freq: Map<string, number>, key: string): void {
  freq.set(key, (freq.get(key) ?? 0) + 1);
}

function keyText(parts: Parameters<typeof encodeKey>[0]): string {
  return Buffer.from(encodeKey(parts)).toString('latin1');
}

/**
 * Distinct values of a population of `population` values from the frequencies of a sample of
 * `sampled` of them: exact when nothing was left out, else GEE, kept within [d, population].
 */
function estimateDistinct(freq: ReadonlyMap<string, number>, sampled: number, population: number, scale: number): number {
  const d = freq.size;
  if (scale <= 1 || sampled <= 0) return d;
  let once = 0;
  for (const n of freq.values()) if (n === 1) once++;
  const gee = Math.sqrt(scale) * once + (d - once);
  return Math.round(Math.min(Math.max(gee, d), Math.max(population, d)));
}
