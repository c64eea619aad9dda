/**
 * The faults a nemesis can inject, as plain data: a schedule is a list of these with start and
 * end times, and the history records them (process "nemesis") so the report can draw them.
 */
import type { NodeNumber } from '../harness/names.js';

/** Node → the nodes whose packets it drops (Jepsen's "grudge"). */
export type Grudge = Readonly<Record<number, readonly NodeNumber[]>>;

/** The partition shapes of Jepsen's `nemesis.combined`. */
export type PartitionShape = 'halves' | 'isolate' | 'ring' | 'one-way';

/** One fault, applied at a window's start and healed at its end. */
export type Fault =
  | { readonly kind: 'partition'; readonly shape: PartitionShape; readonly grudge: Grudge }
  | { readonly kind: 'loss'; readonly nodes: readonly NodeNumber[]; readonly probability: number }
  | { readonly kind: 'kill'; readonly nodes: readonly NodeNumber[] }
  | { readonly kind: 'pause'; readonly nodes: readonly NodeNumber[] }
  | { readonly kind: 'clock'; readonly nodes: readonly NodeNumber[]; readonly specs: readonly string[] }
  | { readonly kind: 'latency'; readonly nodes: readonly NodeNumber[]; readonly delayMs: number };

/** Names accepted by `--nemesis`. */
export type FaultKind = Fault['kind'];

/** Every fault kind, in the order `--nemesis all` lists them. */
export const faultKinds: readonly FaultKind[] = ['partition', 'loss', 'kill', 'pause', 'clock', 'latency'];

/** A fault active over [startMs, endMs) of the run (ms since the run began). */
export interface NemesisWindow {
  readonly startMs: number;
  readonly endMs: number;
  readonly fault: Fault;
}

/** Parses `partition,kill` (or `all`, or `none`) into fault kinds; throws on an unknown name. */
export function parseFaultKinds(text: string): FaultKind[] {
  if (text === 'none' || text === '') return [];
  if (text === 'all') return [...faultKinds];
  return text.split(',').map((name) => {
    const kind = faultKinds.find((k) => k === name.trim());
    if (kind === undefined) throw new Error(`unknown nemesis '${name}' (known: ${faultKinds.join(', ')})`);
    return kind;
  });
}

/** A one-line description of a fault, for logs and the report. */
export function describeFault(fault: Fault): string {
  switch (fault.kind) {
    case 'partition': return `partition ${fault.shape} ${JSON.stringify(fault.grudge)}`;
    case 'loss': return `loss p=${fault.probability} on n${fault.nodes.join(',n')}`;
    case 'kill': return `kill -9 n${fault.nodes.join(',n')}`;
    case 'pause': return `pause n${fault.nodes.join(',n')}`;
    case 'clock': return `clock ${fault.nodes.map((n, i) => `n${n}:${fault.specs[i] ?? '?'}`).join(' ')}`;
    case 'latency': return `latency +${fault.delayMs}ms to n${fault.nodes.join(',n')}`;
  }
}
