/**
 * Records a run's history as it happens: every client operation's invocation and completion
 * (ok / fail / info), and the nemesis's fault windows (process "nemesis"). Each event carries
 * nanoseconds since the run began (`time`, monotonic), the wall clock (`wallMs`), and where
 * known the node it went to and the commit timestamp the server reported.
 */
import type { Plain } from '../history/edn.js';
import { normalizeHistory, type Op, type OpType } from '../history/op.js';
import { assert } from '../../src/base/assert.js';

/** A history event as the harness writes it (an `Op` plus harness fields). */
export interface HarnessOp extends Op {
  /** Wall-clock milliseconds since the epoch, on the harness's (unfaked) clock. */
  readonly wallMs: number;
  /** Which workload issued it (several may share a run). */
  readonly workload?: string;
  /** Node the client was connected to. */
  readonly node?: number;
  /** `@@atoll_last_commit_ts` after a committed write, when the server reports it. */
  readonly commitTs?: string;
}

/** What a client passes when an operation starts. */
export interface InvokeSpec {
  readonly process: number;
  readonly f: string;
  readonly value: Plain;
  readonly key?: Plain;
  readonly workload?: string;
  readonly node?: number;
}

/** A started operation, to be completed once. */
export interface OpenOp {
  readonly spec: InvokeSpec;
  readonly invokeIndex: number;
  completed: boolean;
}

/** Appends events in the order they happen. */
export class HistoryRecorder {
  private readonly events: HarnessOp[] = [];
  private readonly startMs = performance.now();

  /** Records an invocation. */
  invoke(spec: InvokeSpec): OpenOp {
    const invokeIndex = this.push({ ...spec, type: 'invoke' });
    return { spec, invokeIndex, completed: false };
  }

  /** Records the completion of `open`. */
  complete(open: OpenOp, type: Exclude<OpType, 'invoke'>, extra: { value?: Plain; error?: string; commitTs?: string } = {}): void {
    assert(!open.completed, 'an operation completes once');
    open.completed = true;
    const { spec } = open;
    this.push({
      ...spec,
      type,
      value: extra.value === undefined ? spec.value : extra.value,
      ...(extra.error === undefined ? {} : { error: extra.error }),
      ...(extra.commitTs === undefined ? {} : { commitTs: extra.commitTs }),
    });
  }

  /** Records a nemesis event (`info`, process "nemesis"), e.g. the start or end of a fault. */
  nemesis(f: 'start' | 'stop', value: Plain): void {
    this.push({ process: 'nemesis', type: 'info', f, value });
  }

  /** Milliseconds since the run began. */
  elapsedMs(): number {
    return performance.now() - this.startMs;
  }

  /** Every event so far, in order, densely indexed. */
  history(): HarnessOp[] {
    return [...this.events];
  }

  private push(e: { process: number | string; type: OpType; f: string; value: Plain; key?: Plain; workload?: string; node?: number; error?: string; commitTs?: string }): number {
    const index = this.events.length;
    const op: HarnessOp = {
      index,
      process: e.process,
      type: e.type,
      f: e.f,
      value: e.value,
      time: Math.round((performance.now() - this.startMs) * 1e6),
      wallMs: Date.now(),
      ...(e.key === undefined ? {} : { key: e.key }),
      ...(e.error === undefined ? {} : { error: e.error }),
      ...(e.workload === undefined ? {} : { workload: e.workload }),
      ...(e.node === undefined ? {} : { node: e.node }),
      ...(e.commitTs === undefined ? {} : { commitTs: e.commitTs }),
    };
    this.events.push(op);
    return index;
  }
}

/** The events of one workload (plus every nemesis event), re-indexed for the checkers. */
export function workloadHistory(history: readonly HarnessOp[], workload: string): HarnessOp[] {
  return normalizeHistory(history.filter((op) => op.workload === workload || op.process === 'nemesis')) as HarnessOp[];
}
