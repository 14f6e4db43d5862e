import type { NetworkMap } from '../agents/network-map.js';
import { worldLabel, type EnvSpec } from '../env/env-spec.js';
import { metricDirection, worldOf } from '../env/worlds/world-registry.js';
import type { MetricDirection } from '../env/worlds/world.js';
import { InputError } from '../errors.js';
import { VALIDATION_SEED_BASE } from '../env/seeds.js';
import { runEpisodes } from '../evaluation/run-episodes.js';
import { higherIsBetter, type ValidationMetric } from '../scenario/training-schema.js';
import { isWorldScenario, type AnyScenario } from '../scenario/world-scenario-schema.js';

export interface ValidationResult {
  /** The scenario's `training.validation.metric`: the reward, a serving figure, or a figure the world reports. */
  metric: string;
  value: number;
  meanReward: number;
  /** Means of the environment's own figures (e.g. e2eP99, throughputRps). */
  summary: Record<string, number>;
}

/** Plays the current policy on the validation seeds (held out: see seeds.ts) and measures it. */
export function validate(env: EnvSpec, networks: NetworkMap, spec: { episodes: number; metric: string; greedy: boolean }): ValidationResult {
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
export function isImprovement(best: number | null, value: number, direction: MetricDirection, threshold: number): boolean {
  if (!Number.isFinite(value)) return false;
  if (best === null) return true;
  const margin = threshold * Math.max(Math.abs(best), 1e-8);
  return direction === 'higher' ? value > best + margin : value < best - margin;
}

/**
 * Which way the scenario's validation metric is better: a serving figure is
 * better lower, the reward higher, a world's figure as the world declares
 * (its module must be loaded). A figure the world does not declare is refused
 * before training starts.
 */
export function validationDirection(scenario: AnyScenario, env: EnvSpec): MetricDirection {
  const metric = scenario.training.validation.metric;
  if (!isWorldScenario(scenario) || env.kind !== 'world') return higherIsBetter(metric as ValidationMetric) ? 'higher' : 'lower';
  const world = worldOf(env.world);
  const direction = metricDirection(world, metric);
  if (direction !== null) return direction;
  const known = ['reward', ...Object.keys(world.metrics ?? {})].map((m) => `"${m}"`).join(', ');
  throw new InputError(`scenario "${scenario.name}": training.validation.metric is "${metric}", which ${worldLabel(env.world)} does not report; it reports ${known} (a world declares its figures in its metrics field)`);
}
