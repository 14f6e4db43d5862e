import { KindRegistry, type KindPlugin } from '../plugins/kind-registry.js';
import type { BuiltinTermSpec, PluginTermSpec, RewardTermSpec } from '../scenario/reward-schema.js';
import { BUILTIN_REWARD_KINDS } from '../scenario/reward-schema.js';
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

/** A reward term a plug-in adds (see KindPlugin): it reads the term's fields but `kind` and `weight`, which the framework applies. */
export type RewardTermPlugin = KindPlugin<RewardTerm, unknown>;

/** The reward terms: built-in kinds, and those plug-ins registered in this thread. */
export const REWARD_TERMS = new KindRegistry<RewardTerm>('reward term', BUILTIN_REWARD_KINDS);

/** The reward terms by the `kind` a scenario names them with; `where` names the term in errors (e.g. `reward.terms[2]`). */
export function buildRewardTerm(s: RewardTermSpec, where = 'reward term'): RewardTerm {
  if (!REWARD_TERMS.isBuiltin(s.kind)) return REWARD_TERMS.buildPlugin(s as PluginTermSpec, where, ['weight']);
  const b = s as BuiltinTermSpec;
  switch (b.kind) {
    case 'latency':
      return latencyPenalty();
    case 'logistic-latency':
      return logisticLatencyPenalty(b.kappa, b.threshold, b.sigma);
    case 'score':
      return absoluteScore(b);
    case 'delta-score':
      return deltaScore(b);
    case 'load-balance':
      return loadBalancePenalty(b.load, b.measure);
    case 'slo':
      return sloAttainment(b.ttft, b.tbt);
    case 'npv':
      return netPresentValue(b);
    case 'budget':
      return budgetPenalty(b.budget);
    case 'throughput':
      return throughputProgress();
  }
}
