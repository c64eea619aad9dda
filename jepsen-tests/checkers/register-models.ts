/**
 * Sequential models for the linearizability checker, after knossos' `knossos.model` and
 * porcupine's test models. Each turns a completed history op into a model input
 * (`toInput`, or null to drop an op that constrains nothing) and steps a state.
 */
import type { Plain } from '../history/edn.js';
import type { CompletedOp } from '../history/op.js';
import { plainEqual, plainKey } from './check-result.js';
import type { Model } from './wgl-search.js';

/** A model input: the op's function and value, and whether its outcome is known. */
export interface RegisterInput {
  readonly f: string;
  readonly value: Plain;
  /** False for crashed (`info`) ops: they may have had no effect. */
  readonly known: boolean;
}

/** A model plus how history ops become its inputs. */
export interface HistoryModel<S> extends Model<S, RegisterInput> {
  /** The input for `op`, or null when the op cannot constrain the search (e.g. a crashed read). */
  toInput(op: CompletedOp): RegisterInput | null;
}

/** Options of the read/write/cas register. */
export interface CasRegisterOptions {
  /** Initial value; knossos' `(cas-register 0)` starts at 0, porcupine's etcd tests at nil. */
  readonly initial: Plain;
  /**
   * Knossos reads: a read that returned nil tells nothing (it matches any state). Porcupine's
   * etcd reads: nil means the key does not exist, i.e. the register still holds `initial` nil.
   */
  readonly nilReadMatchesAny: boolean;
  /**
   * Jepsen drops failed ops (they did not happen). Porcupine's etcd model instead treats a
   * failed cas as one that happened and found a different value; set true for those logs.
   */
  readonly failedCasObservesMismatch: boolean;
}

/** A read/write/compare-and-set register (knossos `cas-register`, porcupine's etcd model). */
export function casRegister(opts: Partial<CasRegisterOptions> = {}): HistoryModel<Plain> {
  const o: CasRegisterOptions = { initial: null, nilReadMatchesAny: true, failedCasObservesMismatch: false, ...opts };
  return {
    name: 'cas-register',
    init: () => o.initial,
    key: plainKey,
    toInput: (op) => {
      if (op.type === 'fail') return op.f === 'cas' && o.failedCasObservesMismatch ? { f: 'cas-failed', value: op.value, known: true } : null;
      if (op.f === 'read' && (op.type !== 'ok' || (op.value === null && o.nilReadMatchesAny))) return null;
      return { f: op.f, value: op.value, known: op.type === 'ok' };
    },
    step: (state, input) => {
      switch (input.f) {
        case 'read': return plainEqual(state, input.value) ? state : undefined;
        case 'write': return input.value;
        case 'cas': {
          const [from, to] = pair(input.value);
          if (plainEqual(state, from)) return to;
          return input.known ? undefined : state;
        }
        case 'cas-failed': return plainEqual(state, pair(input.value)[0]) ? undefined : state;
        default: return undefined;
      }
    },
  };
}

/** Porcupine's key-value model, one register per key: get / put / append on strings. */
export function kvRegister(initial = ''): HistoryModel<string> {
  return {
    name: 'kv-register',
    init: () => initial,
    key: (s) => s,
    toInput: (op) => {
      if (op.type === 'fail' || (op.f === 'get' && op.type !== 'ok')) return null;
      return { f: op.f, value: op.value, known: op.type === 'ok' };
    },
    step: (state, input) => {
      const v = typeof input.value === 'string' ? input.value : '';
      switch (input.f) {
        case 'get': return input.value === null || v === state ? state : undefined;
        case 'put': return v;
        case 'append': return state + v;
        default: return undefined;
      }
    },
  };
}

/** Knossos' mutex: acquire when free, release when held. */
export function mutex(): HistoryModel<boolean> {
  return {
    name: 'mutex',
    init: () => false,
    key: (held) => (held ? '1' : '0'),
    toInput: (op) => (op.type === 'fail' ? null : { f: op.f, value: null, known: op.type === 'ok' }),
    step: (held, input) => {
      if (input.f === 'acquire') return held ? (input.known ? undefined : held) : true;
      if (input.f === 'release') return held ? false : input.known ? undefined : held;
      return undefined;
    },
  };
}

/**
 * Knossos' multi-register: each op is a transaction `[[:read k v] [:write k v] …]` applied
 * atomically to a map of registers; a read of nil matches anything.
 */
export function multiRegister(initial: Record<string, Plain>): HistoryModel<Record<string, Plain>> {
  return {
    name: 'multi-register',
    init: () => ({ ...initial }),
    key: plainKey,
    toInput: (op) => (op.type === 'fail' ? null : { f: op.f, value: op.value, known: op.type === 'ok' }),
    step: (state, input) => {
      const mops = Array.isArray(input.value) ? input.value : [];
      let next = state;
      for (const mop of mops) {
        const [f, k, v] = Array.isArray(mop) ? mop : [];
        const key = String(k);
        if (f === 'write' || f === 'w') {
          next = { ...next, [key]: (v ?? null) as Plain };
        } else if ((f === 'read' || f === 'r') && v !== null && v !== undefined && !plainEqual(next[key] ?? null, v)) {
          return input.known ? undefined : state;
        }
      }
      return next;
    },
  };
}

function pair(v: Plain): [Plain, Plain] {
  return Array.isArray(v) ? [v[0] ?? null, v[1] ?? null] : [null, null];
}
