/**
 * Plans a query into a synchronous QueryPlan over fetched table rows:
 *
 *   FROM leaves → nested-loop join (order by estimated cost, join-plan.ts; WHERE conjuncts
 *   checked at the first level where their tables are bound) → GROUP BY/aggregates → HAVING →
 *   projection with ORDER BY keys → DISTINCT → sort → LIMIT/OFFSET.
 *
 * Set operations combine two plans. Tables are registered with the statement's
 * SourceRegistry, which fetches them before `run`.
 */
import { assert, assertNever } from '../../src/base/assert.js';
import { SqlError } from '../../src/base/errors.js';
import { limits } from '../../src/base/limits.js';
import type { Expr } from '../ast/expr.js';
import type { FromItem, OrderItem, Query, Select, SetOperation, TableName } from '../ast/query.js';
import type { TableDef } from '../catalog.js';
import { differentColumnCountError } from '../errors.js';
import { ColumnFlag } from '../session-api.js';
import { bigintType, columnInfo, decimalType, doubleType, intDigitsOf, isExact, scaleOf, unifyTypes, type SqlType } from '../types.js';
import { groupKey, toDecimal, toDouble, truth, type CompareMode, type Value } from '../values.js';
import { accessPathCandidates, chooseAccessPath, columnPredicate, expandBetween, type AccessPath, type ColumnPredicate } from './access-path.js';
import { coerce, compareModeFor } from './coerce.js';
import { comparator, compileExpr, type AggregateCollector, type CompileOptions } from './compile-expr.js';
import type { Compiled, OutputColumn, PlannerEnv, QueryPlan } from './plan-types.js';
import { Scope, type EvalCtx, type ScopeColumn } from './scope.js';
import { compileWith } from './cte.js';
import { WindowFunctions } from './window.js';
import type { TableSource } from './sources.js';
import { Decimal } from '../decimal.js';
import { cutoffApplies } from '../fast-path/scan-cutoff.js';
import { accessPathRows, cheapestAccessPath, columnRef, derivedLeafRows, leftJoinRows, selectivity, unknownEstimates, type SelectivityContext } from './cost-model.js';
import { nowMs, type JoinLevelProfile, type SelectProfile, type StageKind } from './analyze-profile.js';
import { columnOffset, groupByKey, hashKey, leftJoinKey, levelKey, mergeable, planLeftJoinLookup, planLookup, type LevelKey } from './equi-join.js';
import { planJoin, type JoinLevel } from './join-plan.js';
import { partitionScanOf, unpartitioned } from './partition-pruning.js';
import type { TableEstimates } from './table-stats.js';

export type { PlannerEnv } from './plan-types.js';

/** Compiles a query; `parent` is the enclosing scope of a subquery. */
export function compileQuery(query: Query, parent: Scope | null, env: PlannerEnv): QueryPlan {
  if (query.with !== undefined) return compileWith(query, parent, env, compileQuery);
  switch (query.kind) {
    case 'select':
      return compileSelect(query, parent, env);
    case 'setOp':
      return compileSetOp(query, parent, env);
    default:
      return assertNever(query, 'query');
  }
}

/** A FROM leaf: its columns, and its rows for one run. */
interface Leaf {
  readonly columns: readonly Omit<ScopeColumn, 'leaf'>[];
  rows(parent: EvalCtx | null): readonly (readonly Value[])[];
  /** Set for base tables: lets WHERE conjuncts choose the access path. */
  readonly base?: { readonly def: TableDef; readonly estimates: TableEstimates; choose(preds: readonly ColumnPredicate[]): void; source(): TableSource | null };
  /** Rows one run yields before the conjuncts, estimated (cost-model.ts). */
  estimate(): number;
  /** Table sources this leaf reads, in its own join order (EXPLAIN lists them so). */
  sources(): TableSource[];
}

/**
 * WHERE conjuncts that may filter a LEFT JOIN's preserved operand early: comparisons, ranges,
 * IN lists and IS NULL of qualified columns and constants — no function (RAND() must not run
 * twice), no subquery, nothing an error could come from.
 */
function pushableConjuncts(conjuncts: readonly Expr[]): Expr[] {
  const simple = (e: Expr): boolean => (e.kind === 'column' && e.table !== null) || e.kind === 'literal' || e.kind === 'param';
  return conjuncts.filter((e) => {
    switch (e.kind) {
      case 'binary':
        return ['=', '<>', '<', '<=', '>', '>='].includes(e.op) && simple(e.left) && simple(e.right);
      case 'between':
        return simple(e.operand) && simple(e.low) && simple(e.high);
      case 'inList':
        return simple(e.operand) && e.list.every(simple);
      case 'isNull':
        return simple(e.operand);
      default:
        return false;
    }
  });
}

/** Column references of a pushable conjunct. */
function columnsOf(e: Expr): Extract<Expr, { kind: 'column' }>[] {
  const parts = e.kind === 'binary' ? [e.left, e.right] : e.kind === 'between' ? [e.operand, e.low, e.high] : e.kind === 'inList' ? [e.operand, ...e.list] : e.kind === 'isNull' ? [e.operand] : [e];
  return parts.filter((x): x is Extract<Expr, { kind: 'column' }> => x.kind === 'column');
}

function splitAnd(e: Expr | null, out: Expr[] = []): Expr[] {
  if (e === null) return out;
  if (e.kind === 'binary' && e.op === 'AND') {
    splitAnd(e.left, out);
    splitAnd(e.right, out);
  } else out.push(e);
  return out;
}

function baseLeaf(item: Extract<FromItem, { kind: 'table' }>, env: PlannerEnv): Leaf {
  const def = env.table(item.table);
  const alias = item.alias ?? item.table.name;
  const pkSet = new Set(def.primaryKey);
  const columns = def.columns.map((c, i) => {
    let flags = c.notNull ? ColumnFlag.NOT_NULL : 0;
    if (pkSet.has(i)) flags |= ColumnFlag.PRI_KEY;
    if (c.autoIncrement) flags |= ColumnFlag.AUTO_INCREMENT;
    for (const index of def.indexes) {
      if (index.columns[0] === i) flags |= index.unique && index.columns.length === 1 ? ColumnFlag.UNIQUE_KEY : ColumnFlag.MULTIPLE_KEY;
    }
    if (c.defaultValue === null && c.notNull && !c.autoIncrement) flags |= ColumnFlag.NO_DEFAULT_VALUE;
    return { table: alias, name: c.name, type: c.type, nullable: !c.notNull, db: def.db, orgTable: def.name, orgName: c.name, flags };
  });
  const estimates = env.stats?.(def) ?? unknownEstimates();
  // The source is registered once the access path is known (see chooseAccessPaths): by
  // estimated rows with ANALYZE statistics, else by the rule-based preference.
  let source: TableSource | null = null;
  let chosenFrom: readonly ColumnPredicate[] = [];
  return {
    columns,
    rows: () => {
      assert(source !== null, 'table read without an access path');
      return source.rows;
    },
    base: {
      def,
      estimates,
      choose: (preds) => {
        if (source !== null) return;
        const path = estimates.analyzed ? cheapestAccessPath(def, preds, estimates) : chooseAccessPath(def, preds);
        source = env.sources.add(def, path);
        source.possibleKeys = possibleKeys(accessPathCandidates(def, preds));
        // The default hook answers "unpartitioned" whatever the ranges: skip building them.
        const pruner = env.planner?.partitionPruner ?? unpartitioned;
        source.partitions = pruner === unpartitioned ? null : pruner.partitionsFor(def, partitionScanOf(def, path));
        chosenFrom = preds;
      },
      source: () => source,
    },
    estimate: () => (source === null ? estimates.rows : accessPathRows(def, source.path, chosenFrom, estimates)),
    sources: () => (source === null ? [] : [source]),
  };
}

/** Index names of the access paths other than the full scan, each once (EXPLAIN's possible_keys). */
function possibleKeys(paths: readonly AccessPath[]): string[] {
  const names = paths.flatMap((p) => (p.kind === 'full' ? [] : [p.kind === 'indexRanges' ? p.indexName : 'PRIMARY']));
  return [...new Set(names)];
}

function derivedLeaf(item: Extract<FromItem, { kind: 'derived' }>, env: PlannerEnv): Leaf {
  return planLeaf(compileQuery(item.query, null, env), item.alias, null);
}

/** A FROM leaf over a compiled query (derived table, view, CTE), run once per statement. */
function planLeaf(plan: QueryPlan, alias: string, names: readonly string[] | null, volatile = false): Leaf {
  let cached: Value[][] | null = null;
  const columns = plan.columns.map((c, i) => {
    const name = names?.[i] ?? c.info.name;
    return { table: alias, name, type: c.type, nullable: c.nullable, db: '', orgTable: alias, orgName: name, flags: 0 };
  });
  const seen = new Set<string>();
  for (const c of columns) {
    if (seen.has(c.name.toLowerCase())) throw new SqlError('DUP_FIELDNAME', `Duplicate column name '${c.name}'`);
    seen.add(c.name.toLowerCase());
  }
  // A volatile relation (a recursive CTE's working table) changes between runs: no caching.
  return { columns, rows: () => (volatile ? plan.run(null) : (cached ??= plan.run(null))), estimate: () => derivedLeafRows, sources: () => [] };
}

/** Leaves of a FROM tree; inner/cross joins are flattened, their ON conditions become conjuncts. */
/**
 * Flattens inner joins into `leaves` and their ON conditions into `conjuncts`. `pushable` are
 * WHERE conjuncts a LEFT JOIN's preserved operand may also apply to its own rows (see
 * `pushableConjuncts`); the query still applies them after the join.
 */
function flattenFrom(item: FromItem, env: PlannerEnv, parent: Scope | null, leaves: Leaf[], conjuncts: Expr[], pushable: readonly Expr[] = []): void {
  switch (item.kind) {
    case 'table': {
      const rel = env.relation?.(item.table);
      leaves.push(rel === undefined ? baseLeaf(item, env) : planLeaf(rel.plan(), item.alias ?? item.table.name, rel.columns, rel.volatile === true));
      return;
    }
    case 'derived':
      leaves.push(derivedLeaf(item, env));
      return;
    case 'join':
      if (item.join === 'left') {
        leaves.push(leftJoinLeaf(item, env, parent, pushable));
        return;
      }
      if (item.join === 'right') {
        leaves.push(rightJoinLeaf(item, env, parent, pushable));
        return;
      }
      flattenFrom(item.left, env, parent, leaves, conjuncts, pushable);
      flattenFrom(item.right, env, parent, leaves, conjuncts, pushable);
      splitAnd(item.on, conjuncts);
      return;
    default:
      assertNever(item, 'FROM item');
  }
}

/**
 * `left LEFT JOIN right ON cond` as one leaf: nested loop, NULL-extended when nothing matches.
 * WHERE conditions on the left operand's tables alone also filter its rows before the join
 * (they keep or drop a left row whatever it joins to), so they choose its access path.
 */
function leftJoinLeaf(item: Extract<FromItem, { kind: 'join' }>, env: PlannerEnv, parent: Scope | null, pushable: readonly Expr[] = []): Leaf {
  const leftLeaves: Leaf[] = [];
  const leftConj: Expr[] = [];
  flattenFrom(item.left, env, parent, leftLeaves, leftConj, pushable);
  const leftTables = new Set(tableAliases(item.left));
  leftConj.push(...pushable.filter((e) => columnsOf(e).every((c) => c.table !== null && leftTables.has(c.table))));
  const right = fromLeaf(item.right, env, parent);
  const left = joinLeaves(leftLeaves, leftConj, env, parent);
  right.base?.choose([]);
  const columns = [...left.columns, ...right.columns.map((c) => ({ ...c, nullable: true, flags: c.flags & ~ColumnFlag.NOT_NULL }))];
  const scope = new Scope(columns.map((c, i) => ({ ...c, leaf: i })), parent);
  const on = item.on === null ? null : compileExpr(item.on, scope, env, { clause: 'on clause', aggregates: null });
  const leftWidth = left.columns.length;
  const nulls: Value[] = right.columns.map(() => null);
  // Right rows are paired by a hash of an ON equality when there is one (equi-join.ts).
  const key = env.planner?.equiJoins === false ? undefined : leftJoinKey(splitAnd(item.on), scope, leftWidth);
  const rightSource = right.base?.source();
  if (key !== undefined && rightSource != null) {
    rightSource.joinMethod = 'hash';
    planLeftJoinLookup(right, leftLeaves, key.left, key.right, key.mode, left.estimate());
  }
  return {
    columns,
    rows: (p) => {
      const out: Value[][] = [];
      const rightRows = right.rows(p);
      let groups: Map<string, (readonly Value[])[]> | undefined;
      const candidates = (l: readonly Value[]): readonly (readonly Value[])[] => {
        if (key === undefined) return rightRows;
        const probe = hashKey(l[key.left] ?? null, key.mode);
        if (probe === null) return [];
        return (groups ??= groupByKey(rightRows, key.right, key.mode)).get(probe) ?? [];
      };
      for (const l of left.rows(p)) {
        let matched = false;
        for (const r of candidates(l)) {
          env.session.budget?.examine();
          const row = [...l.slice(0, leftWidth), ...r];
          if (on === null || truth(on.eval({ row, parent: p })) === true) {
            out.push(row);
            matched = true;
          }
        }
        if (!matched) out.push([...l.slice(0, leftWidth), ...nulls]);
      }
      return out;
    },
    estimate: () => leftJoinRows(left.estimate(), right.estimate()),
    sources: () => [...left.sources(), ...right.sources()],
  };
}

/** `a RIGHT JOIN b ON c` is `b LEFT JOIN a ON c` with the columns put back in a, b order. */
function rightJoinLeaf(item: Extract<FromItem, { kind: 'join' }>, env: PlannerEnv, parent: Scope | null, pushable: readonly Expr[]): Leaf {
  const swapped = leftJoinLeaf({ ...item, join: 'left', left: item.right, right: item.left }, env, parent, pushable);
  const rightWidth = fromWidth(item.right, swapped);
  const width = swapped.columns.length;
  const order = [...Array.from({ length: width - rightWidth }, (_, i) => rightWidth + i), ...Array.from({ length: rightWidth }, (_, i) => i)];
  return {
    columns: order.map((i) => swapped.columns[i]!),
    rows: (p) => swapped.rows(p).map((r) => order.map((i) => r[i] ?? null)),
    estimate: () => swapped.estimate(),
    sources: () => swapped.sources(),
  };
}

/** How many of `joined`'s leading columns come from `item` (the left operand of a LEFT JOIN). */
function fromWidth(item: FromItem, joined: Leaf): number {
  const names = new Set(tableAliases(item));
  let n = 0;
  while (n < joined.columns.length && joined.columns[n]!.table !== null && names.has(joined.columns[n]!.table!)) n++;
  return n;
}

function tableAliases(item: FromItem): string[] {
  switch (item.kind) {
    case 'table':
      return [item.alias ?? item.table.name];
    case 'derived':
      return [item.alias];
    case 'join':
      return [...tableAliases(item.left), ...tableAliases(item.right)];
    default:
      return assertNever(item, 'FROM item');
  }
}

function fromLeaf(item: FromItem, env: PlannerEnv, parent: Scope | null): Leaf {
  const leaves: Leaf[] = [];
  const conj: Expr[] = [];
  flattenFrom(item, env, parent, leaves, conj);
  return leaves.length === 1 && conj.length === 0 ? leaves[0]! : joinLeaves(leaves, conj, env, parent);
}

/** A compiled conjunct with the leaves it reads. */
interface Conjunct {
  readonly compiled: Compiled;
  readonly leaves: ReadonlySet<number>;
  readonly ast: Expr;
  /** Fraction of rows it keeps (cost-model.ts), estimated on first use. */
  selectivity(): number;
  /** `column = column` of two leaves: joined by key (equi-join.ts). */
  readonly equi: boolean;
}

/** Joins leaves as one leaf (used inside LEFT JOIN operands). */
function joinLeaves(leaves: Leaf[], conjunctAsts: Expr[], env: PlannerEnv, parent: Scope | null): Leaf {
  const { scope, offsets } = leafScope(leaves, parent);
  const conjuncts = compileConjuncts(conjunctAsts, scope, env, leaves, offsets);
  const join = joinProducer(leaves, offsets, conjuncts, scope, env);
  return { columns: scope.columns, rows: (p) => join.produce(p), estimate: () => join.rows, sources: () => join.sources };
}

function leafScope(leaves: readonly Leaf[], parent: Scope | null): { scope: Scope; offsets: number[] } {
  const columns: ScopeColumn[] = [];
  const offsets: number[] = [];
  leaves.forEach((leaf, i) => {
    offsets.push(columns.length);
    for (const c of leaf.columns) columns.push({ ...c, leaf: i });
  });
  return { scope: new Scope(columns, parent), offsets };
}

function compileConjuncts(asts: readonly Expr[], scope: Scope, env: PlannerEnv, leaves: readonly Leaf[], offsets: readonly number[]): Conjunct[] {
  const out: Conjunct[] = [];
  for (const ast of asts) {
    const touched = new Set<number>();
    scope.onResolve = (offset) => touched.add(scope.columns[offset]!.leaf);
    const compiled = compileExpr(ast, scope, env, { clause: 'where clause', aggregates: null });
    scope.onResolve = null;
    const all = compiled.hasSubquery ? new Set(leaves.map((_, i) => i)) : touched;
    let estimated: number | null = null;
    // Never asked of a conjunct with a subquery (join-plan.ts skips them): 1 if it were.
    const selectivityOf = (): number => (estimated ??= compiled.hasSubquery ? 1 : selectivity(ast, selectivityContext(leaves, offsets, scope, env)));
    out.push({ compiled, leaves: all, ast, selectivity: selectivityOf, equi: leaves.length > 1 && isColumnEquality(ast, scope) });
  }
  chooseAccessPaths(leaves, offsets, out, scope, env);
  return out;
}

/** True for `a.x = b.y` with the two columns in different leaves of `scope` (a join by key). */
function isColumnEquality(e: Expr, scope: Scope): boolean {
  if (e.kind !== 'binary' || e.op !== '=') return false;
  const l = columnOffset(e.left, scope);
  const r = columnOffset(e.right, scope);
  return l !== undefined && r !== undefined && scope.columns[l]!.leaf !== scope.columns[r]!.leaf;
}

/** Resolves a predicate's columns to their leaf's statistics (cost-model.ts). */
function selectivityContext(leaves: readonly Leaf[], offsets: readonly number[], scope: Scope, env: PlannerEnv): SelectivityContext {
  const quiet = estimationEnv(env);
  return {
    column: (e) => {
      const offset = columnOffset(e, scope);
      if (offset === undefined) return undefined;
      const li = scope.columns[offset]!.leaf;
      const leaf = leaves[li]!;
      if (leaf.base === undefined) return { leaf: li, rows: leaf.estimate(), distinct: undefined, figures: undefined };
      return columnRef(leaf.base.def, leaf.base.estimates, offset - offsets[li]!, li);
    },
    constant: (e) => constantValue(e, quiet),
  };
}

/**
 * Where constants are folded for an estimate: it must not change what the statement reports,
 * so no warnings (a second 1365 for `1/0`), and no subquery compiles (it would register a read).
 */
function estimationEnv(env: PlannerEnv): PlannerEnv {
  return {
    ...env,
    session: { ...env.session, warn: () => {}, strictWrite: false },
    compileSubquery: () => {
      throw new SqlError('NOT_SUPPORTED_YET', 'a subquery is not folded for an estimate');
    },
  };
}

/** The value of a constant expression (no columns, no subquery), or undefined. */
function constantValue(e: Expr, env: PlannerEnv): { value: Value } | undefined {
  if (e.kind === 'column') return undefined;
  const probe = new Scope([], null);
  try {
    const compiled = compileExpr(e, probe, env, { clause: 'where clause', aggregates: null });
    return compiled.constant && !compiled.hasSubquery ? { value: compiled.eval({ row: [], parent: null }) } : undefined;
  } catch {
    return undefined;
  }
}

function chooseAccessPaths(leaves: readonly Leaf[], offsets: readonly number[], conjuncts: readonly Conjunct[], scope: Scope, env: PlannerEnv): void {
  leaves.forEach((leaf, li) => {
    if (leaf.base === undefined) return;
    const preds: ColumnPredicate[] = [];
    for (const c of conjuncts) {
      if (c.compiled.hasSubquery || c.leaves.size !== 1 || !c.leaves.has(li)) continue;
      for (const part of expandBetween(c.ast)) {
        const columnOf = (e: Expr): number | undefined => {
          const offset = columnOffset(e, scope);
          return offset !== undefined && scope.columns[offset]!.leaf === li ? offset - offsets[li]! : undefined;
        };
        const p = columnPredicate(part, columnOf, (e) => constantValue(e, env));
        if (p !== undefined) preds.push(p);
      }
    }
    leaf.base.choose(preds);
  });
}

/** A planned nested-loop join: its row producer, estimated rows and sources in join order. */
interface JoinProducer {
  readonly produce: (parent: EvalCtx | null) => Value[][];
  readonly rows: number;
  readonly sources: TableSource[];
}

/**
 * The nested-loop join of `leaves` in the order join-plan.ts chooses; a level with an
 * equi-join key takes its candidates from a hash of its rows (and may fetch only the rows the
 * outer keys find: equi-join.ts).
 */
function joinProducer(leaves: readonly Leaf[], offsets: readonly number[], conjuncts: readonly Conjunct[], scope: Scope, env: PlannerEnv, profile: SelectProfile | null = null): JoinProducer {
  const { pre, levels, rows, levelRows } = planJoin(leaves, conjuncts, env);
  const width = scope.columns.length;
  const bound = new Set<number>();
  const keys = levels.map((level) => {
    const key = bound.size === 0 || env.planner?.equiJoins === false ? undefined : levelKey(level.leaf, level.conjuncts.map((i) => conjuncts[i]!), bound, scope, offsets);
    bound.add(level.leaf);
    if (key !== undefined) {
      const outerLevel = levels.findIndex((l) => l.leaf === scope.columns[key.outerOffset]!.leaf);
      planLookup(leaves, level.leaf, key, scope, offsets, levelRows[outerLevel] ?? Infinity);
    }
    return key;
  });
  // The second level merges with the first when both come in primary key order.
  const merges = keys.map((key, depth) => {
    if (key === undefined || depth !== 1 || scope.columns[key.outerOffset]!.leaf !== levels[0]!.leaf) return false;
    const outerLeaf = levels[0]!.leaf;
    return mergeable(leaves[outerLeaf]!, leaves[levels[1]!.leaf]!, key, key.outerOffset - offsets[outerLeaf]!);
  });
  levels.forEach((level, depth) => {
    const source = leaves[level.leaf]!.base?.source();
    if (source != null && keys[depth] !== undefined) source.joinMethod = merges[depth] ? 'merge' : 'hash';
  });
  const budget = env.session.budget;
  const measured = profile === null ? null : profileLevels(levels, keys, leaves, conjuncts, profile);
  const produce = (parent: EvalCtx | null): Value[][] => {
    const out: Value[][] = [];
    const row: Value[] = new Array(width).fill(null);
    const ctx: EvalCtx = { row, parent };
    for (const f of pre) if (truth(f.eval(ctx)) !== true) return out;
    const leafRows = leaves.map((l) => l.rows(parent));
    // Built on a level's first visit, so a join whose outer side is empty never hashes.
    const groups: (Map<string, (readonly Value[])[]> | undefined)[] = levels.map(() => undefined);
    let mergeAt = 0; // the merge cursor of level 1 in its rows (outer keys only ascend)
    const candidates = (depth: number): readonly (readonly Value[])[] => {
      const key = keys[depth];
      const leaf = levels[depth]!.leaf;
      if (key === undefined) return leafRows[leaf]!;
      if (merges[depth]) {
        const inner = leafRows[leaf]!;
        const outer = row[key.outerOffset] as bigint;
        while (mergeAt < inner.length && (inner[mergeAt]![key.innerColumn] as bigint) < outer) mergeAt++;
        return mergeAt < inner.length && inner[mergeAt]![key.innerColumn] === outer ? [inner[mergeAt]!] : [];
      }
      const probe = hashKey(row[key.outerOffset] ?? null, key.mode);
      if (probe === null) return [];
      const byKey = (groups[depth] ??= groupByKey(leafRows[leaf]!, key.innerColumn, key.mode));
      return byKey.get(probe) ?? [];
    };
    const visit = (depth: number): void => {
      if (depth === levels.length) {
        out.push(row.slice());
        if (out.length > limits.statementRowsMax) throw new SqlError('TOO_BIG_SELECT', `The join would produce more than ${limits.statementRowsMax} rows`);
        return;
      }
      const level = levels[depth]!;
      const base = offsets[level.leaf]!;
      const n = leaves[level.leaf]!.columns.length;
      const started = measured === null ? 0 : nowMs();
      for (const r of candidates(depth)) {
        budget?.examine();
        for (let i = 0; i < n; i++) row[base + i] = r[i] ?? null;
        let ok = true;
        for (const f of level.filters) {
          if (truth(f.eval(ctx)) !== true) {
            ok = false;
            break;
          }
        }
        if (ok) {
          if (measured !== null) measured[depth]!.rows++;
          visit(depth + 1);
        }
      }
      for (let i = 0; i < n; i++) row[base + i] = null;
      if (measured !== null) measured[depth]!.ms += nowMs() - started;
    };
    visit(0);
    return out;
  };
  return { produce, rows, sources: levels.flatMap((l) => leaves[l.leaf]!.sources()) };
}

/** EXPLAIN ANALYZE's record of each join level (analyze-profile.ts), added to `profile`. */
function profileLevels(levels: readonly JoinLevel[], keys: readonly (LevelKey | undefined)[], leaves: readonly Leaf[], conjuncts: readonly Conjunct[], profile: SelectProfile): JoinLevelProfile[] {
  for (const [depth, level] of levels.entries()) {
    const key = keys[depth];
    const sources = leaves[level.leaf]!.sources();
    const asts = level.conjuncts.map((i) => conjuncts[i]!.ast);
    profile.levels.push({
      method: key === undefined ? 'loop' : sources.length === 1 && sources[0]!.lookup !== null ? 'lookup' : sources.length === 1 && sources[0]!.joinMethod === 'merge' ? 'merge' : 'hash',
      key: key?.equality ?? null,
      conditions: asts.filter((e) => e !== key?.equality),
      sources,
      rows: 0,
      ms: 0,
    });
  }
  return profile.levels;
}

function containsAggregate(e: Expr): boolean {
  switch (e.kind) {
    case 'aggregate':
      return true;
    case 'window':
      // A window function's arguments may hold aggregates (SUM(SUM(x)) OVER ()); it is not one.
      return e.args.some(containsAggregate) || e.window.partitionBy.some(containsAggregate) || e.window.orderBy.some((o) => containsAggregate(o.expr));
    case 'literal': case 'column': case 'param': case 'sysVar': case 'userVar': case 'default': case 'exists': case 'subquery':
      return false;
    case 'unary':
      return containsAggregate(e.operand);
    case 'binary':
      return containsAggregate(e.left) || containsAggregate(e.right);
    case 'isNull':
      return containsAggregate(e.operand);
    case 'between':
      return containsAggregate(e.operand) || containsAggregate(e.low) || containsAggregate(e.high);
    case 'inList':
      return containsAggregate(e.operand) || e.list.some(containsAggregate);
    case 'inQuery':
    case 'quantified':
      return containsAggregate(e.operand);
    case 'like':
      return containsAggregate(e.operand) || containsAggregate(e.pattern);
    case 'case':
      return (e.operand !== null && containsAggregate(e.operand)) || e.whens.some((w) => containsAggregate(w.when) || containsAggregate(w.then)) || (e.otherwise !== null && containsAggregate(e.otherwise));
    case 'call':
      return e.args.some(containsAggregate);
    case 'cast':
      return containsAggregate(e.operand);
    default:
      return assertNever(e, 'expression');
  }
}

/** One aggregate of a grouped query. */
interface AggregateSpec {
  readonly name: Extract<Expr, { kind: 'aggregate' }>['name'];
  readonly distinct: boolean;
  readonly arg: Compiled | null;
  readonly type: SqlType;
  readonly mode: CompareMode;
}

class Aggregates implements AggregateCollector {
  readonly specs: AggregateSpec[] = [];
  constructor(
    private readonly source: Scope,
    private readonly env: PlannerEnv,
    private readonly base: number,
  ) {}

  add(agg: Extract<Expr, { kind: 'aggregate' }>): { offset: number; type: SqlType; nullable: boolean } {
    const arg = agg.arg === null ? null : compileExpr(agg.arg, this.source, this.env, { clause: 'field list', aggregates: null });
    const t = arg?.type ?? bigintType;
    let type: SqlType;
    switch (agg.name) {
      case 'COUNT':
        type = bigintType;
        break;
      case 'SUM':
        type = isExact(t) ? decimalType(intDigitsOf(t) + 21 + scaleOf(t), scaleOf(t)) : doubleType;
        break;
      case 'AVG':
        type = isExact(t) ? decimalType(intDigitsOf(t) + 4 + scaleOf(t) + 4, scaleOf(t) + 4) : doubleType;
        break;
      case 'MIN':
      case 'MAX':
        type = t;
        break;
      default:
        return assertNever(agg.name, 'aggregate');
    }
    this.specs.push({ name: agg.name, distinct: agg.distinct, arg, type, mode: compareModeFor(t, t) });
    return { offset: this.base + this.specs.length - 1, type, nullable: agg.name !== 'COUNT' };
  }
}

/** Running state of one aggregate over one group. */
class Accumulator {
  count = 0n;
  sum: Decimal | number | null = null;
  best: Value = null;
  private readonly seen: Set<string> | null;
  private readonly cmp: (a: Exclude<Value, null>, b: Exclude<Value, null>) => number;
  constructor(private readonly spec: AggregateSpec) {
    this.seen = spec.distinct ? new Set() : null;
    this.cmp = comparator(spec.mode);
  }

  add(ctx: EvalCtx): void {
    const spec = this.spec;
    if (spec.arg === null) {
      this.count++;
      return;
    }
    const v = spec.arg.eval(ctx);
    if (v === null) return;
    if (this.seen !== null) {
      const k = groupKey(v, spec.mode);
      if (this.seen.has(k)) return;
      this.seen.add(k);
    }
    this.count++;
    switch (spec.name) {
      case 'COUNT':
        return;
      case 'SUM':
      case 'AVG':
        if (spec.type.kind === 'decimal') this.sum = (this.sum === null ? new Decimal(0n, 0) : (this.sum as Decimal)).add(toDecimal(v));
        else this.sum = ((this.sum as number | null) ?? 0) + toDouble(v);
        return;
      case 'MIN':
        if (this.best === null || this.cmp(v, this.best) < 0) this.best = v;
        return;
      case 'MAX':
        if (this.best === null || this.cmp(v, this.best) > 0) this.best = v;
        return;
      default:
        assertNever(spec.name, 'aggregate');
    }
  }

  result(): Value {
    const spec = this.spec;
    switch (spec.name) {
      case 'COUNT':
        return this.count;
      case 'SUM':
        return this.sum;
      case 'AVG': {
        if (this.sum === null || this.count === 0n) return null;
        if (this.sum instanceof Decimal) return this.sum.div(new Decimal(this.count, 0), scaleOf(spec.type)) ?? null;
        return this.sum / Number(this.count);
      }
      case 'MIN':
      case 'MAX':
        return this.best;
      default:
        return assertNever(spec.name, 'aggregate');
    }
  }
}

/** Evaluates a constant LIMIT/OFFSET expression. */
function constantCount(e: Expr | null, env: PlannerEnv, what: string): number | null {
  if (e === null) return null;
  const c = compileExpr(e, new Scope([], null), env, { clause: what, aggregates: null });
  const v = c.eval({ row: [], parent: null });
  if (!c.constant || v === null || typeof v !== 'bigint' || v < 0n) throw new SqlError('WRONG_ARGUMENTS', `Incorrect arguments to ${what}`);
  return Number(v > BigInt(Number.MAX_SAFE_INTEGER) ? BigInt(Number.MAX_SAFE_INTEGER) : v);
}

/** A projected select item. */
interface ProjectedItem {
  readonly compiled: Compiled;
  readonly column: OutputColumn;
  readonly name: string;
  readonly ast: Expr;
}

function compileSelect(sel: Select, parent: Scope | null, env: PlannerEnv): QueryPlan {
  const profile = env.analyze?.claim(sel) ?? null;
  const leaves: Leaf[] = [];
  const conjunctAsts: Expr[] = [];
  const pushable = env.planner?.equiJoins === false ? [] : pushableConjuncts(splitAnd(sel.where));
  if (sel.from !== null) flattenFrom(sel.from, env, parent, leaves, conjunctAsts, pushable);
  splitAnd(sel.where, conjunctAsts);
  const { scope, offsets } = leafScope(leaves, parent);
  const conjuncts = compileConjuncts(conjunctAsts, scope, env, leaves, offsets);
  const produce = leaves.length === 0
    ? (p: EvalCtx | null) => (conjuncts.every((c) => truth(c.compiled.eval({ row: [], parent: p })) === true) ? [[] as Value[]] : [])
    : joinProducer(leaves, offsets, conjuncts, scope, env, profile).produce;

  const grouped = sel.groupBy.length > 0 || sel.items.some((i) => i.kind === 'expr' && containsAggregate(i.expr)) || (sel.having !== null && containsAggregate(sel.having)) || sel.orderBy.some((o) => containsAggregate(o.expr));
  const width = scope.columns.length;
  const aggregates = grouped ? new Aggregates(scope, env, width) : null;
  const windows = new WindowFunctions(scope, env, { clause: 'field list', aggregates });
  const opts: CompileOptions = { clause: 'field list', aggregates, windows };

  const items = projectItems(sel, scope, env, opts);
  const aliases = new Map<string, Compiled>();
  for (const it of items) if (!aliases.has(it.name.toLowerCase())) aliases.set(it.name.toLowerCase(), it.compiled);
  const groupKeys = sel.groupBy.map((g) => compileGroupKey(g, sel, scope, env));
  const having = sel.having === null ? null : compileExpr(sel.having, scope, env, { clause: 'having clause', aggregates, aliases: aliasesNotShadowed(aliases, scope) });
  const order = compileOrder(sel.orderBy, items, scope, env, aggregates, windows);
  const limit = constantCount(sel.limit?.count ?? null, env, 'LIMIT');
  const offset = constantCount(sel.limit?.offset ?? null, env, 'OFFSET') ?? 0;
  const specs = aggregates?.specs ?? [];
  pushLimitIntoScan(sel, leaves, conjuncts, parent, grouped || limit === null ? null : limit + offset);

  const run = (p: EvalCtx | null): Value[][] => {
    const started = profile === null ? 0 : nowMs();
    const record = profile === null ? undefined : (kind: StageKind, rows: number): void => void profile.stages.push({ kind, rows, ms: nowMs() - started });
    let rows: Value[][] = produce(p);
    if (profile !== null) {
      profile.joinRows += rows.length;
      profile.joinMs += nowMs() - started;
    }
    if (grouped) {
      rows = groupRows(rows, groupKeys, specs, width, p);
      record?.('group', rows.length);
    }
    if (having !== null) {
      rows = rows.filter((row) => truth(having.eval({ row, parent: p })) === true);
      record?.('having', rows.length);
    }
    if (!windows.empty) {
      windows.apply(rows, p);
      record?.('window', rows.length);
    }
    return finishRows(rows, items.map((i) => i.compiled), order, sel.distinct, items.map((i) => i.column.type), limit, offset, p, record);
  };
  return cachedIfUncorrelated(items.map((i) => i.column), run, scope, parent);
}

/** LIMIT over one table: its scan stops once enough rows pass WHERE (fast-path/scan-cutoff.ts). */
function pushLimitIntoScan(sel: Select, leaves: readonly Leaf[], conjuncts: readonly Conjunct[], parent: Scope | null, rows: number | null): void {
  const source = leaves.length === 1 ? leaves[0]!.base?.source() : null;
  if (rows === null || parent !== null || source == null || !cutoffApplies(sel) || conjuncts.some((c) => c.compiled.hasSubquery)) return;
  const filters = conjuncts.map((c) => c.compiled);
  source.cutoff = { rows, accept: (row) => filters.every((f) => truth(f.eval({ row: row as Value[], parent: null })) === true) };
}

/** HAVING may name select aliases, but a real column of the same name wins. */
function aliasesNotShadowed(aliases: ReadonlyMap<string, Compiled>, scope: Scope): Map<string, Compiled> {
  const out = new Map<string, Compiled>();
  for (const [name, c] of aliases) {
    let shadowed = false;
    try {
      shadowed = scope.find(null, name) !== undefined;
    } catch {
      shadowed = true;
    }
    if (!shadowed) out.set(name, c);
  }
  return out;
}

function cachedIfUncorrelated(columns: readonly OutputColumn[], run: (p: EvalCtx | null) => Value[][], scope: Scope, parent: Scope | null): QueryPlan {
  if (parent === null) return { columns, run };
  let cache: Value[][] | null = null;
  return {
    columns,
    run: (p) => {
      if (scope.correlated) return run(p);
      return (cache ??= run(p));
    },
  };
}

function compileGroupKey(g: Expr, sel: Select, scope: Scope, env: PlannerEnv): Compiled {
  let target = g;
  if (g.kind === 'literal' && g.literal.kind === 'int') {
    const item = sel.items[Number(g.literal.value) - 1];
    if (item === undefined || item.kind !== 'expr') throw new SqlError('BAD_FIELD', `Unknown column '${g.literal.value}' in 'group statement'`);
    target = item.expr;
  } else if (g.kind === 'column' && g.table === null && scope.find(null, g.name) === undefined) {
    const item = sel.items.find((i) => i.kind === 'expr' && i.alias !== null && i.alias.toLowerCase() === g.name.toLowerCase());
    if (item !== undefined && item.kind === 'expr') target = item.expr;
  }
  if (containsAggregate(target)) throw new SqlError('WRONG_FIELD_WITH_GROUP', "Can't group on an aggregate");
  return compileExpr(target, scope, env, { clause: 'group statement', aggregates: null });
}

function groupRows(rows: readonly Value[][], keys: readonly Compiled[], specs: readonly AggregateSpec[], width: number, p: EvalCtx | null): Value[][] {
  const groups = new Map<string, { rep: Value[]; accs: Accumulator[] }>();
  const modes = keys.map((k) => compareModeFor(k.type, k.type));
  for (const row of rows) {
    const ctx = { row, parent: p };
    const key = keys.map((k, i) => groupKey(k.eval(ctx), modes[i]!)).join('\u0000');
    let g = groups.get(key);
    if (g === undefined) {
      g = { rep: row, accs: specs.map((s) => new Accumulator(s)) };
      groups.set(key, g);
    }
    for (const acc of g.accs) acc.add(ctx);
  }
  if (groups.size === 0 && keys.length === 0) {
    groups.set('', { rep: new Array(width).fill(null), accs: specs.map((s) => new Accumulator(s)) });
  }
  const out: Value[][] = [];
  for (const g of groups.values()) {
    const row = g.rep.slice(0, width);
    while (row.length < width) row.push(null);
    for (const acc of g.accs) row.push(acc.result());
    out.push(row);
  }
  return out;
}

function projectItems(sel: Select, scope: Scope, env: PlannerEnv, opts: CompileOptions): ProjectedItem[] {
  const out: ProjectedItem[] = [];
  for (const item of sel.items) {
    if (item.kind === 'star') {
      const cols = scope.columns.map((c, i) => ({ c, i })).filter(({ c }) => item.table === null || c.table === item.table);
      if (cols.length === 0) {
        if (item.table !== null) throw new SqlError('BAD_TABLE', `Unknown table '${item.table}'`);
        throw new SqlError('NO_DB', 'No tables used');
      }
      for (const { c } of cols) {
        const ast: Expr = { kind: 'column', table: c.table, name: c.name };
        const compiled = compileExpr(ast, scope, env, opts);
        out.push({ compiled, ast, name: c.name, column: columnOf(compiled, c.name, c) });
      }
      continue;
    }
    const compiled = compileExpr(item.expr, scope, env, opts);
    let origin: ScopeColumn | undefined;
    if (item.expr.kind === 'column') {
      const off = scope.find(item.expr.table, item.expr.name);
      origin = off === undefined ? undefined : scope.columns[off];
    }
    const name = item.alias ?? (item.expr.kind === 'column' ? item.expr.name : item.text);
    out.push({ compiled, ast: item.expr, name, column: columnOf(compiled, name, origin) });
  }
  return out;
}

function columnOf(c: Compiled, name: string, origin: ScopeColumn | undefined): OutputColumn {
  if (origin !== undefined) {
    const info = columnInfo(c.type, { schema: origin.db, table: origin.table ?? '', orgTable: origin.orgTable, name, orgName: origin.orgName }, origin.flags);
    return { type: c.type, nullable: c.nullable, info };
  }
  let flags = c.nullable ? 0 : ColumnFlag.NOT_NULL;
  if (c.type.kind !== 'string') flags |= ColumnFlag.BINARY;
  const info = columnInfo(c.type, { schema: '', table: '', orgTable: '', name, orgName: '' }, flags);
  return { type: c.type, nullable: c.nullable, info };
}

/** One ORDER BY key: an output column or a compiled expression. */
interface OrderKey {
  readonly output: number | null;
  readonly compiled: Compiled | null;
  readonly descending: boolean;
  readonly cmp: (a: Exclude<Value, null>, b: Exclude<Value, null>) => number;
}

function compileOrder(orderBy: readonly OrderItem[], items: readonly ProjectedItem[], scope: Scope, env: PlannerEnv, aggregates: AggregateCollector | null, windows?: WindowFunctions): OrderKey[] {
  return orderBy.map((o) => {
    const e = o.expr;
    let output: number | null = null;
    if (e.kind === 'literal' && e.literal.kind === 'int') {
      const k = Number(e.literal.value);
      if (k < 1 || k > items.length) throw new SqlError('BAD_FIELD', `Unknown column '${k}' in 'order clause'`);
      output = k - 1;
    } else if (e.kind === 'column' && e.table === null) {
      const idx = items.findIndex((it) => it.name.toLowerCase() === e.name.toLowerCase());
      if (idx >= 0) output = idx;
    }
    if (output !== null) {
      const t = items[output]!.column.type;
      return { output, compiled: null, descending: o.descending, cmp: comparator(compareModeFor(t, t)) };
    }
    const compiled = compileExpr(e, scope, env, { clause: 'order clause', aggregates, ...(windows === undefined ? {} : { windows }) });
    return { output: null, compiled, descending: o.descending, cmp: comparator(compareModeFor(compiled.type, compiled.type)) };
  });
}

/** Projection, DISTINCT, ORDER BY and LIMIT over (grouped) rows. */
function finishRows(rows: readonly Value[][], outputs: readonly Compiled[], order: readonly OrderKey[], distinct: boolean, types: readonly SqlType[], limit: number | null, offset: number, p: EvalCtx | null, record?: (kind: StageKind, rows: number) => void): Value[][] {
  let projected = rows.map((row) => {
    const ctx = { row, parent: p };
    const out = outputs.map((o) => o.eval(ctx));
    const keys = order.map((k) => (k.output !== null ? out[k.output]! : k.compiled!.eval(ctx)));
    return { out, keys };
  });
  if (distinct) {
    const modes = types.map((t) => compareModeFor(t, t));
    const seen = new Set<string>();
    projected = projected.filter((r) => {
      const k = r.out.map((v, i) => groupKey(v, modes[i]!)).join('\u0000');
      if (seen.has(k)) return false;
      seen.add(k);
      return true;
    });
    record?.('distinct', projected.length);
  }
  if (order.length > 0) {
    projected.sort((a, b) => compareKeys(a.keys, b.keys, order));
    record?.('sort', projected.length);
  }
  let result = projected.map((r) => r.out);
  if (offset > 0 || limit !== null) {
    result = result.slice(offset, limit === null ? undefined : offset + limit);
    record?.('limit', result.length);
  }
  return result;
}

function compareKeys(a: readonly Value[], b: readonly Value[], order: readonly OrderKey[]): number {
  for (let i = 0; i < order.length; i++) {
    const x = a[i] ?? null;
    const y = b[i] ?? null;
    let c: number;
    if (x === null || y === null) c = x === y ? 0 : x === null ? -1 : 1;
    else c = order[i]!.cmp(x, y);
    if (c !== 0) return order[i]!.descending ? -c : c;
  }
  return 0;
}

function compileSetOp(q: SetOperation, parent: Scope | null, env: PlannerEnv): QueryPlan {
  const left = compileQuery(q.left, parent, env);
  const right = compileQuery(q.right, parent, env);
  if (left.columns.length !== right.columns.length) throw differentColumnCountError();
  const types = left.columns.map((c, i) => unifyTypes([c.type, right.columns[i]!.type]));
  const columns: OutputColumn[] = left.columns.map((c, i) => {
    const t = types[i]!;
    const nullable = c.nullable || right.columns[i]!.nullable;
    const info = columnInfo(t, { schema: '', table: '', orgTable: '', name: c.info.name, orgName: '' }, (nullable ? 0 : ColumnFlag.NOT_NULL) | (t.kind === 'string' ? 0 : ColumnFlag.BINARY));
    return { type: t, nullable, info };
  });
  const modes = types.map((t) => compareModeFor(t, t));
  const keyOf = (row: readonly Value[]): string => row.map((v, i) => groupKey(v, modes[i]!)).join('\u0000');
  const fix = (rows: Value[][]): Value[][] => rows.map((r) => r.map((v, i) => coerce(v, types[i]!)));
  // ORDER BY of a set operation names output columns (by position or name).
  const outScope = new Scope(columns.map((c, i) => ({ table: null, name: c.info.name, type: c.type, nullable: c.nullable, db: '', orgTable: '', orgName: '', flags: 0, leaf: i })), parent);
  const items: ProjectedItem[] = columns.map((c, i) => ({ compiled: { type: c.type, nullable: c.nullable, constant: false, hasSubquery: false, eval: (ctx) => ctx.row[i] ?? null }, column: c, name: c.info.name, ast: { kind: 'column', table: null, name: c.info.name } }));
  const order = compileOrder(q.orderBy, items, outScope, env, null);
  const limit = constantCount(q.limit?.count ?? null, env, 'LIMIT');
  const offset = constantCount(q.limit?.offset ?? null, env, 'OFFSET') ?? 0;
  const run = (p: EvalCtx | null): Value[][] => {
    const l = fix(left.run(p));
    const r = fix(right.run(p));
    let rows: Value[][];
    switch (q.op) {
      case 'unionAll':
        rows = [...l, ...r];
        break;
      case 'union':
        rows = dedupe([...l, ...r], keyOf);
        break;
      case 'except': {
        const rk = new Set(r.map(keyOf));
        rows = dedupe(l, keyOf).filter((row) => !rk.has(keyOf(row)));
        break;
      }
      case 'intersect': {
        const rk = new Set(r.map(keyOf));
        rows = dedupe(l, keyOf).filter((row) => rk.has(keyOf(row)));
        break;
      }
      default:
        return assertNever(q.op, 'set operator');
    }
    return finishRows(rows, items.map((i) => i.compiled), order, false, types, limit, offset, p);
  };
  return { columns, run };
}

function dedupe(rows: Value[][], keyOf: (r: readonly Value[]) => string): Value[][] {
  const seen = new Set<string>();
  return rows.filter((r) => {
    const k = keyOf(r);
    if (seen.has(k)) return false;
    seen.add(k);
    return true;
  });
}


/** The rows of one table that a WHERE clause selects, for UPDATE and DELETE. */
export interface TableFilter {
  readonly scope: Scope;
  readonly source: () => readonly Value[][];
  readonly filter: Compiled | null;
}

/** Compiles `WHERE` over one table and registers the table's source with the best access path. */
export function compileTableFilter(table: TableName, alias: string | null, where: Expr | null, env: PlannerEnv): TableFilter {
  const leaf = baseLeaf({ kind: 'table', table, alias }, env);
  const { scope, offsets } = leafScope([leaf], null);
  const asts = splitAnd(where);
  const conjuncts = compileConjuncts(asts, scope, env, [leaf], offsets);
  planJoin([leaf], conjuncts, env); // EXPLAIN's estimates for the one table
  const compiled = conjuncts.map((c) => c.compiled);
  const filter: Compiled | null = compiled.length === 0 ? null : {
    type: bigintType, nullable: true, constant: false, hasSubquery: compiled.some((c) => c.hasSubquery),
    eval: (ctx) => (compiled.every((c) => truth(c.eval(ctx)) === true) ? 1n : 0n),
  };
  return { scope, source: () => leaf.rows(null) as Value[][], filter };
}

/** Sorts rows by ORDER BY items compiled in `scope` (UPDATE/DELETE … ORDER BY). */
export function sortRows(rows: Value[][], orderBy: readonly OrderItem[], scope: Scope, env: PlannerEnv): Value[][] {
  if (orderBy.length === 0) return rows;
  const order = compileOrder(orderBy, [], scope, env, null);
  const keyed = rows.map((row) => ({ row, keys: order.map((k) => k.compiled!.eval({ row, parent: null })) }));
  keyed.sort((a, b) => compareKeys(a.keys, b.keys, order));
  return keyed.map((k) => k.row);
}

/** A constant LIMIT of UPDATE/DELETE. */
export function limitCount(e: Expr | null, env: PlannerEnv): number | null {
  return constantCount(e, env, 'LIMIT');
}
