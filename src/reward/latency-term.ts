import { EventKind } from '../env/core/sim-event.js';
import type { RewardContext, RewardTerm } from './reward-term.js';

/**
 * Minus the end-to-end latency of every completed request (seconds), credited
 * when the request completes to the scheduler agent that routed it and to the
 * agent of the replica that served it.
 */
export function latencyPenalty(weight: number): RewardTerm {
  return {
    attach(ctx: RewardContext) {
      ctx.loop.on(EventKind.RequestCompleted).subscribe((ev) => {
        const r = ev.request;
        if (r === null) return;
        const amount = -weight * (r.completionTime - r.arrivalTime);
        const scheduler = ctx.schedulerAgent(r.frontend);
        if (scheduler >= 0) ctx.credit(scheduler, amount);
        const replica = ctx.replicaAgent(r.replica);
        if (replica >= 0) ctx.credit(replica, amount);
      });
    },
  };
}
