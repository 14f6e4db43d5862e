import { existsSync } from 'node:fs';
import { isAbsolute } from 'node:path';
import { pathToFileURL } from 'node:url';
import { registerReplicaModel } from '../env/cluster/replica-models.js';
import { registerScheduler } from '../env/routing/registry.js';
import { ADVANTAGE_NORMALIZERS } from '../learners/policies/advantage-normalization.js';
import { ENTROPY_SCHEDULES } from '../learners/policies/entropy.js';
import { KL_CONTROLS } from '../learners/policies/kl-control.js';
import { LR_SCHEDULES } from '../learners/policies/learning-rate.js';
import { REWARD_SCALERS } from '../learners/policies/reward-scaling.js';
import { VALUE_NORMALIZERS } from '../learners/policies/value-normalization.js';
import { REWARD_TERMS } from '../reward/registry.js';
import type { KindPlugin, KindRegistry } from './kind-registry.js';
import { InputError } from '../errors.js';
import type { LearnerPolicyPlugins, Plugin } from './plugin.js';

/** The learner-policy families a plug-in may add to, by the name `learnerPolicies` and the scenario's `learner` give them. */
export const LEARNER_FAMILIES: { readonly [F in keyof LearnerPolicyPlugins]-?: KindRegistry<unknown> } = {
  rewardScaling: REWARD_SCALERS,
  advantageNormalization: ADVANTAGE_NORMALIZERS,
  valueNormalization: VALUE_NORMALIZERS,
  klControl: KL_CONTROLS,
  learningRate: LR_SCHEDULES,
  entropySchedule: ENTROPY_SCHEDULES,
};

/** What a plug-in may add (see Plugin). */
const PLUGIN_FAMILIES = ['schedulers', 'rewardTerms', 'learnerPolicies', 'replicaModels'];

/** Plug-in modules this thread has loaded, by absolute path. */
const loaded = new Set<string>();

/**
 * Registers what a plug-in adds, in this thread. `where` names it in errors.
 * Worker threads do not see a plug-in registered from code: list its module
 * in the scenario's `plugins` for a run on several threads.
 */
export function registerPlugin(plugin: Plugin, where = 'registerPlugin'): void {
  if (plugin === null || typeof plugin !== 'object') throw new InputError(`${where} is no plug-in: its default export must be definePlugin({ schedulers: { ... }, rewardTerms: { ... } })`);
  const unknown = Object.keys(plugin).filter((k) => !PLUGIN_FAMILIES.includes(k));
  if (unknown.length > 0) throw new InputError(`${where}: a plug-in adds schedulers, rewardTerms, learnerPolicies or replicaModels, not ${unknown.map((k) => `"${k}"`).join(', ')}`);
  const learner = plugin.learnerPolicies ?? {};
  // Checked before anything registers: a plug-in naming a family this framework lacks registers nothing.
  const unknownFamilies = Object.keys(learner).filter((f) => !Object.hasOwn(LEARNER_FAMILIES, f));
  if (unknownFamilies.length > 0) throw new InputError(`${where}: learnerPolicies has no family ${unknownFamilies.map((f) => `"${f}"`).join(', ')}; the families are ${Object.keys(LEARNER_FAMILIES).join(', ')}`);
  for (const [name, factory] of Object.entries(plugin.schedulers ?? {})) registerScheduler(name, factory, where);
  for (const [kind, term] of Object.entries(plugin.rewardTerms ?? {})) REWARD_TERMS.register(kind, term, where);
  for (const [model, replica] of Object.entries(plugin.replicaModels ?? {})) registerReplicaModel(model, replica, where);
  for (const [family, entries] of Object.entries(learner)) {
    const registry = LEARNER_FAMILIES[family as keyof LearnerPolicyPlugins] as KindRegistry<unknown>;
    for (const [kind, policy] of Object.entries(entries ?? {})) registry.register(kind, policy as KindPlugin<unknown, unknown>, where);
  }
}

/**
 * Imports each plug-in module once per thread and registers what it adds.
 * A module that is missing, fails to load or exports no plug-in is an
 * InputError naming it. Paths are absolute (the scenario loader resolves them).
 */
export async function loadPlugins(paths: readonly string[] | undefined): Promise<void> {
  for (const path of paths ?? []) {
    if (loaded.has(path)) continue;
    if (!isAbsolute(path)) throw new Error(`loadPlugins: plug-in path ${path} is not absolute (the scenario loader resolves it)`);
    if (!existsSync(path)) throw new InputError(`plug-in module ${path} does not exist`);
    let exports: Record<string, unknown>;
    try {
      exports = (await import(pathToFileURL(path).href)) as Record<string, unknown>;
    } catch (e) {
      throw new InputError(`plug-in module ${path} failed to load: ${(e as Error).message.split('\n')[0]}`);
    }
    registerPlugin((exports.default ?? exports.plugin) as Plugin, `plug-in module ${path}`);
    loaded.add(path);
  }
}
