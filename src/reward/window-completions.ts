import type { Request } from '../env/cluster/request.js';

/** Completions within the current reward window: how many, and their summed end-to-end latency. */
export class WindowCompletions {
  count = 0;
  latencySum = 0;

  add(r: Request): void {
    this.count++;
    this.latencySum += r.completionTime - r.arrivalTime;
  }

  get meanLatency(): number {
    return this.count > 0 ? this.latencySum / this.count : 0;
  }

  reset(): void {
    this.count = 0;
    this.latencySum = 0;
  }
}
