import type { RewardScaler } from './reward-scaler.js';

/** Multiplies every reward by a constant (e.g. 0.01 for rewards in the hundreds). */
export function fixedRewardScale(scale: number): RewardScaler {
  return {
    divisor: 1 / scale,
    scale: (table) => table.reward.slice(0, table.length).map((r) => r * scale),
    state: () => null,
    restore: () => {},
  };
}
