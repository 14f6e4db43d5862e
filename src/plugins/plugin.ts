import type { Router, RouterContext } from '../env/routing/router.js';
import type { RewardTermPlugin } from '../reward/registry.js';

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
  rewardTerms?: Readonly<Record<string, RewardTermPlugin<never>>>;
}

/** Types a plug-in module's default export: `export default definePlugin({ schedulers: { 'my-rule': (ctx) => ({ route }) }, rewardTerms: { ... } })`. */
export function definePlugin(plugin: Plugin): Plugin {
  return plugin;
}
