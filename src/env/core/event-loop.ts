import type { Observable } from 'rxjs';
import { EventQueue } from './event-queue.js';
import { EventStream } from './event-stream.js';
import { EVENT_KIND_COUNT, type EventKind, type SimEvent } from './sim-event.js';
import type { Request } from '../cluster/request.js';

/** Why `run` returned. */
export type RunOutcome =
  /** A subscriber asked to pause (an agent decision is pending); call `run` again to resume. */
  | 'paused'
  /** The next event lies beyond the horizon; the clock stands at the horizon. */
  | 'horizon'
  /** No events are left. */
  | 'drained';

/**
 * The virtual-time kernel: a clock, an event queue and `run(until)`.
 *
 * Every processed event is emitted on the per-kind stream `on(kind)` and then
 * on `events$`. The world's own components (front-ends, replicas) are
 * subscribers like any other, so metrics, reward terms and recorders attach the
 * same way. Subscribers run synchronously: those of `on(kind)` in subscription
 * order, then those of `events$` in subscription order, which keeps runs
 * deterministic. As everywhere in rxjs, an exception thrown by a subscriber is
 * not thrown from `run()`: rxjs reports it as an uncaught error once the
 * current task ends (the CLI then exits non-zero with the stack, as for any bug). rxjs's VirtualTimeScheduler is deliberately not used: it
 * re-sorts its whole queue on every schedule. The streams are rxjs Observables,
 * so operators (filter, map, bufferCount, ...) compose on them as usual.
 */
export class EventLoop {
  /** Current simulated time, in seconds. */
  now = 0;
  /** Scheduled events processed so far (notifications are not counted). */
  processed = 0;

  private readonly queue = new EventQueue();
  private readonly all = new EventStream<SimEvent>();
  private readonly byKind: EventStream<SimEvent>[] = Array.from({ length: EVENT_KIND_COUNT }, () => new EventStream());
  private pauseRequested = false;

  /** Every event, scheduled or notified, in processing order. */
  readonly events$: Observable<SimEvent> = this.all.observable;

  /** Events of one kind; cheaper than filtering `events$` because dispatch is by index. */
  on(kind: EventKind): Observable<SimEvent> {
    return this.byKind[kind].observable;
  }

  /** Schedules an event `delay` seconds from now (a negative delay means now: the clock never runs backwards). */
  schedule(delay: number, kind: EventKind, target: number, request: Request | null = null): void {
    this.queue.push(delay > 0 ? this.now + delay : this.now, kind, target, request);
  }

  /** Schedules an event at absolute time `time` (which must not be in the past). */
  scheduleAt(time: number, kind: EventKind, target: number, request: Request | null = null): void {
    this.queue.push(time < this.now ? this.now : time, kind, target, request);
  }

  /** Emits a notification at the current time, synchronously, without queueing it. */
  notify(kind: EventKind, target: number, request: Request | null): void {
    if (!this.byKind[kind].observed && !this.all.observed) return;
    const ev = this.queue.acquire(this.now, kind, target, request);
    this.emit(ev);
    this.queue.release(ev);
  }

  /** Asks `run` to return after the event being processed (used when a decision is pending). */
  pause(): void {
    this.pauseRequested = true;
  }

  get pendingEvents(): number {
    return this.queue.size;
  }

  /** Time of the next scheduled event, or Infinity. */
  nextEventTime(): number {
    return this.queue.peekTime();
  }

  /**
   * Processes events in (time, seq) order until a pause, the horizon `until`, or
   * an empty queue. At the horizon the clock moves to `until`; when the queue
   * drains it stays at the last event, so elapsed time is the time actually used.
   */
  run(until = Infinity): RunOutcome {
    const queue = this.queue;
    this.pauseRequested = false;
    while (queue.size > 0) {
      if (queue.peekTime() > until) {
        if (until > this.now) this.now = until;
        return 'horizon';
      }
      const ev = queue.pop();
      this.now = ev.time;
      this.processed++;
      this.emit(ev);
      queue.release(ev);
      if (this.pauseRequested) {
        this.pauseRequested = false;
        return 'paused';
      }
    }
    return 'drained';
  }

  /** Ends every stream; subscribers' `complete` handlers run. */
  close(): void {
    for (const s of this.byKind) s.complete();
    this.all.complete();
  }

  private emit(ev: SimEvent): void {
    this.byKind[ev.kind].emit(ev);
    this.all.emit(ev);
  }
}
