/**
 * Searching a strongly connected component of a transaction graph for a cycle of a given
 * anomaly type (Elle's cycle specs): G0 (ww only), G1c (ww/wr with a wr), G-single-item
 * (exactly one rw), G-nonadjacent-item (2+ rw, none adjacent), G2-item (2+ rw), each also in
 * a -process and a -realtime variant that must use such an edge. The search is a BFS over
 * (vertex, automaton state), the state tracking rw count, adjacency and required edges, so a
 * found cycle is a shortest closed walk meeting the spec. A found cycle is then explained step
 * by step (an edge's first relationship among ww, wr, rw, process, realtime) and classified as
 * Elle does; a typed spec only accepts a cycle classified as itself.
 */
import { assert } from '../../src/base/assert.js';
import { Rel, relName, stronglyConnected, projected, type TxnGraph } from './txn-graph.js';
import { anomalyDepth } from './consistency-models.js';

/** How a spec constrains rw edges. */
type RwMode = 'none' | 'single' | 'nonadjacent' | 'multiple';

/** A cycle anomaly specification. */
export interface CycleSpec {
  readonly name: string;
  /** Relationships the cycle may use besides rw. */
  readonly rels: number;
  readonly rwMode: RwMode;
  readonly requiresWr: boolean;
  /** Rel.process or Rel.realtime for a variant (at least one such edge), else 0. */
  readonly variant: number;
  /** Whether the explained cycle must classify as exactly this spec's name. */
  readonly typed: boolean;
}

/** One explained step of a cycle. */
export interface CycleStep {
  readonly from: number;
  readonly to: number;
  readonly rel: string;
}

/** A cycle found and explained: transactions (first = last) and the steps between them. */
export interface ExplainedCycle {
  readonly type: string;
  readonly cycle: readonly number[];
  readonly steps: readonly CycleStep[];
}

/** Search effort left, in edge relaxations, shared by the searches of one component. */
export interface SearchBudget {
  left: number;
}

const base: ReadonlyArray<Omit<CycleSpec, 'variant'>> = [
  { name: 'G0', rels: Rel.ww, rwMode: 'none', requiresWr: false, typed: false },
  { name: 'G1c', rels: Rel.ww | Rel.wr, rwMode: 'none', requiresWr: true, typed: false },
  { name: 'G-single-item', rels: Rel.ww | Rel.wr, rwMode: 'single', requiresWr: false, typed: true },
  { name: 'G-nonadjacent-item', rels: Rel.ww | Rel.wr, rwMode: 'nonadjacent', requiresWr: false, typed: true },
  { name: 'G2-item', rels: Rel.ww | Rel.wr, rwMode: 'multiple', requiresWr: false, typed: true },
];

/** Every cycle spec, in search order: least implied (most severe) first, as Elle orders them. */
export const cycleSpecs: readonly CycleSpec[] = base
  .flatMap((s) => [
    { ...s, variant: 0 },
    { ...s, name: `${s.name}-process`, rels: s.rels | Rel.process, variant: Rel.process },
    { ...s, name: `${s.name}-realtime`, rels: s.rels | Rel.realtime, variant: Rel.realtime },
  ])
  .sort((a, b) => anomalyDepth(a.name) - anomalyDepth(b.name) || (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));

/** Names of all cycle anomaly types. */
export const cycleTypes: ReadonlySet<string> = new Set(cycleSpecs.map((s) => s.name));

/** Explains and classifies a closed walk `cycle` (first = last vertex). */
export function explainCycle(g: TxnGraph, cycle: readonly number[]): ExplainedCycle {
  assert(cycle.length >= 2 && cycle[0] === cycle[cycle.length - 1], 'not a cycle');
  const steps: CycleStep[] = [];
  for (let i = 0; i + 1 < cycle.length; i++) {
    const from = cycle[i] as number;
    const to = cycle[i + 1] as number;
    const rels = g.rels(from, to);
    assert(rels !== 0, 'cycle step without an edge');
    steps.push({ from, to, rel: relName(rels & -rels) });
  }
  return { type: classify(steps), cycle, steps };
}

function classify(steps: readonly CycleStep[]): string {
  const count = (rel: string): number => steps.filter((s) => s.rel === rel).length;
  const rw = count('rw');
  const adjacent = steps.some((s, i) => s.rel === 'rw' && (steps[(i + 1) % steps.length] as CycleStep).rel === 'rw');
  let data: string;
  if (rw === 1) data = 'G-single-item';
  else if (rw > 1) data = adjacent ? 'G2-item' : 'G-nonadjacent-item';
  else if (count('wr') > 0) data = 'G1c';
  else if (count('ww') > 0) data = 'G0';
  else throw new Error('cycle without data dependencies');
  const suffix = count('realtime') > 0 ? '-realtime' : count('process') > 0 ? '-process' : '';
  return data + suffix;
}

/**
 * Finds a cycle matching `spec` inside component `scc`. Returns the explained cycle, null when
 * there is none, or 'timeout' when the budget ran out first.
 */
export function findCycle(g: TxnGraph, scc: readonly number[], spec: CycleSpec, budget: SearchBudget): ExplainedCycle | null | 'timeout' {
  const allowed = spec.rels | (spec.rwMode === 'none' ? 0 : Rel.rw);
  const inScc = new Set(scc);
  // A cycle of the spec lies within one component of the graph of its allowed relationships.
  for (const part of stronglyConnected(scc, projected(g, allowed, inScc))) {
    const found = searchComponent(g, part, spec, allowed, budget);
    if (found !== null) return found;
  }
  return null;
}

function firstRel(spec: CycleSpec): number {
  if (spec.rwMode !== 'none') return Rel.rw;
  if (spec.requiresWr) return Rel.wr;
  return spec.variant;
}

function searchComponent(g: TxnGraph, part: readonly number[], spec: CycleSpec, allowed: number, budget: SearchBudget): ExplainedCycle | null | 'timeout' {
  const bfs = new ProductBfs(g, part, spec, allowed);
  const first = firstRel(spec);
  for (const start of part) {
    if (first !== 0 && ![...(g.out[start] as Map<number, number>)].some(([w, r]) => (r & first) !== 0 && bfs.contains(w))) continue;
    const walk = bfs.run(start, first, budget);
    if (walk === 'timeout') return walk;
    if (walk === null) continue;
    const explained = explainCycle(g, walk);
    if (!spec.typed || explained.type === spec.name) return explained;
  }
  return null;
}

const stateCount = 32;

/** BFS over (vertex, state) pairs of one component; reused across start vertices. */
class ProductBfs {
  private readonly local = new Map<number, number>();
  private readonly seen: Uint32Array;
  private readonly parent: Int32Array;
  private generation = 0;

  constructor(private readonly g: TxnGraph, private readonly part: readonly number[], private readonly spec: CycleSpec, private readonly allowed: number) {
    part.forEach((v, i) => this.local.set(v, i));
    this.seen = new Uint32Array(part.length * stateCount);
    this.parent = new Int32Array(part.length * stateCount);
  }

  contains(v: number): boolean {
    return this.local.has(v);
  }

  /** A closed walk from `start` whose first edge has `firstRel` (0: any), or null / 'timeout'. */
  run(start: number, firstRel: number, budget: SearchBudget): number[] | null | 'timeout' {
    const gen = ++this.generation;
    const queue: number[] = [];
    const expand = (from: number, fromState: number, parentCode: number): number[] | null => {
      for (const [w, rels] of this.g.out[from] as Map<number, number>) {
        budget.left--;
        const wi = this.local.get(w);
        if (wi === undefined || (rels & this.allowed) === 0) continue;
        if (parentCode === -1 && firstRel !== 0 && (rels & firstRel) === 0) continue;
        for (const next of this.transitions(fromState, rels, parentCode === -1 && firstRel === Rel.rw)) {
          if (w === start && this.accepts(next)) return this.unwind(parentCode, start);
          const code = wi * stateCount + next;
          if (this.seen[code] === gen) continue;
          this.seen[code] = gen;
          this.parent[code] = parentCode;
          queue.push(code);
        }
      }
      return null;
    };
    let found = expand(start, 0, -1);
    for (let head = 0; found === null && head < queue.length; head++) {
      if (budget.left <= 0) return 'timeout';
      const code = queue[head] as number;
      found = expand(this.part[Math.floor(code / stateCount)] as number, code % stateCount, code);
    }
    return found;
  }

  /**
   * The states after taking an edge with `rels` from `state`. An edge that carries rw and also
   * another allowed relationship (say ww: T1 both overwrote and missed T2's write) may serve
   * as either, so up to two states result. State bits: 0–1 rw count (0, 1, 2+), 2 last edge
   * was rw, 3 saw wr, 4 saw the variant edge.
   */
  private transitions(state: number, rels: number, mustBeRw: boolean): number[] {
    const spec = this.spec;
    const flags = (((state >> 3) & 1) | ((rels & Rel.wr) !== 0 ? 1 : 0)) << 3 | (((state >> 4) & 1) | ((rels & spec.variant) !== 0 ? 1 : 0)) << 4;
    const out: number[] = [];
    const rw = state & 3;
    const lastRw = (state >> 2) & 1;
    const canRw = spec.rwMode !== 'none' && (rels & Rel.rw) !== 0
      && !(spec.rwMode === 'single' && rw >= 1) && !(spec.rwMode === 'nonadjacent' && lastRw === 1);
    if (canRw) out.push(Math.min(2, rw + 1) | (1 << 2) | flags);
    if (!mustBeRw && (rels & spec.rels) !== 0) out.push(rw | flags);
    return out;
  }

  private accepts(state: number): boolean {
    const spec = this.spec;
    const rw = state & 3;
    if (spec.rwMode === 'single' && rw !== 1) return false;
    if ((spec.rwMode === 'multiple' || spec.rwMode === 'nonadjacent') && rw !== 2) return false;
    // The walk starts with an rw edge, so its last edge must not be one (wrap-around adjacency).
    if (spec.rwMode === 'nonadjacent' && ((state >> 2) & 1) === 1) return false;
    if (spec.requiresWr && ((state >> 3) & 1) === 0) return false;
    if (spec.variant !== 0 && ((state >> 4) & 1) === 0) return false;
    return true;
  }

  private unwind(lastCode: number, start: number): number[] {
    const walk = [start];
    for (let code = lastCode; code !== -1; code = this.parent[code] as number) {
      walk.push(this.part[Math.floor(code / stateCount)] as number);
    }
    walk.push(start);
    return walk.reverse();
  }
}

/**
 * Any cycle of component `scc`, for reporting when a typed search timed out: a DFS in the
 * smallest projection (ww, then +realtime/process, then +wr, …) that still has a cycle.
 */
export function fallbackCycle(g: TxnGraph, scc: readonly number[]): ExplainedCycle {
  const inScc = new Set(scc);
  const order = [Rel.ww, Rel.ww | Rel.realtime | Rel.process, Rel.ww | Rel.wr, Rel.ww | Rel.wr | Rel.realtime | Rel.process, Rel.ww | Rel.wr | Rel.rw, 31];
  for (const rels of order) {
    const parts = stronglyConnected(scc, projected(g, rels, inScc));
    if (parts.length > 0) return explainCycle(g, dfsCycle(g, parts[0] as number[], rels));
  }
  throw new Error('fallbackCycle: component has no cycle');
}

function dfsCycle(g: TxnGraph, part: readonly number[], rels: number): number[] {
  const inPart = new Set(part);
  const path: number[] = [part[0] as number];
  const at = new Map<number, number>([[part[0] as number, 0]]);
  for (;;) {
    const succ = [...projected(g, rels, inPart)(path[path.length - 1] as number)];
    const back = succ.find((w) => at.has(w));
    if (back !== undefined) return [...path.slice(at.get(back)), back];
    const next = succ[0];
    assert(next !== undefined, 'dfsCycle: dead end inside a strongly connected component');
    at.set(next, path.length);
    path.push(next);
  }
}
