import type { EventKind, SimEvent } from './sim-event.js';
import type { Request } from '../cluster/request.js';

/**
 * Binary min-heap of events keyed by (time, seq). The sequence number makes the
 * order of simultaneous events the order in which they were scheduled, so runs
 * are deterministic. Event objects are recycled through a free list so the
 * steady state allocates nothing.
 */
export class EventQueue {
  private heap: SimEvent[] = [];
  private free: SimEvent[] = [];
  private nextSeq = 0;

  get size(): number {
    return this.heap.length;
  }

  /** A pooled event, not yet in the queue (for notifications and for `push`). */
  acquire(time: number, kind: EventKind, target: number, request: Request | null): SimEvent {
    const ev = this.free.pop();
    const seq = this.nextSeq++;
    if (ev === undefined) return { time, seq, kind, target, request };
    ev.time = time;
    ev.seq = seq;
    ev.kind = kind;
    ev.target = target;
    ev.request = request;
    return ev;
  }

  release(ev: SimEvent): void {
    ev.request = null;
    this.free.push(ev);
  }

  push(time: number, kind: EventKind, target: number, request: Request | null): void {
    const heap = this.heap;
    const ev = this.acquire(time, kind, target, request);
    let i = heap.length;
    heap.push(ev);
    while (i > 0) {
      const parent = (i - 1) >> 1;
      const p = heap[parent];
      if (p.time < time || (p.time === time && p.seq < ev.seq)) break;
      heap[i] = p;
      i = parent;
    }
    heap[i] = ev;
  }

  peekTime(): number {
    return this.heap.length > 0 ? this.heap[0].time : Infinity;
  }

  /** Removes and returns the earliest event; the caller releases it when done. */
  pop(): SimEvent {
    const heap = this.heap;
    const top = heap[0];
    const last = heap.pop() as SimEvent;
    const n = heap.length;
    if (n > 0) {
      let i = 0;
      for (;;) {
        const l = 2 * i + 1;
        if (l >= n) break;
        const r = l + 1;
        let c = l;
        let child = heap[l];
        if (r < n) {
          const rc = heap[r];
          if (rc.time < child.time || (rc.time === child.time && rc.seq < child.seq)) {
            c = r;
            child = rc;
          }
        }
        if (last.time < child.time || (last.time === child.time && last.seq < child.seq)) break;
        heap[i] = child;
        i = c;
      }
      heap[i] = last;
    }
    return top;
  }

  /** Scheduled events in heap order (not sorted); for checkpoints and inspection. */
  pending(): readonly SimEvent[] {
    return this.heap;
  }
}
