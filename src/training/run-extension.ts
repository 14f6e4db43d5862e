import { produce } from 'immer';
import { InputError } from '../errors.js';
import { LR_SCHEDULES } from '../learners/policies/learning-rate.js';
import type { LearnerSpec } from '../scenario/learner-schema.js';
import type { AnyScenario } from '../scenario/world-scenario-schema.js';

/**
 * The schedules whose value at an update depends on the run's total
 * (learner.updates): a linear or cosine learning rate (or a plug-in's), a
 * linear or cosine entropy coefficient. The others (constant, plateau, KL to a reference with
 * its own decayUpdates, warm-ups, the curriculum) count updates from the start
 * and do not care where the run ends.
 */
export function schedulesOnTotal(learner: LearnerSpec): string[] {
  const out: string[] = [];
  const lr = learner.learningRate.kind;
  // A plug-in's schedule is told the total at every update, so it may depend on it.
  if (lr === 'linear' || lr === 'cosine' || !LR_SCHEDULES.isBuiltin(lr)) out.push(`learningRate "${lr}"`);
  if (learner.entropy.schedule !== 'constant') out.push(`entropy schedule "${learner.entropy.schedule}"`);
  return out;
}

/**
 * A resumed run given a new total (`--resume --updates N`). The rule is to
 * refuse when a schedule depends on the total: stretching it would give the
 * updates before and after the resume different schedules, so the run would
 * match neither a run of the old total nor one of the new, and its
 * scenario.json could no longer say what it did. Otherwise the total is simply
 * N (more or fewer updates, never fewer than already done), and scenario.json
 * is rewritten to say so.
 */
export function withTotalUpdates<S extends AnyScenario>(scenario: S, updates: number | undefined, done: number, runDir: string): S {
  const total = scenario.learner.updates;
  if (updates === undefined || updates === total) return scenario;
  if (updates < done) throw new InputError(`--updates ${updates}: ${runDir} has already done ${done} updates; give at least ${done}`);
  const dependent = schedulesOnTotal(scenario.learner);
  if (dependent.length > 0) {
    throw new InputError(
      `--updates ${updates}: ${runDir} was trained for ${total} updates with a ${dependent.join(' and a ')} scheduled over that total, which cannot change mid-run; train a new run from it with --warm-start ${runDir}`,
    );
  }
  return produce(scenario, (s) => {
    s.learner.updates = updates;
  });
}
