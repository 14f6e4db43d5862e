import type { ReplicaModelPlugin } from '../env/cluster/replica-models.js';
import type { Router, RouterContext } from '../env/routing/router.js';
import type { AdvantageNormalizer } from '../learners/policies/advantage-normalization.js';
import type { EntropySchedule } from '../learners/policies/entropy.js';
import type { KlController } from '../learners/policies/kl-control.js';
import type { LrSchedule } from '../learners/policies/learning-rate.js';
import type { RewardScaler } from '../learners/policies/reward-scaling.js';
import type { ValueNormalizer } from '../learners/policies/value-normalization.js';
import type { RewardTermPlugin } from '../reward/registry.js';
import type { KindPlugin } from './kind-registry.js';

/**
 * What a plug-in module adds to the framework: its default export, named in a
 * scenario's `plugins` list (`"plugins": ["./my-rules.js"]`) or registered
 * from code with registerPlugin. Everything it adds is chosen by name in a
 * scenario exactly as the built-ins are, and checked as they are: a name no
 * built-in and no loaded plug-in provides is an error in one sentence.
 *
 * Every thread that builds the scenario's world loads the scenario's
 * plug-ins (rollout workers, ablation workers), so a plug-in must not depend
 * on state the main thread set up.
 */
export interface Plugin {
  /**
   * Heuristic schedulers, by the name `agents.scheduler.policy` and
   * `--scheduler` give them. Each is built once per front-end with that
   * front-end's own random stream and the workload's mean token lengths.
   * They join `mappo compare`'s table beside the built-in heuristics.
   */
  schedulers?: Readonly<Record<string, (context: RouterContext) => Router>>;
  /**
   * Reward terms, by the `kind` a scenario's `reward.terms` give them. Each
   * reads the term's own fields (all but `kind` and `weight`, which the
   * framework applies) and attaches to the simulation's events as the
   * built-in terms do (reward/reward-term.ts); its payments are weighted,
   * credited and logged like theirs.
   */
  rewardTerms?: Readonly<Record<string, RewardTermPlugin>>;
  /**
   * Learner policies, by family and by the `kind` the scenario's `learner`
   * section gives them (`"learningRate": { "kind": "step", "every": 50 }`).
   * Each reads its own fields and builds the family's interface, which
   * includes `state()` and `restore(state)`: what it must keep for a resumed
   * run to continue exactly (plain JSON; null when it keeps nothing).
   */
  learnerPolicies?: LearnerPolicyPlugins;
  /**
   * Replica models, by the `model` a scenario's `cluster.replicaTypes` give
   * them: servers of your own beside the LLM and FIFO servers, priced for the
   * speed-aware routers and the schedulers' observations by the model itself.
   */
  replicaModels?: Readonly<Record<string, ReplicaModelPlugin>>;
}

/** A plug-in's learner policies, by family (see src/learners/policies/). */
export interface LearnerPolicyPlugins {
  rewardScaling?: Readonly<Record<string, KindPlugin<RewardScaler, unknown>>>;
  advantageNormalization?: Readonly<Record<string, KindPlugin<AdvantageNormalizer, unknown>>>;
  valueNormalization?: Readonly<Record<string, KindPlugin<ValueNormalizer, unknown>>>;
  /** One entry of `learner.klControl` (a list combines them as it combines the built-ins). */
  klControl?: Readonly<Record<string, KindPlugin<KlController, unknown>>>;
  /** A schedule's `multiplier(update, totalUpdates)` may depend on the total, so a run using one cannot change its total on resume. */
  learningRate?: Readonly<Record<string, KindPlugin<LrSchedule, unknown>>>;
  /** `learner.entropy.schedule`: built from the entropy section's `coef` and `finalCoef`; told the run's total, like the learning rate. */
  entropySchedule?: Readonly<Record<string, KindPlugin<EntropySchedule, unknown>>>;
}

/** Types a plug-in module's default export: `export default definePlugin({ schedulers: { 'my-rule': (ctx) => ({ route }) }, rewardTerms: { ... } })`. */
export function definePlugin(plugin: Plugin): Plugin {
  return plugin;
}
