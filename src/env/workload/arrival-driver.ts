import type { EventLoop } from '../core/event-loop.js';
import { EventKind } from '../core/sim-event.js';
import type { RequestSource } from './request-source.js';

/** When arrivals stop: past the horizon (seconds), or after `maxRequests` arrivals in all. */
export interface ArrivalLimits {
  horizon: number;
  maxRequests: number;
}

/**
 * Keeps one pending Arrival event per front-end in the queue: when a request
 * arrives, the next one from the same stream is drawn and scheduled. The
 * request travels on the event, so every subscriber sees the same object.
 */
export class ArrivalDriver {
  /** Requests created and scheduled so far (ids are 0, 1, 2, ...). */
  private issued = 0;
  /** Front-ends with an arrival in the queue. */
  private pending = 0;

  constructor(
    private readonly loop: EventLoop,
    private readonly sources: readonly RequestSource[],
    private readonly limits: ArrivalLimits,
  ) {
    loop.on(EventKind.Arrival).subscribe((ev) => {
      this.pending--;
      this.scheduleNext(ev.target);
    });
  }

  /** True once no request will arrive any more: every stream has ended, hit the horizon or the request cap. */
  get finished(): boolean {
    return this.pending === 0;
  }

  start(): void {
    for (let f = 0; f < this.sources.length; f++) this.scheduleNext(f);
  }

  private scheduleNext(frontend: number): void {
    if (this.issued >= this.limits.maxRequests) return;
    const request = this.sources[frontend].next(this.issued);
    if (request === null || request.arrivalTime > this.limits.horizon) return;
    this.issued++;
    this.pending++;
    this.loop.scheduleAt(request.arrivalTime, EventKind.Arrival, frontend, request);
  }
}
