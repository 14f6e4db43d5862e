import { EventKind } from '../env/core/sim-event.js';
import type { RewardTerm } from './reward-term.js';
import { TEAM } from './reward-term.js';

/**
 * Minus what the cluster spent above its budget in each window: the cost
 * accrued in the window beyond budget · window. Spending within the budget is
 * free; overspending is paid by the team.
 */
export function budgetPenalty(budgetPerSecond: number): RewardTerm {
  return {
    attach(ctx) {
      let costBefore = 0;
      ctx.loop.on(EventKind.RewardWindow).subscribe(() => {
        const cost = ctx.capacity.totalCost();
        ctx.pay(-Math.max(0, cost - costBefore - budgetPerSecond * ctx.window), TEAM);
        costBefore = cost;
      });
    },
  };
}
