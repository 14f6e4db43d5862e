import type { EventLoop } from '../core/event-loop.js';
import { EventKind } from '../core/sim-event.js';

/** Arrivals count over roughly the last RATE_WINDOW seconds (exponential decay). */
const RATE_WINDOW = 10;
/** Weight of each new completion in a replica's recent-latency average. */
const LATENCY_SMOOTHING = 0.1;

/**
 * What a monitoring system would show a scheduler about the recent past: the
 * arrival rate at each front-end and the recent end-to-end latency of each
 * replica. Kept by subscribing to the event stream, in O(1) per event.
 */
export class Telemetry {
  private readonly rateLevel: Float64Array;
  private readonly rateSince: Float64Array;
  /** Each replica's recent end-to-end latency over every front-end's requests. */
  readonly recentLatency: Float64Array;
  /** The same, per front-end over its own requests only: what a front-end sees without load reports from the others. */
  private readonly latencySeenBy: Float64Array[];

  constructor(
    private readonly loop: EventLoop,
    frontends: number,
    replicas: number,
  ) {
    this.rateLevel = new Float64Array(frontends);
    this.rateSince = new Float64Array(frontends);
    this.recentLatency = new Float64Array(replicas);
    this.latencySeenBy = Array.from({ length: frontends }, () => new Float64Array(replicas));
    loop.on(EventKind.Arrival).subscribe((ev) => {
      const f = ev.target;
      this.rateLevel[f] = this.decayedRate(f, ev.time) + 1 / RATE_WINDOW;
      this.rateSince[f] = ev.time;
    });
    loop.on(EventKind.RequestCompleted).subscribe((ev) => {
      const r = ev.request;
      if (r === null) return;
      const i = ev.target;
      const latency = r.completionTime - r.arrivalTime;
      this.recentLatency[i] += LATENCY_SMOOTHING * (latency - this.recentLatency[i]);
      const own = this.latencySeenBy[r.frontend];
      own[i] += LATENCY_SMOOTHING * (latency - own[i]);
    });
  }

  /** Each replica's recent latency as `frontend` measured it, from the responses it relayed. */
  recentLatencyAt(frontend: number): Float64Array {
    return this.latencySeenBy[frontend];
  }

  /** Requests per second arriving at a front-end lately. */
  arrivalRate(frontend: number): number {
    return this.decayedRate(frontend, this.loop.now);
  }

  totalArrivalRate(): number {
    let sum = 0;
    for (let f = 0; f < this.rateLevel.length; f++) sum += this.arrivalRate(f);
    return sum;
  }

  private decayedRate(f: number, now: number): number {
    return this.rateLevel[f] * Math.exp(-(now - this.rateSince[f]) / RATE_WINDOW);
  }
}
