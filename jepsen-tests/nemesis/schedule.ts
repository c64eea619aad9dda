/**
 * A nemesis schedule, as a pure function of a seed: fault windows separated by quiet periods,
 * one fault at a time, each healed when its window ends, and a healed stretch at the end of
 * every run before the final reads. The same seed and options give the same schedule.
 */
import { assert } from '../../src/base/assert.js';
import { SeededRandom, type Random } from '../../src/base/clock.js';
import type { NodeNumber } from '../harness/names.js';
import { randomClockSpec } from './clock.js';
import type { Fault, FaultKind, NemesisWindow, PartitionShape } from './fault.js';
import { grudgeOf } from './partition.js';

/** Options of `buildSchedule`. */
export interface ScheduleOptions {
  readonly kinds: readonly FaultKind[];
  readonly seed: number;
  /** Every node of the cluster (partitions cut between these). */
  readonly nodes: readonly NodeNumber[];
  /** Nodes the clients talk to: process faults, loss and latency hit these. */
  readonly targets: readonly NodeNumber[];
  /** Length of the faulty part of the run; the healed tail comes after it. */
  readonly durationMs: number;
  readonly faultMsMin?: number;
  readonly faultMsMax?: number;
  readonly quietMsMin?: number;
  readonly quietMsMax?: number;
}

/** Builds the fault windows of one run. */
export function buildSchedule(options: ScheduleOptions): NemesisWindow[] {
  assert(options.targets.length > 0, 'at least one target node');
  const random = new SeededRandom(options.seed);
  const kinds = options.kinds.filter((k) => k !== 'partition' || options.nodes.length >= 2);
  const windows: NemesisWindow[] = [];
  if (kinds.length === 0) return windows;
  const between = (lo: number, hi: number): number => lo + random.int(Math.max(1, hi - lo + 1));
  let t = between(options.quietMsMin ?? 1_000, options.quietMsMax ?? 3_000);
  for (;;) {
    const length = between(options.faultMsMin ?? 2_000, options.faultMsMax ?? 6_000);
    if (t + length > options.durationMs) break;
    const kind = kinds[random.int(kinds.length)] as FaultKind;
    windows.push({ startMs: t, endMs: t + length, fault: randomFault(kind, options, random) });
    t += length + between(options.quietMsMin ?? 1_000, options.quietMsMax ?? 3_000);
  }
  return windows;
}

const partitionShapes: readonly PartitionShape[] = ['halves', 'isolate', 'ring', 'one-way'];

/** A fault of `kind` with random parameters. */
export function randomFault(kind: FaultKind, options: Pick<ScheduleOptions, 'nodes' | 'targets'>, random: Random): Fault {
  const someTargets = (): NodeNumber[] => {
    const pool = [...options.targets];
    const count = 1 + random.int(pool.length);
    const out: NodeNumber[] = [];
    while (out.length < count) out.push(pool.splice(random.int(pool.length), 1)[0] as NodeNumber);
    return out.sort((a, b) => a - b);
  };
  switch (kind) {
    case 'partition': {
      const shapes = options.nodes.length >= 3 ? partitionShapes : partitionShapes.filter((s) => s !== 'ring');
      const shape = shapes[random.int(shapes.length)] as PartitionShape;
      return { kind, shape, grudge: grudgeOf(shape, options.nodes, random) };
    }
    case 'loss': return { kind, nodes: someTargets(), probability: [0.05, 0.2, 0.5][random.int(3)] as number };
    case 'kill': return { kind, nodes: someTargets() };
    case 'pause': return { kind, nodes: someTargets() };
    case 'clock': {
      const nodes = someTargets();
      return { kind, nodes, specs: nodes.map(() => randomClockSpec(random, 300_000)) };
    }
    case 'latency': return { kind, nodes: someTargets(), delayMs: [20, 100, 500][random.int(3)] as number };
  }
}
