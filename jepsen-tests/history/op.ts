/**
 * The history model shared by every checker: a history is an array of operations in the
 * order they happened, Jepsen style. A client's operation shows up twice: an `invoke` when it
 * starts, then a completion when it ends — `ok` (it happened), `fail` (it certainly did not)
 * or `info` (unknown: it may or may not have taken effect, at any time after the invoke).
 * An invoke with no completion at all is treated as `info`.
 */
import type { Plain } from './edn.js';

/** What happened to an operation. */
export type OpType = 'invoke' | 'ok' | 'fail' | 'info';

/** One history event. JSON-lines friendly: every field is plain data. */
export interface Op {
  /** Position in the history, 0-based, dense after `normalizeHistory`. */
  readonly index: number;
  /** Client process (a number); nemesis and other non-client processes are strings. */
  readonly process: number | string | null;
  readonly type: OpType;
  /** Function name, e.g. `read`, `write`, `cas`, `txn`, `add`, `transfer`. */
  readonly f: string;
  readonly value: Plain;
  /** Nanoseconds since the test began, when known. */
  readonly time?: number;
  /** Key of a keyed (independent) operation, e.g. porcupine's key-value histories. */
  readonly key?: Plain;
  /** Error detail of a failed or crashed op, when recorded. */
  readonly error?: Plain;
}

/** An operation from its invocation to its completion. */
export interface CompletedOp {
  readonly process: number | string | null;
  readonly f: string;
  /** `ok`, `fail`, or `info` (crashed, or never completed). */
  readonly type: 'ok' | 'fail' | 'info';
  readonly invoke: Op;
  /** The completion event; null when the history ends before the operation completed. */
  readonly complete: Op | null;
  /** The completion's value when it has one (ok), else the invocation's. */
  readonly value: Plain;
  /** Position of the invocation in the history. */
  readonly invokeIndex: number;
  /** Position of the completion, or +Infinity when it never completed. */
  readonly completeIndex: number;
}

const opTypes = new Set<OpType>(['invoke', 'ok', 'fail', 'info']);

/** Thrown when a record is not a history operation. */
export class HistoryFormatError extends Error {
  override readonly name = 'HistoryFormatError';
}

/** Turns one parsed record (EDN map or JSON object) into an `Op` at `position`. */
export function opFromRecord(record: Plain, position: number): Op {
  if (record === null || typeof record !== 'object' || Array.isArray(record)) {
    throw new HistoryFormatError(`history record ${position} is not a map`);
  }
  const type = record['type'];
  if (typeof type !== 'string' || !opTypes.has(type as OpType)) {
    throw new HistoryFormatError(`history record ${position} has no valid :type (${JSON.stringify(type)})`);
  }
  const process = record['process'];
  const op: Op = {
    index: position,
    process: typeof process === 'number' || typeof process === 'string' ? process : null,
    type: type as OpType,
    f: typeof record['f'] === 'string' ? (record['f'] as string) : 'txn',
    value: record['value'] === undefined ? null : (record['value'] as Plain),
    ...(typeof record['time'] === 'number' ? { time: record['time'] } : {}),
    ...(record['key'] !== undefined ? { key: record['key'] as Plain } : {}),
    ...(record['error'] !== undefined ? { error: record['error'] as Plain } : {}),
  };
  return op;
}

/** Renumbers `index` densely by position, so checkers can use it as an array offset. */
export function normalizeHistory(ops: readonly Op[]): Op[] {
  return ops.map((op, i) => (op.index === i ? op : { ...op, index: i }));
}

/** True for operations of a client (integer process). Nemesis ops and the like are dropped. */
export function isClientOp(op: Op): boolean {
  return typeof op.process === 'number' || op.process === null;
}

/**
 * Pairs each invocation with its completion, by process. A process that invokes again while an
 * earlier op is still open abandons that op (it becomes `info`); invocations still open when the
 * history ends become `info` too. Completions without an invocation (as in some hand-written
 * histories) stand for their own invocation. Result is in invocation order.
 */
export function pairOps(history: readonly Op[]): CompletedOp[] {
  const open = new Map<number | string | null, Op>();
  const done: CompletedOp[] = [];
  for (const op of history) {
    if (!isClientOp(op)) continue;
    if (op.type === 'invoke') {
      const prior = open.get(op.process);
      if (prior !== undefined) done.push(completed(prior, null));
      open.set(op.process, op);
      continue;
    }
    const inv = open.get(op.process);
    open.delete(op.process);
    done.push(completed(inv ?? op, op));
  }
  for (const inv of open.values()) done.push(completed(inv, null));
  done.sort((a, b) => a.invokeIndex - b.invokeIndex);
  return done;
}

function completed(invoke: Op, complete: Op | null): CompletedOp {
  const type = complete === null || complete.type === 'invoke' ? 'info' : complete.type;
  // An ok completion carries what really happened (a read's result); a crashed or failed one
  // may carry an error marker (`:timed-out`) instead, so the invocation's value is the record.
  const value = complete === null ? invoke.value : type === 'ok' ? complete.value : invoke.value ?? complete.value;
  return {
    process: invoke.process,
    f: invoke.f,
    type,
    invoke,
    complete,
    value,
    invokeIndex: invoke.index,
    completeIndex: complete === null ? Number.POSITIVE_INFINITY : complete.index,
  };
}
