import type { RewardScalingSpec } from '../../../scenario/learner-schema.js';
import { fixedRewardScale } from './fixed-reward-scale.js';
import { noRewardScaling } from './no-reward-scaling.js';
import type { RewardScaler } from './reward-scaler.js';
import { RunningStdRewardScale } from './running-std-reward-scale.js';

export function buildRewardScaler(spec: RewardScalingSpec): RewardScaler {
  switch (spec.kind) {
    case 'none':
      return noRewardScaling();
    case 'fixed':
      return fixedRewardScale(spec.scale);
    case 'running-std':
      return new RunningStdRewardScale(spec.clip);
  }
}
