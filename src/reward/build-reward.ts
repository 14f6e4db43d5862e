import type { RewardSpec, RewardTermSpec } from '../scenario/reward-schema.js';
import { latencyPenalty } from './latency-term.js';
import type { RewardTerm } from './reward-term.js';

const TERMS: { [K in RewardTermSpec['kind']]: (spec: Extract<RewardTermSpec, { kind: K }>) => RewardTerm } = {
  latency: (s) => latencyPenalty(s.weight),
};

export function buildRewardTerms(spec: RewardSpec): RewardTerm[] {
  return spec.terms.map((t) => TERMS[t.kind](t as never));
}
