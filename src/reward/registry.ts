import type { RewardTermSpec } from '../scenario/reward-schema.js';
import { budgetPenalty } from './budget-penalty.js';
import { deltaScore } from './delta-score.js';
import { latencyPenalty } from './latency-term.js';
import { loadBalancePenalty } from './load-balance.js';
import { logisticLatencyPenalty } from './logistic-latency.js';
import { netPresentValue } from './npv.js';
import type { RewardTerm } from './reward-term.js';
import { absoluteScore } from './score.js';
import { sloAttainment } from './slo-attainment.js';
import { throughputProgress } from './throughput-progress.js';

/** The reward terms by the `kind` a scenario names them with. */
export function buildRewardTerm(s: RewardTermSpec): RewardTerm {
  switch (s.kind) {
    case 'latency':
      return latencyPenalty();
    case 'logistic-latency':
      return logisticLatencyPenalty(s.kappa, s.threshold, s.sigma);
    case 'score':
      return absoluteScore(s);
    case 'delta-score':
      return deltaScore(s);
    case 'load-balance':
      return loadBalancePenalty(s.load, s.measure);
    case 'slo':
      return sloAttainment(s.ttft, s.tbt);
    case 'npv':
      return netPresentValue(s);
    case 'budget':
      return budgetPenalty(s.budget);
    case 'throughput':
      return throughputProgress();
  }
}
