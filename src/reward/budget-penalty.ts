import { map, pairwise, startWith } from 'rxjs';
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
      ctx
        .on(EventKind.RewardWindow)
        .pipe(
          map(() => ctx.capacity.totalCost()),
          startWith(0),
          pairwise(),
          map(([before, cost]) => -Math.max(0, cost - before - budgetPerSecond * ctx.window)),
        )
        .subscribe((penalty) => ctx.pay(penalty, TEAM));
    },
  };
}
