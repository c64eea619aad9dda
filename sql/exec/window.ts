/**
 * Window functions: ROW_NUMBER, RANK, DENSE_RANK, PERCENT_RANK, CUME_DIST, NTILE, LAG, LEAD,
 * FIRST_VALUE, LAST_VALUE, NTH_VALUE and SUM/AVG/COUNT/MIN/MAX OVER (PARTITION BY … ORDER BY
 * … [ROWS | RANGE frame]).
 *
 * They are computed after WHERE, GROUP BY and HAVING and before the select list is projected
 * (MySQL's order): `apply` partitions and sorts the rows once per window function and stores
 * each row's value in a side table keyed by the row, which the compiled call reads. Frames:
 * ROWS with any bounds; RANGE only with UNBOUNDED and CURRENT ROW bounds (peers).
 */
import { SqlError } from '../../src/base/errors.js';
import type { Expr, FrameBound, WindowSpec } from '../ast/expr.js';
import { Decimal } from '../decimal.js';
import { unsupported } from '../errors.js';
import { bigintType, decimalType, doubleType, intDigitsOf, isExact, scaleOf, unifyTypes, type SqlType } from '../types.js';
import { groupKey, toBigInt, toDecimal, toDouble, type Value } from '../values.js';
import { coerce, compareModeFor } from './coerce.js';
import { comparator, compileExpr, type CompileOptions } from './compile-expr.js';
import type { CompileEnv, Compiled } from './plan-types.js';
import type { EvalCtx, Scope } from './scope.js';

type NonNull = Exclude<Value, null>;

/** One window function of a query, compiled. */
interface WindowFn {
  readonly name: string;
  readonly args: readonly Compiled[];
  readonly partition: readonly Compiled[];
  readonly order: readonly { readonly key: Compiled; readonly descending: boolean; readonly cmp: (a: NonNull, b: NonNull) => number }[];
  readonly frame: WindowSpec['frame'];
  readonly type: SqlType;
}

const ranking = new Set(['ROW_NUMBER', 'RANK', 'DENSE_RANK', 'PERCENT_RANK', 'CUME_DIST', 'NTILE']);
const aggregates = new Set(['SUM', 'AVG', 'COUNT', 'MIN', 'MAX']);

/** The window functions of one SELECT: registered while compiling, computed by `apply`. */
export class WindowFunctions {
  private readonly fns: WindowFn[] = [];
  private values = new WeakMap<readonly Value[], Value[]>();

  constructor(
    private readonly scope: Scope,
    private readonly env: CompileEnv,
    private readonly opts: Omit<CompileOptions, 'windows'>,
  ) {}

  /** True when the query has no window function. */
  get empty(): boolean {
    return this.fns.length === 0;
  }

  /** Compiles a window call; its value is read from the side table `apply` fills. */
  add(e: Extract<Expr, { kind: 'window' }>): Compiled {
    const sub = (x: Expr): Compiled => compileExpr(x, this.scope, this.env, { ...this.opts, clause: 'window' });
    const args = e.args.map(sub);
    const order = e.window.orderBy.map((o) => {
      const key = sub(o.expr);
      return { key, descending: o.descending, cmp: comparator(compareModeFor(key.type, key.type)) };
    });
    const fn: WindowFn = { name: e.name, args, partition: e.window.partitionBy.map(sub), order, frame: e.window.frame, type: resultType(e.name, args) };
    checkFunction(fn);
    this.fns.push(fn);
    const k = this.fns.length - 1;
    return { type: fn.type, nullable: true, constant: false, hasSubquery: args.some((a) => a.hasSubquery), eval: (ctx) => this.values.get(ctx.row)?.[k] ?? null };
  }

  /** Computes every window function for `rows` (the rows after GROUP BY and HAVING). */
  apply(rows: readonly Value[][], parent: EvalCtx | null): void {
    this.values = new WeakMap();
    for (const row of rows) this.values.set(row, new Array(this.fns.length).fill(null));
    this.fns.forEach((fn, k) => {
      for (const part of partitions(fn, rows, parent)) computePartition(fn, part, parent, (row, v) => { this.values.get(row)![k] = v; });
    });
  }
}

function checkFunction(fn: WindowFn): void {
  const n = fn.args.length;
  const ok = ranking.has(fn.name) ? (fn.name === 'NTILE' ? n === 1 : n === 0)
    : aggregates.has(fn.name) ? n === 1 || (fn.name === 'COUNT' && n === 0)
    : fn.name === 'LAG' || fn.name === 'LEAD' ? n >= 1 && n <= 3
    : fn.name === 'NTH_VALUE' ? n === 2
    : fn.name === 'FIRST_VALUE' || fn.name === 'LAST_VALUE' ? n === 1
    : null;
  if (ok === null) throw unsupported(`window function ${fn.name}`);
  if (!ok) throw new SqlError('PARSE', `Incorrect parameter count in the call to native function '${fn.name.toLowerCase()}'`);
  if (fn.frame?.unit === 'RANGE' && [fn.frame.start, fn.frame.end].some((b) => b.kind === 'preceding' || b.kind === 'following')) {
    throw unsupported('RANGE frames with an offset');
  }
}

function resultType(name: string, args: readonly Compiled[]): SqlType {
  const t = args[0]?.type ?? bigintType;
  switch (name) {
    case 'PERCENT_RANK': case 'CUME_DIST': return doubleType;
    case 'SUM': return isExact(t) ? decimalType(intDigitsOf(t) + 21 + scaleOf(t), scaleOf(t)) : doubleType;
    case 'AVG': return isExact(t) ? decimalType(intDigitsOf(t) + 8 + scaleOf(t), scaleOf(t) + 4) : doubleType;
    case 'MIN': case 'MAX': case 'FIRST_VALUE': case 'LAST_VALUE': case 'NTH_VALUE': return t;
    case 'LAG': case 'LEAD': return args[2] === undefined ? t : unifyTypes([t, args[2].type]);
    default: return bigintType;
  }
}

/** The rows of each partition, sorted by the window's ORDER BY (NULLs first, as MySQL). */
function partitions(fn: WindowFn, rows: readonly Value[][], parent: EvalCtx | null): Value[][][] {
  const groups = new Map<string, Value[][]>();
  const modes = fn.partition.map((p) => compareModeFor(p.type, p.type));
  for (const row of rows) {
    const ctx = { row, parent };
    const key = fn.partition.map((p, i) => groupKey(p.eval(ctx), modes[i]!)).join('\u0000');
    let g = groups.get(key);
    if (g === undefined) groups.set(key, (g = []));
    g.push(row);
  }
  if (fn.order.length === 0) return [...groups.values()];
  return [...groups.values()].map((g) => {
    const keyed = g.map((row) => ({ row, keys: fn.order.map((o) => o.key.eval({ row, parent })) }));
    keyed.sort((a, b) => compareKeys(fn, a.keys, b.keys));
    return keyed.map((k) => k.row);
  });
}

function compareKeys(fn: WindowFn, a: readonly Value[], b: readonly Value[]): number {
  for (let i = 0; i < fn.order.length; i++) {
    const x = a[i] ?? null;
    const y = b[i] ?? null;
    const c = x === null || y === null ? (x === y ? 0 : x === null ? -1 : 1) : fn.order[i]!.cmp(x, y);
    if (c !== 0) return fn.order[i]!.descending ? -c : c;
  }
  return 0;
}

function computePartition(fn: WindowFn, rows: readonly Value[][], parent: EvalCtx | null, set: (row: Value[], v: Value) => void): void {
  const n = rows.length;
  const keys = rows.map((row) => fn.order.map((o) => o.key.eval({ row, parent })));
  // peerEnd[i]: last index of row i's peer group (rows with equal ORDER BY keys).
  const peerEnd = new Array<number>(n);
  const peerStart = new Array<number>(n);
  for (let i = 0; i < n; i++) peerStart[i] = i > 0 && compareKeys(fn, keys[i]!, keys[i - 1]!) === 0 ? peerStart[i - 1]! : i;
  for (let i = n - 1; i >= 0; i--) peerEnd[i] = i < n - 1 && compareKeys(fn, keys[i]!, keys[i + 1]!) === 0 ? peerEnd[i + 1]! : i;
  const arg = (i: number, k = 0): Value => fn.args[k]!.eval({ row: rows[i]!, parent });
  let dense = 0;
  for (let i = 0; i < n; i++) {
    if (peerStart[i] === i) dense++;
    set(rows[i]!, valueAt(fn, i, n, { peerStart: peerStart[i]!, peerEnd: peerEnd[i]!, dense }, arg));
  }
}

interface Peers {
  readonly peerStart: number;
  readonly peerEnd: number;
  readonly dense: number;
}

function valueAt(fn: WindowFn, i: number, n: number, peers: Peers, arg: (i: number, k?: number) => Value): Value {
  switch (fn.name) {
    case 'ROW_NUMBER': return BigInt(i + 1);
    case 'RANK': return BigInt(peers.peerStart + 1);
    case 'DENSE_RANK': return BigInt(peers.dense);
    case 'PERCENT_RANK': return n <= 1 ? 0 : peers.peerStart / (n - 1);
    case 'CUME_DIST': return (peers.peerEnd + 1) / n;
    case 'NTILE': return ntile(i, n, arg(i));
    case 'LAG': case 'LEAD': {
      const offset = fn.args[1] === undefined ? 1 : Number(toBigInt(arg(i, 1) ?? 1n));
      const j = fn.name === 'LAG' ? i - offset : i + offset;
      return coerce(j >= 0 && j < n ? arg(j) : fn.args[2] === undefined ? null : arg(i, 2), fn.type);
    }
    default: {
      const [start, end] = frameOf(fn, i, n, peers);
      return overFrame(fn, start, end, i, arg);
    }
  }
}

function ntile(i: number, n: number, buckets: Value): Value {
  const b = buckets === null ? 0 : Number(toBigInt(buckets));
  if (b <= 0) throw new SqlError('WRONG_ARGUMENTS', 'Incorrect arguments to ntile');
  const size = Math.floor(n / b);
  const extra = n % b;
  // The first `extra` buckets hold one row more.
  const bigRows = extra * (size + 1);
  return BigInt(i < bigRows ? Math.floor(i / (size + 1)) + 1 : extra + Math.floor((i - bigRows) / Math.max(size, 1)) + 1);
}

/** The frame of row i as [start, end] indexes (end < start: empty). */
function frameOf(fn: WindowFn, i: number, n: number, peers: Peers): [number, number] {
  const frame = fn.frame;
  if (frame === null) return fn.order.length === 0 ? [0, n - 1] : [0, peers.peerEnd];
  const bound = (b: FrameBound, isStart: boolean): number => {
    switch (b.kind) {
      case 'unboundedPreceding': return 0;
      case 'unboundedFollowing': return n - 1;
      case 'currentRow': return frame.unit === 'RANGE' ? (isStart ? peers.peerStart : peers.peerEnd) : i;
      case 'preceding': return i - b.rows;
      case 'following': return i + b.rows;
    }
  };
  return [Math.max(0, bound(frame.start, true)), Math.min(n - 1, bound(frame.end, false))];
}

function overFrame(fn: WindowFn, start: number, end: number, i: number, arg: (i: number, k?: number) => Value): Value {
  switch (fn.name) {
    case 'FIRST_VALUE': return start <= end ? arg(start) : null;
    case 'LAST_VALUE': return start <= end ? arg(end) : null;
    case 'NTH_VALUE': {
      const k = Number(toBigInt(arg(i, 1) ?? 0n));
      if (k < 1) throw new SqlError('WRONG_ARGUMENTS', 'Incorrect arguments to nth_value');
      return start + k - 1 <= end ? arg(start + k - 1) : null;
    }
    default:
      return aggregate(fn, start, end, arg);
  }
}

function aggregate(fn: WindowFn, start: number, end: number, arg: (i: number, k?: number) => Value): Value {
  let count = 0n;
  let sum: Decimal | number | null = null;
  let best: Value = null;
  const exact = fn.type.kind === 'decimal';
  const cmp = fn.args[0] === undefined ? null : comparator(compareModeFor(fn.args[0].type, fn.args[0].type));
  for (let j = start; j <= end; j++) {
    if (fn.args.length === 0) {
      count++;
      continue;
    }
    const v = arg(j);
    if (v === null) continue;
    count++;
    if (fn.name === 'SUM' || fn.name === 'AVG') sum = exact ? ((sum as Decimal | null) ?? new Decimal(0n, 0)).add(toDecimal(v)) : ((sum as number | null) ?? 0) + toDouble(v);
    else if (fn.name === 'MIN' && (best === null || cmp!(v, best) < 0)) best = v;
    else if (fn.name === 'MAX' && (best === null || cmp!(v, best) > 0)) best = v;
  }
  switch (fn.name) {
    case 'COUNT': return count;
    case 'SUM': return sum;
    case 'AVG':
      if (sum === null || count === 0n) return null;
      return sum instanceof Decimal ? (sum.div(new Decimal(count, 0), scaleOf(fn.type)) ?? null) : sum / Number(count);
    default: return best;
  }
}
