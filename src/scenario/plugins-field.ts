import { z } from 'zod';
import { isKnownReplicaModel } from '../env/cluster/replica-models.js';
import { isKnownHeuristic } from '../env/routing/registry.js';
import { BUILTIN_REPLICA_MODELS } from './cluster-schema.js';
import { LEARNER_FAMILIES } from '../plugins/plugin-loader.js';
import { REWARD_TERMS } from '../reward/registry.js';
import type { LearnerSpec } from './learner-schema.js';
import { BUILTIN_REWARD_KINDS } from './reward-schema.js';
import { filePath } from './fields.js';
import { MAX_LIST_ENTRIES } from './limits.js';
import { SCHEDULER_POLICIES } from './agents-schema.js';

/**
 * Plug-in modules the scenario uses (see plugins/plugin.ts), resolved against
 * the scenario file's folder and kept within its project, like traces.
 */
export const pluginsField = z
  .array(filePath, { error: 'a list of plug-in module paths' })
  .max(MAX_LIST_ENTRIES, { error: `a list of at most ${MAX_LIST_ENTRIES} plug-in modules` })
  .optional();

/**
 * Checks a heuristic's name as the built-ins are checked: it must be built
 * in or registered in this thread, unless the scenario lists plug-ins, which
 * load only when the scenario runs (every thread that builds its world loads
 * them) and are checked then, before anything is written.
 */
export function checkHeuristicName(name: string, plugins: readonly string[] | undefined, path: (string | number)[], ctx: z.RefinementCtx, learnedAllowed = true): void {
  if ((learnedAllowed && name === 'learned') || isKnownHeuristic(name) || (plugins ?? []).length > 0) return;
  const names = learnedAllowed ? SCHEDULER_POLICIES : SCHEDULER_POLICIES.filter((p) => p !== 'learned');
  ctx.addIssue({ code: 'custom', path, message: `must be one of ${names.join(', ')}, or a scheduler a plug-in registers (list its module in "plugins"), got ${JSON.stringify(name)}` });
}

/** Checks a reward term's kind as a heuristic's name is checked (see checkHeuristicName). */
export function checkRewardKind(kind: string, plugins: readonly string[] | undefined, path: (string | number)[], ctx: z.RefinementCtx): void {
  if (REWARD_TERMS.isKnown(kind) || (plugins ?? []).length > 0) return;
  ctx.addIssue({ code: 'custom', path, message: `must be one of ${BUILTIN_REWARD_KINDS.join(', ')}, or a reward term a plug-in registers (list its module in "plugins"), got ${JSON.stringify(kind)}` });
}

/** Checks the kinds of the learner's policies, family by family, as checkRewardKind checks a reward term's. */
export function checkLearnerKinds(learner: LearnerSpec, plugins: readonly string[] | undefined, ctx: z.RefinementCtx): void {
  if ((plugins ?? []).length > 0) return;
  const check = (family: keyof typeof LEARNER_FAMILIES, kind: string, path: (string | number)[]): void => {
    const registry = LEARNER_FAMILIES[family];
    if (registry.isKnown(kind)) return;
    ctx.addIssue({ code: 'custom', path, message: `must be one of ${registry.builtinKinds.join(', ')}, or a kind a plug-in registers (list its module in "plugins"), got ${JSON.stringify(kind)}` });
  };
  check('rewardScaling', learner.rewardScaling.kind, ['learner', 'rewardScaling', 'kind']);
  check('advantageNormalization', learner.advantageNormalization.kind, ['learner', 'advantageNormalization', 'kind']);
  check('valueNormalization', learner.valueNormalization.kind, ['learner', 'valueNormalization', 'kind']);
  check('learningRate', learner.learningRate.kind, ['learner', 'learningRate', 'kind']);
  check('entropySchedule', learner.entropy.schedule, ['learner', 'entropy', 'schedule']);
  const kl = learner.klControl;
  if (Array.isArray(kl)) kl.forEach((c, i) => check('klControl', c.kind, ['learner', 'klControl', i, 'kind']));
  else check('klControl', kl.kind, ['learner', 'klControl', 'kind']);
}

/** Checks the replica types' models as checkRewardKind checks a reward term's kind. */
export function checkReplicaModels(types: Readonly<Record<string, { model: string }>>, plugins: readonly string[] | undefined, ctx: z.RefinementCtx): void {
  if ((plugins ?? []).length > 0) return;
  for (const [name, type] of Object.entries(types)) {
    if (isKnownReplicaModel(type.model)) continue;
    ctx.addIssue({
      code: 'custom',
      path: ['cluster', 'replicaTypes', name, 'model'],
      message: `must be one of ${BUILTIN_REPLICA_MODELS.join(', ')}, or a replica model a plug-in registers (list its module in "plugins"), got ${JSON.stringify(type.model)}`,
    });
  }
}
