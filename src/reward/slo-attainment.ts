import type { Request } from '../env/cluster/request.js';
import { EventKind } from '../env/core/sim-event.js';
import type { RewardTerm } from './reward-term.js';

/** Mean time between a request's output tokens (0 for a single-token answer). */
export function meanTbt(r: Request): number {
  return r.outputTokens > 1 ? (r.completionTime - r.firstTokenTime) / (r.outputTokens - 1) : 0;
}

/**
 * 1 for each completed request whose time to first token and mean time between
 * tokens both meet their targets, 0 otherwise: summed over requests, the SLO
 * attainment; averaged, the attainment fraction.
 */
export function sloAttainment(ttft: number, tbt: number): RewardTerm {
  return {
    attach(ctx) {
      ctx.on(EventKind.RequestCompleted).subscribe((ev) => {
        const r = ev.request;
        if (r === null) return;
        const met = r.firstTokenTime - r.arrivalTime <= ttft && meanTbt(r) <= tbt;
        ctx.pay(met ? 1 : 0, { kind: 'request', request: r });
      });
    },
  };
}
