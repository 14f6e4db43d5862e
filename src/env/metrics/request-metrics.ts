import type { EventLoop } from '../core/event-loop.js';
import { EventKind } from '../core/sim-event.js';
import { QuantileSketch } from './quantile-sketch.js';

/**
 * Request-level serving metrics, gathered by subscribing to the event stream:
 * counts, token totals, and latency sketches (end-to-end, time to first token,
 * scheduling delay), overall and per replica. Memory is fixed: sketches, not lists.
 */
export class RequestMetrics {
  arrived = 0;
  completed = 0;
  rejected = 0;
  arrivedPromptTokens = 0;
  arrivedOutputTokens = 0;
  completedOutputTokens = 0;
  readonly ttft = new QuantileSketch();
  /** Arrival to first admission into a batch (or start of service). */
  readonly schedulingDelay = new QuantileSketch();
  /** End-to-end latency per replica; `e2e()` merges them, so each completion is recorded once. */
  readonly e2eByReplica: QuantileSketch[];

  constructor(loop: EventLoop, replicaCount: number) {
    this.e2eByReplica = Array.from({ length: replicaCount }, () => new QuantileSketch());
    loop.on(EventKind.Arrival).subscribe((ev) => {
      const r = ev.request;
      if (r === null) return;
      this.arrived++;
      this.arrivedPromptTokens += r.promptTokens;
      this.arrivedOutputTokens += r.outputTokens;
    });
    loop.on(EventKind.RequestCompleted).subscribe((ev) => {
      const r = ev.request;
      if (r === null) return;
      const e2e = r.completionTime - r.arrivalTime;
      this.completed++;
      this.completedOutputTokens += r.outputTokens;
      this.e2eByReplica[ev.target].record(e2e);
      this.ttft.record(r.firstTokenTime - r.arrivalTime);
      this.schedulingDelay.record(r.firstScheduledTime - r.arrivalTime);
    });
    loop.on(EventKind.RequestRejected).subscribe(() => this.rejected++);
  }

  e2e(): QuantileSketch {
    const all = new QuantileSketch();
    for (const s of this.e2eByReplica) all.merge(s);
    return all;
  }
}
