/**
 * Consistency models and the anomalies they rule out, as data, after Elle's
 * `elle.consistency-model` (Adya; Adya, Liskov & O'Neil; Bailis et al.; Cerone et al.;
 * Daudjee & Salem). Three graphs: which anomalies imply which, which models imply which, and
 * which anomalies each model directly proscribes. From them: the anomalies a set of claimed
 * models prohibits, and the weakest models a set of found anomalies rules out (`boundary`).
 * Differences from Elle's file are marked "Atoll:".
 */
type Dag = Readonly<Record<string, readonly string[]>>;

/** a → b: anomaly a implies anomaly b. */
const impliedAnomalies: Dag = {
  'G0': ['G1c', 'G0-process'],
  'G0-process': ['G1c-process', 'G0-realtime'],
  'G0-realtime': ['G1c-realtime'],
  'G1a': ['G1'],
  'G1b': ['G1'],
  'G1c': ['G1', 'G1c-process'],
  'G1c-process': ['G1c-realtime', 'G1-process'],
  'G1c-realtime': ['G1-realtime'],
  'G1': ['G1-process'],
  'G1-process': ['G1-realtime'],
  'G-single-item': ['G-single', 'G-single-item-process', 'G-nonadjacent-item'],
  'G-single-item-process': ['G-single-process', 'G-single-item-realtime', 'G-nonadjacent-item-process'],
  'G-single-item-realtime': ['G-single-realtime', 'G-nonadjacent-item-realtime'],
  'G-single': ['G-nonadjacent', 'GSIb', 'G-single-process'],
  'G-single-process': ['G-nonadjacent-process', 'G-single-realtime'],
  'G-single-realtime': ['G-nonadjacent-realtime'],
  'G-nonadjacent-item': ['G-nonadjacent', 'G2-item', 'G-nonadjacent-item-process'],
  'G-nonadjacent-item-process': ['G-nonadjacent-process', 'G2-item-process', 'G-nonadjacent-item-realtime'],
  'G-nonadjacent-item-realtime': ['G2-item-realtime', 'G-nonadjacent-realtime'],
  'G-nonadjacent': ['G2', 'G-nonadjacent-process'],
  'G-nonadjacent-process': ['G2-process', 'G-nonadjacent-realtime'],
  'G-nonadjacent-realtime': ['G2-realtime'],
  'G2': ['G2-process'],
  'G2-item': ['G2', 'G2-item-process'],
  'G2-item-process': ['G2-process', 'G2-item-realtime'],
  'G2-item-realtime': ['G2-realtime'],
  'G2-process': ['G2-realtime'],
  'GSIa': ['GSI'],
  'GSIb': ['GSI'],
  'incompatible-order': ['G1a'],
  'future-read': ['G1c'],
  'dirty-update': ['G1a'],
  'lost-update': ['write-skew', 'G2-item'],
  'write-skew': ['G2'],
};

/** Friendly model name → canonical (Adya) name. */
const canonicalNames: Readonly<Record<string, string>> = {
  'consistent-view': 'PL-2+',
  'conflict-serializable': 'PL-3',
  'cursor-stability': 'PL-CS',
  'forward-consistent-view': 'PL-FCV',
  'monotonic-snapshot-read': 'PL-MSR',
  'monotonic-view': 'PL-2L',
  'read-committed': 'PL-2',
  'read-uncommitted': 'PL-1',
  'repeatable-read': 'PL-2.99',
  'serializable': 'PL-3',
  'snapshot-isolation': 'PL-SI',
  'strict-serializable': 'PL-SS',
  'strong-serializable': 'PL-SS',
  'update-serializable': 'PL-3U',
  'strong-session-read-uncommitted': 'strong-session-PL-1',
  'strong-session-read-committed': 'strong-session-PL-2',
  'strong-read-uncommitted': 'strong-PL-1',
  'strong-read-committed': 'strong-PL-2',
};

const friendlyNames: Readonly<Record<string, string>> = Object.fromEntries([
  ...Object.entries(canonicalNames).filter(([f]) => f !== 'strong-serializable' && f !== 'conflict-serializable').map(([f, c]) => [c, f]),
  ['PL-3', 'serializable'],
]);

/** a → b: a history satisfying model a satisfies model b (friendly or canonical names). */
const modelsFriendly: Dag = {
  'causal-cerone': ['read-atomic'],
  'consistent-view': ['cursor-stability', 'monotonic-view'],
  'conflict-serializable': ['view-serializable'],
  'cursor-stability': ['read-committed', 'PL-2'],
  'forward-consistent-view': ['consistent-view'],
  'PL-2': ['PL-1'],
  'PL-3': ['repeatable-read', 'update-serializable'],
  'update-serializable': ['forward-consistent-view'],
  'monotonic-atomic-view': ['read-committed'],
  'monotonic-view': ['PL-2'],
  'monotonic-snapshot-read': ['PL-2'],
  'parallel-snapshot-isolation': ['causal-cerone', 'ROLA'],
  'prefix': ['causal-cerone'],
  'read-atomic': ['monotonic-atomic-view'],
  'read-committed': ['read-uncommitted'],
  'repeatable-read': ['cursor-stability', 'monotonic-atomic-view'],
  // Atoll: newer Elle moved lost update from ROLA to its own `update-atomic` model.
  'ROLA': ['read-atomic', 'update-atomic'],
  'serializable': ['repeatable-read', 'snapshot-isolation', 'view-serializable'],
  'session-serializable': ['1SR'],
  'snapshot-isolation': ['forward-consistent-view', 'monotonic-atomic-view', 'monotonic-snapshot-read', 'parallel-snapshot-isolation', 'prefix'],
  'strict-serializable': ['PL-3', 'serializable', 'linearizable', 'snapshot-isolation', 'strong-snapshot-isolation', 'strong-session-serializable'],
  'strong-session-PL-1': ['PL-1'],
  'strong-session-PL-2': ['PL-2', 'strong-session-PL-1'],
  'strong-PL-1': ['strong-session-PL-1'],
  'strong-PL-2': ['strong-session-PL-2', 'strong-PL-1'],
  'strong-session-serializable': ['serializable', 'strong-session-snapshot-isolation'],
  'strong-session-snapshot-isolation': ['snapshot-isolation', 'strong-session-PL-2'],
  'strong-serializable': ['session-serializable'],
  'strong-snapshot-isolation': ['strong-session-snapshot-isolation', 'strong-PL-2'],
  'linearizable': ['sequential'],
  'sequential': ['causal'],
  'causal': ['writes-follow-reads', 'PRAM'],
  'PRAM': ['monotonic-reads', 'monotonic-writes', 'read-your-writes'],
};

/** Model → anomalies it directly proscribes (beyond those of the models it implies). */
const proscribedFriendly: Dag = {
  'causal-cerone': ['internal', 'G1a'],
  'cursor-stability': ['G1', 'G-cursor', 'lost-update'],
  'monotonic-view': ['G1', 'G-monotonic'],
  'monotonic-snapshot-read': ['G1', 'G-MSR'],
  'consistent-view': ['G1', 'G-single'],
  'forward-consistent-view': ['G1', 'G-SIb'],
  'parallel-snapshot-isolation': ['internal', 'G1a'],
  'PL-3': ['G1', 'G2', 'predicate-read-miss', 'PL-3-cycle-exists'],
  'PL-2': ['G1', 'PL-2-cycle-exists'],
  'PL-1': ['G0', 'duplicate-elements', 'cyclic-versions', 'PL-1-cycle-exists'],
  'prefix': ['internal', 'G1a'],
  'serializable': ['internal'],
  'snapshot-isolation': ['internal', 'G1', 'G-SI', 'G-nonadjacent', 'PL-SI-cycle-exists'],
  'read-atomic': ['internal', 'G1a', 'future-read'],
  'repeatable-read': ['G1', 'G2-item', 'PL-2.99-cycle-exists', 'lost-update'],
  'update-atomic': ['lost-update'],
  'strict-serializable': ['G1', 'G1c-realtime', 'G2-realtime', 'PL-SS-cycle-exists'],
  'strong-session-PL-1': ['strong-session-PL-1-cycle-exists', 'G0-process'],
  'strong-session-PL-2': ['strong-session-PL-2-cycle-exists', 'G1c-process'],
  'strong-PL-1': ['strong-PL-1-cycle-exists', 'G0-realtime'],
  'strong-PL-2': ['strong-PL-2-cycle-exists', 'G1c-realtime'],
  'strong-session-snapshot-isolation': ['internal', 'G1-process', 'G-nonadjacent-process', 'strong-session-snapshot-isolation-cycle-exists'],
  'strong-snapshot-isolation': ['internal', 'G1-realtime', 'G-nonadjacent-realtime', 'strong-snapshot-isolation-cycle-exists'],
  'strong-session-serializable': ['G1-process', 'G2-process', 'strong-session-serializable-cycle-exists'],
  'update-serializable': ['G1', 'G-update'],
};

/** Severity edges (not implications) that order the cycle search, worst first. */
const severity: Dag = {
  'G0': ['G1c'], 'G0-process': ['G1c-process'], 'G0-realtime': ['G1c-realtime'],
  'G1c': ['G-single', 'G2-item'], 'G1c-process': ['G-single-process', 'G2-item-process'],
  'G1c-realtime': ['G-single-realtime', 'G2-item-realtime'],
  'G2': ['G0-process'], 'G2-process': ['G0-realtime'],
};

/** The canonical (Adya) name of a model. */
export function canonicalModel(m: string): string {
  return canonicalNames[m] ?? m;
}

/** The friendly name of a model. */
export function friendlyModel(m: string): string {
  return friendlyNames[m] ?? m;
}

function canonicalDag(d: Dag): Map<string, string[]> {
  const out = new Map<string, string[]>();
  for (const [a, bs] of Object.entries(d)) {
    const list = out.get(canonicalModel(a)) ?? [];
    list.push(...bs.map(canonicalModel));
    out.set(canonicalModel(a), list);
  }
  return out;
}

function reverse(g: Map<string, string[]>): Map<string, string[]> {
  const out = new Map<string, string[]>();
  for (const [a, bs] of g) for (const b of bs) out.set(b, [...(out.get(b) ?? []), a]);
  return out;
}

const impliedOut = new Map(Object.entries(impliedAnomalies).map(([a, b]) => [a, [...b]]));
const impliedIn = reverse(impliedOut);
const modelsOut = canonicalDag(modelsFriendly);
const modelsIn = reverse(modelsOut);
const proscribedOut = new Map<string, string[]>();
// Keys are models (canonicalized, merging e.g. `serializable` into `PL-3`); values are anomalies.
for (const [m, as] of Object.entries(proscribedFriendly)) proscribedOut.set(canonicalModel(m), [...(proscribedOut.get(canonicalModel(m)) ?? []), ...as]);
const proscribedIn = reverse(proscribedOut);

function reach(g: Map<string, string[]>, start: Iterable<string>): Set<string> {
  const seen = new Set<string>(start);
  const queue = [...seen];
  while (queue.length > 0) {
    for (const n of g.get(queue.pop() as string) ?? []) {
      if (!seen.has(n)) {
        seen.add(n);
        queue.push(n);
      }
    }
  }
  return seen;
}

/** Every anomaly implied by `anomalies` (including themselves). */
export function allImpliedAnomalies(anomalies: Iterable<string>): Set<string> {
  return reach(impliedOut, anomalies);
}

/** Every anomaly that implies one of `anomalies` (including themselves). */
export function allAnomaliesImplying(anomalies: Iterable<string>): Set<string> {
  return reach(impliedIn, anomalies);
}

/** Every model at least as strong as one of `impossible` (canonical names). */
export function allImpossibleModels(impossible: Iterable<string>): Set<string> {
  return reach(modelsIn, [...impossible].map(canonicalModel));
}

/** The anomalies that must be absent for all of `models` to hold. */
export function anomaliesProhibitedBy(models: Iterable<string>): Set<string> {
  const implied = reach(modelsOut, [...models].map(canonicalModel));
  const direct = [...implied].flatMap((m) => proscribedOut.get(m) ?? []);
  return allAnomaliesImplying(direct);
}

/** The models (canonical names) that cannot hold given `anomalies`. */
export function anomaliesToImpossibleModels(anomalies: Iterable<string>): Set<string> {
  const direct = [...allImpliedAnomalies(anomalies)].flatMap((a) => proscribedIn.get(a) ?? []);
  return allImpossibleModels(direct);
}

/** The weakest models ruled out (`not`) and the stronger ones also ruled out (`alsoNot`). */
export function boundary(anomalies: Iterable<string>): { not: string[]; alsoNot: string[] } {
  const impossible = anomaliesToImpossibleModels(anomalies);
  const weakest = [...impossible].filter((m) => {
    const below = reach(modelsOut, [m]);
    below.delete(m);
    return ![...below].some((b) => impossible.has(b));
  });
  const not = new Set(weakest);
  return {
    not: weakest.map(friendlyModel).sort(),
    alsoNot: [...impossible].filter((m) => !not.has(m)).map(friendlyModel).sort(),
  };
}

/** Depth of each anomaly in the implication+severity order (0 = implied by nothing). */
export function anomalyDepth(anomaly: string): number {
  return depths.get(anomaly) ?? 0;
}

const depths: Map<string, number> = (() => {
  const g = new Map(impliedOut);
  for (const [a, bs] of Object.entries(severity)) g.set(a, [...(g.get(a) ?? []), ...bs]);
  const memo = new Map<string, number>();
  const incoming = reverse(g);
  const depthOf = (a: string): number => {
    const known = memo.get(a);
    if (known !== undefined) return known;
    const d = Math.max(-1, ...(incoming.get(a) ?? []).map(depthOf)) + 1;
    memo.set(a, d);
    return d;
  };
  for (const a of [...g.keys(), ...incoming.keys()]) depthOf(a);
  return memo;
})();

/** All known consistency-model names (friendly and canonical). */
export function isKnownModel(m: string): boolean {
  const c = canonicalModel(m);
  return modelsOut.has(c) || modelsIn.has(c) || proscribedOut.has(c);
}
