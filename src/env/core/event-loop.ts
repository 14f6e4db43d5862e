import type { Observable } from 'rxjs';
import type { Request } from '../cluster/request.js';
import { EventQueue } from './event-queue.js';
import { EventStream } from './event-stream.js';
import { Phase, PHASE_COUNT } from './phase.js';
import { EVENT_KIND_COUNT, type EventKind, type SimEvent } from './sim-event.js';

/** Why `run` returned. */
export type RunOutcome =
  /** A subscriber asked to pause (an agent decision is pending); call `run` again to resume. */
  | 'paused'
  /** The next event lies beyond the horizon; the clock stands at the horizon. */
  | 'horizon'
  /** No events are left. */
  | 'drained';

/** `phase` between events: nothing is being handled. */
const IDLE = -1;

/** Where each phase's streams start in `streams`. */
const SCORE = Phase.Score * EVENT_KIND_COUNT;
const ASSIGN = Phase.Assign * EVENT_KIND_COUNT;
const CLOSE = Phase.Close * EVENT_KIND_COUNT;

/** Only the world raises events: one raised while scoring, assigning or closing would run its own phases inside theirs. */
function raisedAfterReact(kind: EventKind, phase: number): Error {
  return new Error(`event kind ${kind} raised during phase ${phase}; only React subscribers may raise events`);
}

/**
 * The virtual-time kernel: a clock, an event queue and `run(until)`.
 *
 * Every processed event is handled in the four phases of `Phase`: its React
 * subscribers (`on(kind)`, then `events$`), then its Score, Assign and Close
 * subscribers (`on(kind, phase)`). Within a phase subscribers run
 * synchronously in subscription order, which keeps runs deterministic; the
 * phases say what must come before what. As everywhere in rxjs, an exception
 * thrown by a subscriber is not thrown from `run()`: rxjs reports it as an
 * uncaught error once the current task ends (the CLI then exits non-zero with
 * the stack, as for any bug). rxjs's VirtualTimeScheduler is deliberately not
 * used: it re-sorts its whole queue on every schedule. The streams are rxjs
 * Observables, so operators (filter, map, pairwise, ...) compose on them.
 */
export class EventLoop {
  /** Current simulated time, in seconds. */
  now = 0;
  /** Scheduled events processed so far (notifications are not counted). */
  processed = 0;

  private readonly queue = new EventQueue();
  private readonly all = new EventStream<SimEvent>();
  /** One stream per phase and kind, at `phase * EVENT_KIND_COUNT + kind`. */
  private readonly streams: EventStream<SimEvent>[] = Array.from(
    { length: PHASE_COUNT * EVENT_KIND_COUNT },
    (_, i) => new EventStream<SimEvent>(() => this.updateObserved(i % EVENT_KIND_COUNT)),
  );
  /** Per kind, bit `phase` set when that phase's stream has subscribers: most events are handled in React only. */
  private readonly observedPhases = new Uint8Array(EVENT_KIND_COUNT);
  /** The phase being handled, or IDLE between events. */
  private phase: Phase | typeof IDLE = IDLE;
  /** Consequences waiting for the event that raised them to finish its phases (see `notifyConsequence`). */
  private readonly consequences: SimEvent[] = [];
  private pauseRequested = false;

  /** Every event, scheduled or notified, in processing order (React phase, after `on(kind)`). */
  readonly events$: Observable<SimEvent> = this.all.observable;

  /** Events of one kind in one phase (React unless said); cheaper than filtering `events$` because dispatch is by index. */
  on(kind: EventKind, phase: Phase = Phase.React): Observable<SimEvent> {
    return this.streams[phase * EVENT_KIND_COUNT + kind].observable;
  }

  /** Whether an event is being handled in `phase` now (never true between events, e.g. while an environment resolves actions). */
  inPhase(phase: Phase): boolean {
    return this.phase === phase;
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
    if (this.phase > Phase.React) throw raisedAfterReact(kind, this.phase);
    if (!this.observed(kind)) return;
    const ev = this.queue.acquire(this.now, kind, target, request);
    this.emit(ev);
    this.queue.release(ev);
  }

  /**
   * Emits a notification once the event being handled has gone through all its
   * phases (at once between events): for a fact that follows from that event,
   * such as a draining replica stopping after its last request completed, so
   * that the completion is scored and credited before the stop is.
   */
  notifyConsequence(kind: EventKind, target: number, request: Request | null): void {
    if (this.phase === IDLE) {
      this.notify(kind, target, request);
      return;
    }
    if (this.phase > Phase.React) throw raisedAfterReact(kind, this.phase);
    if (this.observed(kind)) this.consequences.push(this.queue.acquire(this.now, kind, target, request));
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
    for (const s of this.streams) s.complete();
    this.all.complete();
  }

  private observed(kind: EventKind): boolean {
    return this.observedPhases[kind] !== 0 || this.all.observed;
  }

  private updateObserved(kind: number): void {
    let bits = 0;
    for (let p = 0; p < PHASE_COUNT; p++) if (this.streams[p * EVENT_KIND_COUNT + kind].observed) bits |= 1 << p;
    this.observedPhases[kind] = bits;
  }

  private emit(ev: SimEvent): void {
    const outer = this.phase;
    const mark = this.consequences.length;
    const observed = this.observedPhases[ev.kind];
    this.phase = Phase.React;
    if ((observed & 1) !== 0) this.streams[ev.kind].emit(ev);
    this.all.emit(ev);
    if (observed > 1) this.emitAfterReact(ev, observed);
    this.phase = outer;
    if (this.consequences.length > mark) this.emitConsequences(mark);
  }

  /** Score, Assign and Close, each if someone watches it. */
  private emitAfterReact(ev: SimEvent, observed: number): void {
    const streams = this.streams;
    if ((observed & (1 << Phase.Score)) !== 0) {
      this.phase = Phase.Score;
      streams[SCORE + ev.kind].emit(ev);
    }
    if ((observed & (1 << Phase.Assign)) !== 0) {
      this.phase = Phase.Assign;
      streams[ASSIGN + ev.kind].emit(ev);
    }
    if ((observed & (1 << Phase.Close)) !== 0) {
      this.phase = Phase.Close;
      streams[CLOSE + ev.kind].emit(ev);
    }
  }

  /** The consequences raised while handling one event, in the order raised; each one's own follow it. */
  private emitConsequences(mark: number): void {
    for (let i = mark; i < this.consequences.length; i++) {
      const c = this.consequences[i];
      this.emit(c);
      this.queue.release(c);
    }
    this.consequences.length = mark;
  }
}
