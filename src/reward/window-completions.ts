import type { EventLoop } from '../env/core/event-loop.js';
import { EventKind } from '../env/core/sim-event.js';

/** Completions within the current reward window: how many, and their summed end-to-end latency. */
export class WindowCompletions {
  count = 0;
  latencySum = 0;

  constructor(loop: EventLoop) {
    loop.on(EventKind.RequestCompleted).subscribe((ev) => {
      const r = ev.request;
      if (r === null) return;
      this.count++;
      this.latencySum += r.completionTime - r.arrivalTime;
    });
  }

  get meanLatency(): number {
    return this.count > 0 ? this.latencySum / this.count : 0;
  }

  reset(): void {
    this.count = 0;
    this.latencySum = 0;
  }
}
