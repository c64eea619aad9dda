/**
 * A transaction dependency graph: vertices are transactions (dense ids), each edge carries a
 * bit set of relationships — ww (write-write), wr (write-read), rw (read-write, i.e. an
 * anti-dependency), process (same client, in order) and realtime (one completed before the
 * other began). Includes Tarjan's strongly connected components over a projection of the
 * relationships, and the real-time and process orders of a history as edges.
 */
import { assert } from '../../src/base/assert.js';

/** Relationship bits. */
export const Rel = { ww: 1, wr: 2, rw: 4, process: 8, realtime: 16 } as const;
/** All data dependencies. */
export const dataRels = Rel.ww | Rel.wr | Rel.rw;

/** Name of the single relationship `bit`. */
export function relName(bit: number): string {
  switch (bit) {
    case Rel.ww: return 'ww';
    case Rel.wr: return 'wr';
    case Rel.rw: return 'rw';
    case Rel.process: return 'process';
    case Rel.realtime: return 'realtime';
    default: throw new Error(`not one relationship: ${bit}`);
  }
}

/** A directed graph over `size` transactions with relationship-labelled edges. */
export class TxnGraph {
  /** out[a] maps b to the relationships of edge a → b. */
  readonly out: Array<Map<number, number>>;
  private edges = 0;

  constructor(readonly size: number) {
    this.out = Array.from({ length: size }, () => new Map<number, number>());
  }

  /** Adds `rel` to edge a → b. Self-edges are dropped: a transaction never depends on itself. */
  link(a: number, b: number, rel: number): void {
    assert(a >= 0 && a < this.size && b >= 0 && b < this.size, 'txn graph: vertex out of range');
    if (a === b) return;
    const m = this.out[a] as Map<number, number>;
    const prior = m.get(b);
    if (prior === undefined) this.edges++;
    m.set(b, (prior ?? 0) | rel);
  }

  /** Relationships of edge a → b (0 when there is none). */
  rels(a: number, b: number): number {
    return (this.out[a] as Map<number, number>).get(b) ?? 0;
  }

  /** Number of edges (pairs with at least one relationship). */
  get edgeCount(): number {
    return this.edges;
  }
}

/** An adjacency view: the successors of a vertex. */
export type Successors = (v: number) => Iterable<number>;

/** Successors of `v` in `g` along edges having any of `rels`, inside `within` when given. */
export function projected(g: TxnGraph, rels: number, within?: ReadonlySet<number>): Successors {
  return function* successors(v: number): Iterable<number> {
    for (const [w, r] of g.out[v] as Map<number, number>) {
      if ((r & rels) !== 0 && (within === undefined || within.has(w))) yield w;
    }
  };
}

/**
 * Strongly connected components (iterative Tarjan) of the graph given by `vertices` and
 * `successors`. Returns components with more than one vertex, plus single vertices with a
 * self-loop when `keepSelfLoops` (sequential-extension graphs can have those).
 */
export function stronglyConnected(vertices: Iterable<number>, successors: Successors, keepSelfLoops = false): number[][] {
  const index = new Map<number, number>();
  const low = new Map<number, number>();
  const onStack = new Set<number>();
  const stack: number[] = [];
  const out: number[][] = [];
  let counter = 0;
  for (const root of vertices) {
    if (index.has(root)) continue;
    const work: Array<{ v: number; it: Iterator<number> }> = [];
    const enter = (v: number): void => {
      index.set(v, counter);
      low.set(v, counter++);
      stack.push(v);
      onStack.add(v);
      work.push({ v, it: successors(v)[Symbol.iterator]() });
    };
    enter(root);
    while (work.length > 0) {
      const top = work[work.length - 1] as { v: number; it: Iterator<number> };
      const step = top.it.next();
      if (!step.done) {
        const w = step.value;
        if (!index.has(w)) enter(w);
        else if (onStack.has(w)) low.set(top.v, Math.min(low.get(top.v) as number, index.get(w) as number));
        continue;
      }
      work.pop();
      const parent = work[work.length - 1];
      if (parent !== undefined) low.set(parent.v, Math.min(low.get(parent.v) as number, low.get(top.v) as number));
      if (low.get(top.v) === index.get(top.v)) {
        const comp: number[] = [];
        let w: number;
        do {
          w = stack.pop() as number;
          onStack.delete(w);
          comp.push(w);
        } while (w !== top.v);
        if (comp.length > 1 || (keepSelfLoops && [...successors(top.v)].includes(top.v))) out.push(comp.sort((a, b) => a - b));
      }
    }
  }
  return out;
}

/** When each transaction began and ended, in history positions (ended = +∞ if it never did). */
export interface TxnSpan {
  readonly process: number | string | null;
  readonly invokeIndex: number;
  readonly completeIndex: number;
  /** Only ok transactions precede others in real time; crashed ones never completed. */
  readonly ok: boolean;
}

/**
 * Adds realtime edges: T1 → T2 when T1 completed (ok) before T2 was invoked. Only a transitive
 * reduction is linked (as Elle does): each invocation links from the current frontier of
 * completed transactions, and a completion retires the frontier its own invocation saw.
 */
export function linkRealtime(g: TxnGraph, spans: readonly TxnSpan[]): void {
  type Ev = { at: number; txn: number; invoke: boolean };
  const events: Ev[] = [];
  spans.forEach((s, txn) => {
    events.push({ at: s.invokeIndex, txn, invoke: true });
    if (s.ok && Number.isFinite(s.completeIndex)) events.push({ at: s.completeIndex, txn, invoke: false });
  });
  events.sort((a, b) => a.at - b.at || Number(a.invoke) - Number(b.invoke));
  let frontier = new Set<number>();
  const seenAtInvoke = new Map<number, Set<number>>();
  for (const ev of events) {
    if (ev.invoke) {
      for (const p of frontier) g.link(p, ev.txn, Rel.realtime);
      seenAtInvoke.set(ev.txn, frontier);
    } else {
      const seen = seenAtInvoke.get(ev.txn) ?? new Set<number>();
      frontier = new Set([...frontier].filter((t) => !seen.has(t)));
      frontier.add(ev.txn);
    }
  }
}

/** Adds process edges: each transaction of a process to that process's next one. */
export function linkProcess(g: TxnGraph, spans: readonly TxnSpan[]): void {
  const last = new Map<number | string | null, number>();
  const order = spans.map((s, i) => ({ s, i })).sort((a, b) => a.s.invokeIndex - b.s.invokeIndex);
  for (const { s, i } of order) {
    const prior = last.get(s.process);
    if (prior !== undefined) g.link(prior, i, Rel.process);
    last.set(s.process, i);
  }
}
