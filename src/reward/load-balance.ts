import { EventKind } from '../env/core/sim-event.js';
import type { RewardTerm } from './reward-term.js';
import { TEAM } from './reward-term.js';

export type LoadMeasure = 'requests' | 'tokens' | 'utilization';

/**
 * Minus the dispersion of load across the accepting replicas at each window's
 * end: the standard deviation, or the coefficient of variation (std / mean,
 * 0 when all are idle) so the penalty does not grow with the load itself. Load
 * is outstanding requests, outstanding tokens, or utilization over the window.
 */
export function loadBalancePenalty(load: LoadMeasure, measure: 'std' | 'cv'): RewardTerm {
  return {
    attach(ctx) {
      const busyBefore = new Float64Array(ctx.replicas.length);
      ctx.on(EventKind.RewardWindow).subscribe(() => {
        const values: number[] = [];
        ctx.replicas.forEach((r, i) => {
          const busy = r.stats.busyTime;
          if (r.accepting) {
            values.push(load === 'requests' ? r.outstandingRequests : load === 'tokens' ? r.outstandingTokens : (busy - busyBefore[i]) / ctx.window);
          }
          busyBefore[i] = busy;
        });
        if (values.length === 0) return;
        const mean = values.reduce((a, b) => a + b, 0) / values.length;
        const std = Math.sqrt(values.reduce((a, v) => a + (v - mean) ** 2, 0) / values.length);
        ctx.pay(-(measure === 'std' ? std : mean > 0 ? std / mean : 0), TEAM);
      });
    },
  };
}
