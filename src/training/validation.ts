import type { NetworkMap } from '../agents/network-map.js';
import type { EnvSpec } from '../env/env-spec.js';
import { VALIDATION_SEED_BASE } from '../env/seeds.js';
import { runEpisodes } from '../evaluation/run-episodes.js';
import { higherIsBetter, type TrainingSpec, type ValidationMetric } from '../scenario/training-schema.js';

export interface ValidationResult {
  metric: ValidationMetric;
  value: number;
  meanReward: number;
  /** Means of the environment's own figures (e.g. e2eP99, throughputRps). */
  summary: Record<string, number>;
}

/** Plays the current policy on the validation seeds (held out: see seeds.ts) and measures it. */
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

/**
 * Whether `value` beats the best so far by more than `threshold` (relative),
 * in the metric's direction: what makes a checkpoint the best, and what early
 * stopping counts the absence of. A value that is not finite never improves.
 */
export function isImprovement(best: number | null, value: number, metric: ValidationMetric, threshold: number): boolean {
  if (!Number.isFinite(value)) return false;
  if (best === null) return true;
  const margin = threshold * Math.max(Math.abs(best), 1e-8);
  return higherIsBetter(metric) ? value > best + margin : value < best - margin;
}
