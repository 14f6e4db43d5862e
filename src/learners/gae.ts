import { RowState } from '../rollout/row-state.js';
import type { TrajectoryTable } from '../rollout/trajectory-table.js';

export interface AdvantageEstimate {
  /** Per row of the table (0 for rows that do not train). */
  advantages: Float32Array;
  /** advantages + values: the critic's regression targets. */
  returns: Float32Array;
}

/** gamma per `timeUnit` of simulated time, for a gap of `elapsed`: the discount of net present value. */
export function discount(gamma: number, elapsed: number, timeUnit: number): number {
  return Math.pow(gamma, elapsed / timeUnit);
}

/**
 * Generalized advantage estimation (Schulman et al., 2016) along each agent's
 * own trajectory, with time-aware discounting: a decision followed by a gap of
 * Δt before the agent's next decision discounts what follows by
 * gamma^(Δt / timeUnit), so an agent that acts rarely discounts more per
 * decision than one that acts often. lambda mixes the n-step estimates per
 * decision.
 *
 *   delta_t = r_t + gamma^(Δt) V(s_next) - V(s_t)          (V(s_next) = 0 after a terminal end)
 *   A_t     = delta_t + gamma^(Δt) lambda A_next           (A_next = 0 unless next is a training step)
 *
 * `values` are the critic's values in return units (de-normalized). A truncated
 * episode or a decision still open at the end of the rollout bootstraps from
 * the value of its next row (BootstrapOnly, or a row still awaiting), which carries no advantage.
 */
export function estimateAdvantages(
  table: TrajectoryTable,
  rewards: Float32Array,
  values: Float32Array,
  gamma: number,
  lambda: number,
  timeUnit: number,
): AdvantageEstimate {
  const n = table.length;
  const advantages = new Float32Array(n);
  const returns = new Float32Array(n);
  // Every row's next comes later in the table (rows of a copy are in decision order), so one backward pass suffices.
  for (let i = n - 1; i >= 0; i--) {
    if (table.rowState[i] !== RowState.Ready) continue;
    const next = table.next[i];
    const g = discount(gamma, table.elapsed[i], timeUnit);
    const nextValue = next >= 0 ? values[next] : 0;
    const delta = rewards[i] + g * nextValue - values[i];
    const carry = next >= 0 && table.rowState[next] === RowState.Ready ? advantages[next] : 0;
    advantages[i] = delta + g * lambda * carry;
    returns[i] = advantages[i] + values[i];
  }
  return { advantages, returns };
}
