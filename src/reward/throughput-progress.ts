import { EventKind } from '../env/core/sim-event.js';
import type { RewardTerm } from './reward-term.js';

/** Progress: 1 for every completed request, to the agents responsible for it (work done is worth something). */
export function throughputProgress(): RewardTerm {
  return {
    attach(ctx) {
      ctx.on(EventKind.RequestCompleted).subscribe((ev) => {
        if (ev.request !== null) ctx.pay(1, { kind: 'request', request: ev.request });
      });
    },
  };
}
