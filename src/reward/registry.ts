import { InputError } from '../errors.js';
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

/**
 * A reward term a plug-in adds: how to read its fields in the scenario (every
 * field of the term but `kind` and `weight`, which the framework applies) and
 * how to build it. `options` throws an Error whose message says in one
 * sentence what is wrong.
 */
export interface RewardTermPlugin<Options = unknown> {
  options?(fields: Record<string, unknown>): Options;
  create(options: Options): RewardTerm;
}

/** Reward terms registered by plug-ins in this thread, by kind. */
const registered = new Map<string, RewardTermPlugin<never>>();

/** Adds a reward term under `kind` in this thread (what a plug-in's `rewardTerms` do); `where` names the plug-in in errors. */
export function registerRewardTerm<Options>(kind: string, term: RewardTermPlugin<Options>, where: string): void {
  if ((BUILTIN_REWARD_KINDS as readonly string[]).includes(kind)) throw new InputError(`${where}: reward term "${kind}" is a built-in kind; choose another`);
  if (term === null || typeof term !== 'object' || typeof term.create !== 'function') {
    throw new InputError(`${where}: reward term "${kind}" must be { create(options) { return { attach(ctx) { ... } }; } }`);
  }
  const existing = registered.get(kind);
  if (existing !== undefined && existing !== term) throw new InputError(`${where}: reward term "${kind}" is already registered by another plug-in; choose another kind`);
  registered.set(kind, term as RewardTermPlugin<never>);
}

/** Whether this thread knows the reward term's kind (built in, or registered by a loaded plug-in). */
export function isKnownRewardTerm(kind: string): boolean {
  return (BUILTIN_REWARD_KINDS as readonly string[]).includes(kind) || registered.has(kind);
}

/** The reward terms by the `kind` a scenario names them with; `where` names the term in errors (e.g. `reward.terms[2]`). */
export function buildRewardTerm(s: RewardTermSpec, where = 'reward term'): RewardTerm {
  if (!(BUILTIN_REWARD_KINDS as readonly string[]).includes(s.kind)) return buildPluginTerm(s as PluginTermSpec, where);
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

/** A plug-in's term: its fields read by the plug-in (a refusal is the plug-in's own sentence), then built. */
function buildPluginTerm(s: PluginTermSpec, where: string): RewardTerm {
  const term = registered.get(s.kind);
  if (term === undefined) {
    throw new InputError(`${where}: reward term "${s.kind}" is neither built in (${BUILTIN_REWARD_KINDS.join(', ')}) nor registered by a loaded plug-in (a scenario's "plugins")`);
  }
  const { kind: _kind, weight: _weight, ...fields } = s;
  let options: unknown = fields;
  try {
    if (term.options !== undefined) options = (term.options as (f: Record<string, unknown>) => unknown)(fields);
  } catch (e) {
    throw new InputError(`${where} (${s.kind}): ${(e as Error).message}`);
  }
  return (term.create as (o: unknown) => RewardTerm)(options);
}
