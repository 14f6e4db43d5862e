import { EventKind } from '../env/core/sim-event.js';
import type { RewardTerm } from './reward-term.js';

/**
 * A smooth latency threshold: −kappa · sigmoid((latency − threshold) / sigma)
 * per completed request. Near 0 well under the threshold, near −kappa well over
 * it, with a slope around it instead of a cliff, so a request just late and one
 * just in time differ a little, not all-or-nothing.
 */
export function logisticLatencyPenalty(kappa: number, threshold: number, sigma: number): RewardTerm {
  return {
    attach(ctx) {
      ctx.on(EventKind.RequestCompleted).subscribe((ev) => {
        const r = ev.request;
        if (r === null) return;
        const z = (r.completionTime - r.arrivalTime - threshold) / sigma;
        ctx.pay(-kappa / (1 + Math.exp(-z)), { kind: 'request', request: r });
      });
    },
  };
}
