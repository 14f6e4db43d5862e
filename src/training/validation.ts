import type { NetworkMap } from '../agents/network-map.js';
import type { EnvSpec } from '../env/env-spec.js';
import { runEpisodes } from '../evaluation/run-episodes.js';
import type { TrainingSpec, ValidationMetric } from '../scenario/training-schema.js';

/** Held-out seeds for validation: far from training seeds (2^32 and up, see TRAINING_SEED_BASE) and from eval/compare seeds (the scenario's seed on). */
export const VALIDATION_SEED_BASE = 1_000_000;

export interface ValidationResult {
  metric: ValidationMetric;
  value: number;
  meanReward: number;
  /** Means of the environment's own figures (e.g. e2eP99, throughputRps). */
  summary: Record<string, number>;
}

/** Plays the current policy on the validation seeds and measures it. */
export function validate(env: EnvSpec, networks: NetworkMap, spec: TrainingSpec['validation']): ValidationResult {
  const seeds = Array.from({ length: spec.episodes }, (_, i) => VALIDATION_SEED_BASE + i);
  const outcomes = runEpisodes(env, networks, seeds, { greedy: spec.greedy });
  const mean = (f: (o: (typeof outcomes)[number]) => number): number => outcomes.reduce((a, o) => a + f(o), 0) / outcomes.length;
  const keys = Object.keys(outcomes[0]?.summary ?? {});
  const summary = Object.fromEntries(keys.map((k) => [k, mean((o) => o.summary[k])]));
  const meanReward = mean((o) => o.reward);
  const value = spec.metric === 'reward' ? meanReward : summary[spec.metric];
  if (value === undefined) throw new Error(`validation metric ${spec.metric} is not reported by this environment`);
  return { metric: spec.metric, value, meanReward, summary };
}
