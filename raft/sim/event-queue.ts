/**
 * A priority queue of simulator events ordered by virtual time, ties broken by insertion
 * order, so a run is a pure function of its seed.
 */

interface Slot<T> {
  readonly time: number;
  readonly seq: number;
  readonly event: T;
}

/** Binary min-heap on (time, seq). */
export class EventQueue<T> {
  private readonly heap: Slot<T>[] = [];
  private seq = 0;

  push(time: number, event: T): void {
    const heap = this.heap;
    heap.push({ time, seq: this.seq++, event });
    let i = heap.length - 1;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (!before(heap[i]!, heap[parent]!)) break;
      [heap[i], heap[parent]] = [heap[parent]!, heap[i]!];
      i = parent;
    }
  }

  /** Removes and returns the earliest event, or undefined when empty. */
  pop(): { time: number; event: T } | undefined {
    const heap = this.heap;
    const top = heap[0];
    if (top === undefined) return undefined;
    const last = heap.pop()!;
    if (heap.length > 0) {
      heap[0] = last;
      this.siftDown();
    }
    return { time: top.time, event: top.event };
  }

  size(): number {
    return this.heap.length;
  }

  private siftDown(): void {
    const heap = this.heap;
    let i = 0;
    for (;;) {
      const l = 2 * i + 1;
      const r = l + 1;
      let m = i;
      if (l < heap.length && before(heap[l]!, heap[m]!)) m = l;
      if (r < heap.length && before(heap[r]!, heap[m]!)) m = r;
      if (m === i) return;
      [heap[i], heap[m]] = [heap[m]!, heap[i]!];
      i = m;
    }
  }
}

function before<T>(a: Slot<T>, b: Slot<T>): boolean {
  return a.time < b.time || (a.time === b.time && a.seq < b.seq);
}
