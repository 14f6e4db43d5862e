import type { RewardScaler } from './reward-scaler.js';

export function noRewardScaling(): RewardScaler {
  return {
    divisor: 1,
    scale: (table) => table.reward.slice(0, table.length),
    state: () => null,
    restore: () => {},
  };
}
