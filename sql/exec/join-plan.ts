/**
 * The plan of one nested-loop join (query-planner.ts's FROM leaves): the order the leaves are
 * bound in, and the level at which each WHERE/ON conjunct is checked (the first level where all
 * its leaves are bound; a conjunct with a subquery at the last).
 *
 * The rule-based order (leaves pinned by constants first, then leaves connected to bound ones,
 * ties in FROM order) is the baseline; with estimates (cost-model.ts) join-order.ts keeps it
 * unless an order is strictly cheaper. Every base table access is annotated with its estimated
 * rows and filtered percent, and the statement's sources are put in join order, for EXPLAIN.
 */
import { assert } from '../../src/base/assert.js';
import type { TableDef } from '../catalog.js';
import { bestJoinOrder, costOf, type CostedOrder, type JoinEstimates } from './join-order.js';
import type { Compiled, PlannerEnv } from './plan-types.js';
import type { TableSource } from './sources.js';
import type { TableEstimates } from './table-stats.js';

/** What the join planner needs of a FROM leaf. */
export interface PlanLeaf {
  /** Rows one run yields before the conjuncts (cost-model.ts). */
  estimate(): number;
  /** Table sources this leaf reads, in its own join order. */
  sources(): TableSource[];
  /** Set for base tables. */
  readonly base?: { readonly def: TableDef; readonly estimates: TableEstimates };
}

/** What the join planner needs of a conjunct. */
export interface PlanConjunct {
  readonly compiled: Compiled;
  /** The leaves it reads (all of them when it holds a subquery). */
  readonly leaves: ReadonlySet<number>;
  /** Fraction of rows (or row combinations) it keeps, estimated on first use. */
  selectivity(): number;
  /** True for `column = column` of two leaves, which the executor joins by key (equi-join.ts). */
  readonly equi?: boolean;
}

/** One level of the nested loop: a leaf and the conjuncts checked once it is bound. */
export interface JoinLevel {
  readonly leaf: number;
  readonly filters: readonly Compiled[];
  /** The conjuncts `filters` come from, as positions in the planned list (same order). */
  readonly conjuncts: readonly number[];
}

/** A planned join. */
export interface JoinPlan {
  /** Conjuncts over no leaf, checked once before the loop. */
  readonly pre: readonly Compiled[];
  readonly levels: readonly JoinLevel[];
  /** Estimated rows the join yields. */
  readonly rows: number;
  /** Estimated rows (row combinations) after each level, in level order. */
  readonly levelRows: readonly number[];
}

/** Orders `leaves` and assigns `conjuncts` to levels. */
export function planJoin(leaves: readonly PlanLeaf[], conjuncts: readonly PlanConjunct[], env: PlannerEnv): JoinPlan {
  assert(conjuncts.every((c) => !c.compiled.hasSubquery || c.leaves.size === leaves.length), 'a conjunct with a subquery reads every leaf');
  const baseline = ruleBasedOrder(leaves.length, conjuncts);
  // One table without statistics has nothing to order or to print estimates for.
  const estimated = leaves.length > 1 || leaves.some((l) => l.base?.estimates.analyzed === true);
  if (!estimated) {
    const rows = leaves.reduce((n, l) => n * l.estimate(), 1);
    return { ...levelsFor(baseline, conjuncts), rows, levelRows: [rows] };
  }
  const est = joinEstimates(leaves, conjuncts, env.planner?.equiJoins !== false);
  const costed = env.planner?.joinReorder === false ? costOf(est, baseline) : bestJoinOrder(est, baseline);
  annotateSources(leaves, est, costed, env);
  return { ...levelsFor(costed.order, conjuncts), rows: costed.rows[costed.rows.length - 1] ?? 1, levelRows: costed.rows };
}

/**
 * Conjuncts by leaf, and how many of each conjunct's leaves are still unbound: keeps ordering
 * and level assignment linear in the conjuncts (select5 joins 64 tables).
 */
class BindingTracker {
  private readonly unbound: number[];
  private readonly byLeaf: number[][];
  constructor(leafCount: number, conjuncts: readonly PlanConjunct[]) {
    this.unbound = conjuncts.map((c) => c.leaves.size);
    this.byLeaf = Array.from({ length: leafCount }, () => []);
    conjuncts.forEach((c, i) => c.leaves.forEach((l) => this.byLeaf[l]!.push(i)));
  }

  /** Conjuncts reading `leaf`. */
  of(leaf: number): readonly number[] {
    return this.byLeaf[leaf]!;
  }

  /** Leaves of conjunct `i` not bound yet. */
  unboundOf(i: number): number {
    return this.unbound[i]!;
  }

  /** Binds `leaf`; returns the conjuncts whose leaves are now all bound, in conjunct order. */
  bind(leaf: number): number[] {
    const ready: number[] = [];
    for (const i of this.byLeaf[leaf]!) if (--this.unbound[i]! === 0) ready.push(i);
    return ready.sort((a, b) => a - b);
  }
}

/** Leaves constrained by constants first, then leaves connected to bound ones; ties in FROM order. */
function ruleBasedOrder(leafCount: number, conjuncts: readonly PlanConjunct[]): number[] {
  if (leafCount === 1) return [0];
  const tracker = new BindingTracker(leafCount, conjuncts);
  const bound = new Array<boolean>(leafCount).fill(false);
  const order: number[] = [];
  // A conjunct whose only unbound leaf is `li` scores 3 when it reads `li` alone, else 2.
  const score = (li: number): number => {
    let s = 0;
    for (const i of tracker.of(li)) {
      const c = conjuncts[i]!;
      if (!c.compiled.hasSubquery && tracker.unboundOf(i) === 1) s += c.leaves.size === 1 ? 3 : 2;
    }
    return s;
  };
  while (order.length < leafCount) {
    let best = -1;
    let bestScore = -1;
    for (let li = 0; li < leafCount; li++) {
      if (bound[li]) continue;
      const s = score(li);
      if (s > bestScore) {
        best = li;
        bestScore = s;
      }
    }
    bound[best] = true;
    tracker.bind(best);
    order.push(best);
  }
  return order;
}

/**
 * Each conjunct at the first level where its leaves are bound; one with a subquery reads every
 * leaf (query-planner.ts), so it lands on the last level.
 */
function levelsFor(order: readonly number[], conjuncts: readonly PlanConjunct[]): { pre: Compiled[]; levels: JoinLevel[] } {
  const pre = conjuncts.filter((c) => c.leaves.size === 0).map((c) => c.compiled);
  if (order.length === 1) {
    const all = conjuncts.flatMap((c, i) => (c.leaves.size > 0 ? [i] : []));
    return { pre, levels: [{ leaf: order[0]!, filters: all.map((i) => conjuncts[i]!.compiled), conjuncts: all }] };
  }
  const tracker = new BindingTracker(order.length, conjuncts);
  const used = new Set<number>();
  const levels: JoinLevel[] = [];
  for (const leaf of order) {
    const here = tracker.bind(leaf);
    here.forEach((i) => used.add(i));
    levels.push({ leaf, filters: here.map((i) => conjuncts[i]!.compiled), conjuncts: here });
  }
  const lastLevel = levels.length - 1;
  conjuncts.forEach((c, i) => {
    if (!used.has(i) && c.leaves.size > 0) {
      const last = levels[lastLevel]!;
      levels[lastLevel] = { ...last, filters: [...last.filters, c.compiled], conjuncts: [...last.conjuncts, i] };
    }
  });
  return { pre, levels };
}

/** Fetched rows, local filter factors and join selectivities of the leaves. */
function joinEstimates(leaves: readonly PlanLeaf[], conjuncts: readonly PlanConjunct[], equiJoins: boolean): JoinEstimates {
  const fetched = leaves.map((l) => Math.max(0, l.estimate()));
  const kept = leaves.map(() => 1);
  const joins: { leaves: number[]; selectivity: number; equi: boolean }[] = [];
  for (const c of conjuncts) {
    if (c.leaves.size === 0 || c.compiled.hasSubquery) continue;
    const leafList = [...c.leaves];
    if (leafList.length === 1) kept[leafList[0]!]! *= c.selectivity();
    else joins.push({ leaves: leafList, selectivity: c.selectivity(), equi: equiJoins && c.equi === true });
  }
  // A base table's conjuncts are estimated against the whole table; its access path already
  // applied some of them, so what they keep of the fetched rows is the rest (at most all).
  const local = leaves.map((l, i) => {
    const base = l.base;
    if (base === undefined) return kept[i]!;
    return fetched[i]! > 0 ? Math.min(1, (base.estimates.rows * kept[i]!) / fetched[i]!) : 1;
  });
  return { fetched, local, joins };
}

/** EXPLAIN's rows and filtered for every base table, and the sources in join order. */
function annotateSources(leaves: readonly PlanLeaf[], est: JoinEstimates, costed: CostedOrder, env: PlannerEnv): void {
  let before = 1;
  costed.order.forEach((leaf, level) => {
    const after = costed.rows[level]!;
    const examined = before * est.fetched[leaf]!;
    const base = leaves[leaf]!.base;
    const source = leaves[leaf]!.sources();
    if (base !== undefined && source.length === 1) {
      const filteredPercent = examined > 0 ? Math.min(100, (100 * after) / examined) : 100;
      source[0]!.estimate = { rows: est.fetched[leaf]!, filteredPercent, analyzed: base.estimates.analyzed, joinLevel: level };
    }
    before = after;
  });
  env.sources.reorder(costed.order.flatMap((l) => leaves[l]!.sources()));
}
