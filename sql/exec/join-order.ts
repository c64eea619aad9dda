/**
 * Join order of the inner-join leaves of one FROM clause, by estimated cost.
 *
 * The executor joins fetched leaves by a nested loop: level k iterates every fetched row of its
 * leaf once per row combination that passed levels 0…k−1, checking the conjuncts whose leaves
 * are all bound by then — unless an equality `column = column` links the leaf to one bound
 * before it: then the level hashes its rows once and each combination examines only the rows
 * of its key (equi-join.ts). So an order costs the rows it examines,
 *
 *   cost = Σ_k step(k),   step(k) = N(k−1) · fetched(l_k)                      (nested loop)
 *                                 = fetched(l_k) + N(k−1) · fetched(l_k) · e(k)   (hashed on the key)
 *
 * where e(k) is the selectivity of the most selective equality completed at level k, the one
 * the executor keys the hash on (the others are checked on its candidates);
 *   N(k) = N(k−1) · fetched(l_k) · local(l_k) · Π sel(joins bound at k),
 *
 * what `max_join_size` counts (the hash build aside). N(S) of a set of leaves does not depend on their order,
 * so up to `limits.joinReorderTablesMax` leaves the cheapest order is found by dynamic
 * programming over subsets (Selinger); beyond, greedily (each step adds the leaf giving the
 * smallest intermediate result). The rule-based greedy order the planner had before is the
 * baseline: it is kept unless an order is strictly cheaper, so ties change nothing. Outer joins
 * never take part: a LEFT JOIN is one leaf with its own fixed nested loop (query-planner.ts).
 */
import { assert } from '../../src/base/assert.js';
import { limits } from '../../src/base/limits.js';

/** The estimates the order is chosen from. */
export interface JoinEstimates {
  /** Rows each leaf yields per pass (what one level of the nested loop iterates). */
  readonly fetched: readonly number[];
  /** Fraction of a leaf's fetched rows its own conjuncts keep. */
  readonly local: readonly number[];
  /**
   * Conjuncts over two or more leaves, with the fraction of combinations each keeps; `equi`
   * for a `column = column` of two leaves the executor joins by key.
   */
  readonly joins: readonly { readonly leaves: readonly number[]; readonly selectivity: number; readonly equi?: boolean }[];
}

/** Rows a level examines: every fetched row per combination, or (`equi` not null) a hash build and the rows of each key. */
function stepCost(combinations: number, fetched: number, equi: number | null): number {
  return equi === null ? combinations * fetched : fetched + combinations * fetched * equi;
}

/** An order with its estimated cost and the row combinations left after each level. */
export interface CostedOrder {
  readonly order: readonly number[];
  readonly cost: number;
  /** rows[k] = N(k): combinations that pass level k. */
  readonly rows: readonly number[];
}

/** The estimated cost of joining in `order`. */
export function costOf(est: JoinEstimates, order: readonly number[]): CostedOrder {
  const joins = new JoinTracker(est);
  let n = 1;
  let cost = 0;
  const rows: number[] = [];
  for (const leaf of order) {
    cost += stepCost(n, est.fetched[leaf]!, joins.equiBy(leaf));
    // A join is applied at the level that binds the last of its leaves.
    n *= est.fetched[leaf]! * est.local[leaf]! * joins.bind(leaf);
    rows.push(n);
  }
  return { order, cost, rows };
}

/** Which joins each leaf completes as leaves get bound (joins of 50+ leaves stay linear). */
class JoinTracker {
  private readonly unbound: number[];
  private readonly byLeaf: number[][];
  constructor(private readonly est: JoinEstimates) {
    this.unbound = est.joins.map((j) => new Set(j.leaves).size);
    this.byLeaf = est.fetched.map(() => []);
    est.joins.forEach((j, i) => new Set(j.leaves).forEach((l) => this.byLeaf[l]!.push(i)));
  }

  /** The product of the selectivities of the joins `leaf` would complete now. */
  completedBy(leaf: number): number {
    let s = 1;
    for (const j of this.byLeaf[leaf]!) if (this.unbound[j] === 1) s *= this.est.joins[j]!.selectivity;
    return s;
  }

  /** The selectivity of the most selective equality `leaf` would complete now (its hash key), or null. */
  equiBy(leaf: number): number | null {
    let s: number | null = null;
    for (const j of this.byLeaf[leaf]!) if (this.unbound[j] === 1 && this.est.joins[j]!.equi === true) s = Math.min(s ?? 1, this.est.joins[j]!.selectivity);
    return s;
  }

  /** Binds `leaf`; returns the selectivity of the joins it completes. */
  bind(leaf: number): number {
    const s = this.completedBy(leaf);
    for (const j of this.byLeaf[leaf]!) this.unbound[j]!--;
    return s;
  }
}

/** The cheapest order found, or `baseline` when nothing is strictly cheaper. */
export function bestJoinOrder(est: JoinEstimates, baseline: readonly number[]): CostedOrder {
  const n = est.fetched.length;
  assert(baseline.length === n, 'the baseline orders every leaf');
  const base = costOf(est, baseline);
  if (n <= 1) return base;
  const found = n <= limits.joinReorderTablesMax ? dynamicOrder(est) : greedyOrder(est);
  const candidate = costOf(est, found);
  return candidate.cost < base.cost * (1 - 1e-9) ? candidate : base;
}

/** N(S) of every subset S (as a bit mask). */
function subsetRows(est: JoinEstimates): Float64Array {
  const n = est.fetched.length;
  const rows = new Float64Array(1 << n);
  const masks = est.joins.map((j) => j.leaves.reduce((m, l) => m | (1 << l), 0));
  rows[0] = 1;
  for (let s = 1; s < 1 << n; s++) {
    const low = 31 - Math.clz32(s & -s);
    let r = rows[s & (s - 1)]! * est.fetched[low]! * est.local[low]!;
    // Joins completed by adding `low` to the rest of s.
    masks.forEach((m, i) => {
      if ((m & s) === m && (m & (1 << low)) !== 0) r *= est.joins[i]!.selectivity;
    });
    rows[s] = r;
  }
  return rows;
}

/** The cheapest order by dynamic programming over subsets. */
function dynamicOrder(est: JoinEstimates): number[] {
  const n = est.fetched.length;
  assert(n <= 20, 'dynamic programming over at most 2^20 subsets');
  const full = (1 << n) - 1;
  const rows = subsetRows(est);
  // Per leaf, its equalities: the other leaf's bit and the selectivity.
  const equis = est.fetched.map((_, l) => est.joins.filter((j) => j.equi === true && j.leaves.includes(l)).map((j) => ({ other: 1 << j.leaves.find((x) => x !== l)!, selectivity: j.selectivity })));
  const equiSel = (l: number, rest: number): number | null => {
    let sel: number | null = null;
    for (const e of equis[l]!) if ((rest & e.other) !== 0) sel = Math.min(sel ?? 1, e.selectivity);
    return sel;
  };
  const cost = new Float64Array(1 << n).fill(Infinity);
  const last = new Int8Array(1 << n).fill(-1);
  cost[0] = 0;
  for (let s = 1; s <= full; s++) {
    for (let l = 0; l < n; l++) {
      if ((s & (1 << l)) === 0) continue;
      const rest = s & ~(1 << l);
      const c = cost[rest]! + stepCost(rows[rest]!, est.fetched[l]!, equiSel(l, rest));
      if (c < cost[s]!) {
        cost[s] = c;
        last[s] = l;
      }
    }
  }
  const order: number[] = [];
  for (let s = full; s !== 0; s &= ~(1 << last[s]!)) order.push(last[s]!);
  return order.reverse();
}

/** Each step adds the leaf that gives the fewest row combinations (then the cheapest step). */
function greedyOrder(est: JoinEstimates): number[] {
  const n = est.fetched.length;
  const order: number[] = [];
  const bound = new Array<boolean>(n).fill(false);
  const joins = new JoinTracker(est);
  let rows = 1;
  while (order.length < n) {
    let best = -1;
    let bestRows = Infinity;
    let bestStep = Infinity;
    for (let l = 0; l < n; l++) {
      if (bound[l]) continue;
      const r = rows * est.fetched[l]! * est.local[l]! * joins.completedBy(l);
      const step = stepCost(rows, est.fetched[l]!, joins.equiBy(l));
      if (best < 0 || r < bestRows || (r === bestRows && step < bestStep)) {
        best = l;
        bestRows = r;
        bestStep = step;
      }
    }
    order.push(best);
    bound[best] = true;
    joins.bind(best);
    rows = bestRows;
  }
  return order;
}
