/**
 * ReadIndex bookkeeping on a leader: each read request remembers the commit index at the time
 * it arrived and which voters have since confirmed the leadership (by answering a heartbeat
 * that carried the request's context). A request is released once a quorum confirmed it; all
 * requests queued before it are released with it, since the same confirmation covers them.
 */
import type { LogIndex, NodeId } from '../src/base/ids.js';
import type { Message } from './types.js';

/** One pending read. */
export interface ReadIndexStatus {
  readonly request: Message;
  readonly index: LogIndex;
  readonly acks: Set<NodeId>;
}

/** Bytes → map key. */
export function contextKey(context: Uint8Array): string {
  let key = '';
  for (const byte of context) key += byte.toString(16).padStart(2, '0');
  return key;
}

/** Pending ReadIndex requests in arrival order. Bounded by the host's request rate. */
export class ReadOnlyQueue {
  private readonly pending = new Map<string, ReadIndexStatus>();
  private queue: string[] = [];

  /** Records a request (ignored if its context is already pending). */
  add(index: LogIndex, request: Message): void {
    const key = contextKey(request.context ?? new Uint8Array(0));
    if (this.pending.has(key)) return;
    this.pending.set(key, { request, index, acks: new Set() });
    this.queue.push(key);
  }

  /** Records a confirmation; returns the acks so far, or undefined if unknown. */
  recvAck(from: NodeId, context: Uint8Array): ReadonlySet<NodeId> | undefined {
    const status = this.pending.get(contextKey(context));
    if (status === undefined) return undefined;
    status.acks.add(from);
    return status.acks;
  }

  /** Releases the request with `context` and every one queued before it. */
  advance(context: Uint8Array): ReadIndexStatus[] {
    const key = contextKey(context);
    const at = this.queue.indexOf(key);
    if (at < 0) return [];
    const released = this.queue.slice(0, at + 1).map((k) => this.pending.get(k)!);
    for (const k of this.queue.slice(0, at + 1)) this.pending.delete(k);
    this.queue = this.queue.slice(at + 1);
    return released;
  }

  /** Context of the newest pending request (heartbeats carry it). */
  lastPendingContext(): Uint8Array | undefined {
    const key = this.queue[this.queue.length - 1];
    return key === undefined ? undefined : this.pending.get(key)!.request.context;
  }

  size(): number {
    return this.queue.length;
  }

  reset(): void {
    this.pending.clear();
    this.queue = [];
  }
}
