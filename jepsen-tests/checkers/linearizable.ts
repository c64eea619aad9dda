/**
 * Linearizability checker for register-like histories (read/write/cas registers, key-value
 * registers, mutexes, multi-registers). Linearizability is P-compositional (Herlihy & Wing):
 * a history is linearizable iff each key's sub-history is, so ops are split by key and each
 * part is searched on its own with the WGL algorithm (`wgl-search.ts`). Crashed (`info`) ops
 * may take effect at any time after their invocation, or never. Each part gets a budget of
 * search steps; a part that exhausts it makes the verdict 'unknown' (unless another is invalid).
 */
import type { Op, CompletedOp } from '../history/op.js';
import { pairOps } from '../history/op.js';
import { mergeValidity, plainKey, type CheckResult, type Validity } from './check-result.js';
import type { HistoryModel, RegisterInput } from './register-models.js';
import { wglSearch, type LinearizableOp } from './wgl-search.js';

/** Options of `checkLinearizable`. */
export interface LinearizableOptions<S> {
  readonly model: HistoryModel<S>;
  /**
   * The key an op belongs to, for per-key checking; null puts every op in one part.
   * Default: the op's `key` field when it has one.
   */
  readonly partitionBy?: (op: CompletedOp) => string | null;
  /** Search steps allowed per key before giving up with 'unknown'. */
  readonly stepsMaxPerKey?: number;
}

/** Per-key outcome, reported in `details`. */
export interface KeyOutcome {
  readonly key: string | null;
  readonly opCount: number;
  readonly valid: Validity;
  readonly steps: number;
}

/** Details of a linearizability check. */
export interface LinearizableDetails {
  readonly model: string;
  readonly keys: readonly KeyOutcome[];
}

/** Default search budget per key: about a second or two of search on this machine. */
export const wglStepsMaxDefault = 2_000_000;

/** Checks `history` for linearizability against `opts.model`, key by key. */
export function checkLinearizable<S>(history: readonly Op[], opts: LinearizableOptions<S>): CheckResult<LinearizableDetails> {
  const partitionBy = opts.partitionBy ?? defaultPartition;
  const parts = new Map<string | null, Array<LinearizableOp<RegisterInput> & { op: CompletedOp }>>();
  for (const op of pairOps(history)) {
    const input = opts.model.toInput(op);
    if (input === null) continue;
    const key = partitionBy(op);
    const list = parts.get(key) ?? [];
    list.push({ input, call: op.invokeIndex, ret: input.known ? op.completeIndex : Number.POSITIVE_INFINITY, op });
    parts.set(key, list);
  }
  const { keys, cases } = searchParts(opts.model, parts, opts.stepsMaxPerKey ?? wglStepsMaxDefault);
  const valid = mergeValidity(keys.map((k) => k.valid));
  return { valid, anomalies: cases.length > 0 ? { nonlinearizable: cases } : {}, details: { model: opts.model.name, keys } };
}

type Part = Array<LinearizableOp<RegisterInput> & { op: CompletedOp }>;

/**
 * Searches every key with growing budgets (iterative deepening): a key that is not
 * linearizable usually fails fast, and one failure decides the verdict, so cheap rounds over
 * all keys come before expensive ones. Keys left undecided when a failure is found are
 * reported with valid 'unknown' and the steps spent on them.
 */
function searchParts<S>(model: HistoryModel<S>, parts: Map<string | null, Part>, stepsMax: number): { keys: KeyOutcome[]; cases: unknown[] } {
  const outcomes = new Map<string | null, KeyOutcome>();
  const cases: unknown[] = [];
  // With one key there is nothing to interleave: search it once with the full budget.
  const rounds = parts.size === 1 ? [stepsMax] : [Math.min(20_000, stepsMax), Math.min(200_000, stepsMax), stepsMax];
  const budgets = rounds.filter((b, i, a) => a.indexOf(b) === i);
  for (const budget of budgets) {
    for (const [key, ops] of parts) {
      const prior = outcomes.get(key);
      if (prior !== undefined && prior.valid !== 'unknown') continue;
      const out = wglSearch(model, ops, budget);
      outcomes.set(key, { key, opCount: ops.length, valid: out.valid, steps: out.steps + (prior?.steps ?? 0) });
      if (out.valid === false) {
        cases.push(nonlinearizableCase(key, ops, out.longestPrefix));
        return { keys: [...outcomes.values()], cases };
      }
    }
  }
  return { keys: [...outcomes.values()], cases };
}

function defaultPartition(op: CompletedOp): string | null {
  const key = op.invoke.key;
  return key === undefined ? null : plainKey(key);
}

function nonlinearizableCase(key: string | null, ops: ReadonlyArray<{ op: CompletedOp }>, prefix: readonly number[]): unknown {
  const linearized = new Set(prefix);
  // The first op (by invocation) that the longest linearization could not place.
  const stuck = ops.findIndex((_, i) => !linearized.has(i));
  const describe = (i: number): unknown => {
    const c = (ops[i] as { op: CompletedOp }).op;
    return { process: c.process, f: c.f, value: c.value, type: c.type, invokeIndex: c.invokeIndex };
  };
  return { key, longestLinearizablePrefix: prefix.length, firstUnlinearizedOp: stuck < 0 ? null : describe(stuck) };
}
