/**
 * The part of an Elle-style check shared by list-append and rw-register: given the transaction
 * graph, find cycle anomalies component by component (Tarjan SCCs), first proving which
 * consistency models' subgraphs are cyclic at all ("…-cycle-exists"), which rules whole
 * families of searches out; then turn all anomalies into a verdict for the claimed models.
 */
import {
  allAnomaliesImplying,
  allImpliedAnomalies,
  allImpossibleModels,
  anomaliesProhibitedBy,
  anomaliesToImpossibleModels,
  boundary,
  canonicalModel,
  friendlyModel,
  isKnownModel,
} from './consistency-models.js';
import { assert } from '../../src/base/assert.js';
import { cycleSpecs, cycleTypes, fallbackCycle, findCycle, type ExplainedCycle, type SearchBudget } from './cycle-search.js';
import type { CheckResult, Validity } from './check-result.js';
import { Rel, projected, stronglyConnected, type Successors, type TxnGraph } from './txn-graph.js';

/** Options common to the transactional checkers. */
export interface ElleOptions {
  /** Models the history should satisfy; default ['strict-serializable'] (as Elle). */
  readonly consistencyModels?: readonly string[];
  /** Further anomalies to treat as failures. */
  readonly anomalies?: readonly string[];
  /** Search effort per strongly connected component, in edge relaxations. */
  readonly cycleSearchBudget?: number;
}

/** Default search effort per component; exceeding it reports `cycle-search-timeout`. */
export const cycleSearchBudgetDefault = 3_000_000;

type SubgraphSpec = { kind: 'union'; rels: number } | { kind: 'extension'; rels: number };

/** Models whose subgraph must be acyclic if they hold (Elle's cycle-exists specs), in order. */
const cycleExistsSpecs: ReadonlyArray<{ model: string; subgraph: SubgraphSpec }> = [
  { model: 'PL-1', subgraph: { kind: 'union', rels: Rel.ww } },
  { model: 'PL-2', subgraph: { kind: 'union', rels: Rel.ww | Rel.wr } },
  { model: 'PL-SI', subgraph: { kind: 'extension', rels: Rel.ww | Rel.wr } },
  { model: 'PL-3', subgraph: { kind: 'union', rels: Rel.ww | Rel.wr | Rel.rw } },
  { model: 'strong-session-PL-1', subgraph: { kind: 'union', rels: Rel.ww | Rel.process } },
  { model: 'strong-session-PL-2', subgraph: { kind: 'union', rels: Rel.ww | Rel.wr | Rel.process } },
  { model: 'strong-session-snapshot-isolation', subgraph: { kind: 'extension', rels: Rel.ww | Rel.wr | Rel.process } },
  { model: 'strong-session-serializable', subgraph: { kind: 'union', rels: Rel.ww | Rel.wr | Rel.rw | Rel.process } },
  { model: 'strong-PL-1', subgraph: { kind: 'union', rels: Rel.ww | Rel.realtime } },
  { model: 'strong-PL-2', subgraph: { kind: 'union', rels: Rel.ww | Rel.wr | Rel.realtime } },
  { model: 'strong-snapshot-isolation', subgraph: { kind: 'extension', rels: Rel.ww | Rel.wr | Rel.realtime } },
  { model: 'PL-SS', subgraph: { kind: 'union', rels: Rel.ww | Rel.wr | Rel.rw | Rel.realtime } },
];

const cycleExistsTypes = new Map(cycleExistsSpecs.map((s) => [`${s.model}-cycle-exists`, s.model]));

/** Anomalies that make a verdict 'unknown' rather than false. */
const unknownAnomalyTypes = new Set(['empty-transaction-graph', 'cycle-search-timeout']);

/** The anomaly types that fail the check under `opts`. */
export function prohibitedAnomalyTypes(opts: ElleOptions): Set<string> {
  const models = opts.consistencyModels ?? ['strict-serializable'];
  for (const m of models) assert(isKnownModel(m), `unknown consistency model ${m}`);
  return new Set([...allAnomaliesImplying(opts.anomalies ?? []), ...anomaliesProhibitedBy(models)]);
}

/** Which order edges the graph needs: realtime if any realtime anomaly is reportable, else process. */
export function neededOrderRels(opts: ElleOptions): number {
  const reportable = prohibitedAnomalyTypes(opts);
  if ([...reportable].some((a) => a.endsWith('-realtime'))) return Rel.realtime;
  if ([...reportable].some((a) => a.endsWith('-process'))) return Rel.process;
  return 0;
}

/** Finds cycle anomalies in every component of `g`; describes each transaction with `describe`. */
export function cycleAnomalies(g: TxnGraph, opts: ElleOptions, describe: (txn: number) => unknown): Record<string, unknown[]> {
  const out: Record<string, unknown[]> = {};
  const all = Array.from({ length: g.size }, (_, i) => i);
  for (const scc of stronglyConnected(all, projected(g, 31))) {
    for (const c of casesInComponent(g, scc, opts.cycleSearchBudget ?? cycleSearchBudgetDefault)) {
      (out[c.type] ??= []).push(renderCase(c, describe));
    }
  }
  return out;
}

type Case = ExplainedCycle | { type: string; [k: string]: unknown };

function renderCase(c: Case, describe: (txn: number) => unknown): unknown {
  if (!('steps' in c) || !Array.isArray(c.steps)) return c;
  const e = c as ExplainedCycle;
  return { type: e.type, cycle: e.cycle.map(describe), steps: e.steps.map((s) => ({ rel: s.rel, from: s.from, to: s.to })) };
}

function casesInComponent(g: TxnGraph, scc: readonly number[], budgetMax: number): Case[] {
  const exists = cycleExistsCases(g, scc);
  const redundant = impossibleCycleAnomalies(exists.map((e) => e['not'] as string));
  const budget: SearchBudget = { left: budgetMax };
  const cycles: Case[] = [];
  for (const spec of cycleSpecs) {
    if (redundant.has(spec.name)) continue;
    const found = findCycle(g, scc, spec, budget);
    if (found === 'timeout') {
      cycles.push({ type: 'cycle-search-timeout', anomalySpecType: spec.name, sccSize: scc.length }, fallbackCycle(g, scc));
      break;
    }
    if (found === null) continue;
    cycles.push(found);
    for (const a of allImpliedAnomalies([spec.name])) redundant.add(a);
  }
  return [...exists, ...cycles];
}

function cycleExistsCases(g: TxnGraph, scc: readonly number[]): Array<{ type: string; [k: string]: unknown }> {
  const inScc = new Set(scc);
  const redundant = new Set<string>();
  const cases: Array<{ type: string; [k: string]: unknown }> = [];
  for (const { model, subgraph } of cycleExistsSpecs) {
    if (redundant.has(model)) continue;
    const succ = subgraph.kind === 'union' ? projected(g, subgraph.rels, inScc) : extension(g, subgraph.rels, inScc);
    const comps = stronglyConnected(scc, succ, subgraph.kind === 'extension');
    if (comps.length === 0) continue;
    const smallest = Math.min(...comps.map((c) => c.length));
    cases.push({ type: `${model}-cycle-exists`, not: friendlyModel(model), sccSize: smallest });
    for (const m of allImpossibleModels([model])) redundant.add(m);
  }
  return cases;
}

/** Successors in the sequential extension of `rels` by one rw edge: E ∪ E;rw. */
function extension(g: TxnGraph, rels: number, within: ReadonlySet<number>): Successors {
  const first = projected(g, rels, within);
  const rw = projected(g, Rel.rw, within);
  return (v: number): Iterable<number> => {
    const out = new Set<number>(first(v));
    for (const b of first(v)) for (const c of rw(b)) out.add(c);
    return out;
  };
}

/** Cycle anomalies that cannot exist because no model forbidding them had a cyclic subgraph. */
function impossibleCycleAnomalies(impossibleModelNames: readonly string[]): Set<string> {
  const impossible = allImpossibleModels(impossibleModelNames);
  const possible = cycleExistsSpecs.map((s) => s.model).filter((m) => !impossible.has(canonicalModel(m)));
  const prohibited = anomaliesProhibitedBy(possible);
  return new Set([...cycleTypes].filter((t) => prohibited.has(t)));
}

/** Drops "…-cycle-exists" anomalies whose model another found anomaly already rules out. */
function removeRedundantCycleExists(anomalies: Record<string, unknown[]>): Record<string, unknown[]> {
  const others = Object.keys(anomalies).filter((t) => !cycleExistsTypes.has(t));
  const impossible = anomaliesToImpossibleModels(others);
  return Object.fromEntries(Object.entries(anomalies).filter(([t]) => !impossible.has(cycleExistsTypes.get(t) ?? '')));
}

/** Details of a transactional check. */
export interface ElleDetails {
  /** Weakest consistency models the anomalies rule out. */
  readonly not: readonly string[];
  /** Stronger models also ruled out. */
  readonly alsoNot: readonly string[];
  /** Every anomaly found, including ones the claimed models allow. */
  readonly allAnomalyTypes: readonly string[];
  readonly txnCount: number;
  readonly edgeCount: number;
}

/** Turns all anomalies found into a verdict for `opts` (Elle's result-map). */
export function elleResult(opts: ElleOptions, anomalies: Record<string, unknown[]>, g: TxnGraph): CheckResult<ElleDetails> {
  const prohibited = prohibitedAnomalyTypes(opts);
  const reportable = new Set([...prohibited, ...unknownAnomalyTypes]);
  const pick = (keep: Set<string>): Record<string, unknown[]> => Object.fromEntries(Object.entries(anomalies).filter(([t]) => keep.has(t)));
  const bad = pick(prohibited);
  const shown = removeRedundantCycleExists(pick(reportable));
  // As Elle: a history with nothing to report gets no model boundary.
  const b = Object.keys(shown).length === 0 ? { not: [], alsoNot: [] } : boundary(Object.keys(anomalies));
  const details: ElleDetails = { ...b, allAnomalyTypes: Object.keys(anomalies).sort(), txnCount: g.size, edgeCount: g.edgeCount };
  let valid: Validity = true;
  if (Object.keys(bad).length > 0) valid = false;
  else if (Object.keys(shown).length > 0) valid = 'unknown';
  return { valid, anomalies: shown, details };
}
