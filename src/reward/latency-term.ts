import { EventKind } from '../env/core/sim-event.js';
import type { RewardTerm } from './reward-term.js';

/** Minus each completed request's end-to-end latency (seconds), to the agents responsible for it. */
export function latencyPenalty(): RewardTerm {
  return {
    attach(ctx) {
      ctx.on(EventKind.RequestCompleted).subscribe((ev) => {
        const r = ev.request;
        if (r !== null) ctx.pay(-(r.completionTime - r.arrivalTime), { kind: 'request', request: r });
      });
    },
  };
}
