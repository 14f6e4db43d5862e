import { KindRegistry } from '../../plugins/kind-registry.js';
import { BUILTIN_LEARNER_KINDS, type BuiltinLearningRate, type LearningRateSpec, type PluginKindSpec } from '../../scenario/learner-schema.js';
import { cosineSchedule, linearSchedule, runProgress } from '../schedule.js';
import { StagnationDetector } from '../stagnation.js';
import type { Stateful } from '../stateful.js';

/** The learning rate of each update, as a multiple of the optimizer's base rate (so separate actor and critic rates keep their ratio). */
export interface LrSchedule extends Stateful {
  multiplier(update: number, totalUpdates: number): number;
  /**
   * After update `update`, with the reward per decision of its rollout
   * ('reward/perDecision'), for schedules that react to progress.
   */
  observe(update: number, rewardPerDecision: number): void;
}

/** The schedules that are functions of the update alone: nothing to observe, nothing to checkpoint. */
abstract class FixedLrSchedule implements LrSchedule {
  abstract multiplier(update: number, totalUpdates: number): number;

  observe(_update: number, _rewardPerDecision: number): void {}

  state(): unknown {
    return null;
  }

  restore(_state: unknown): void {}
}

/** `constant`: the base rate throughout. */
export class ConstantLr extends FixedLrSchedule {
  multiplier(): number {
    return 1;
  }
}

/** `linear`: from the base rate at the first update to `final` times it at the last (CleanRL's anneal_lr with final 0). */
export class LinearLr extends FixedLrSchedule {
  constructor(readonly final: number) {
    super();
  }

  multiplier(update: number, totalUpdates: number): number {
    return linearSchedule(1, this.final, runProgress(update, totalUpdates));
  }
}

/**
 * `cosine`: a linear warm-up from near 0 to the base rate over
 * `warmupUpdates` (Adam's early moment estimates are noisy, so its first steps
 * are kept small), then a half cosine down to `final` times the base rate at
 * the last update.
 */
export class CosineLr extends FixedLrSchedule {
  constructor(
    readonly warmupUpdates: number,
    readonly final: number,
  ) {
    super();
  }

  multiplier(update: number, totalUpdates: number): number {
    if (update <= this.warmupUpdates) return linearSchedule(0, 1, update / this.warmupUpdates);
    const span = totalUpdates - this.warmupUpdates;
    return span <= 1 ? 1 : cosineSchedule(1, this.final, (update - this.warmupUpdates - 1) / (span - 1));
  }
}

/**
 * `plateau`: reduce on plateau. When the reward per decision has not
 * improved by `threshold` (relative) for `patience` updates, multiply the
 * rate by `factor`, never below `min` times the base rate, and wait another
 * `patience` updates before judging again.
 */
export class PlateauLr implements LrSchedule {
  private readonly detector: StagnationDetector;
  private current = 1;

  constructor(
    readonly factor: number,
    patience: number,
    threshold: number,
    readonly min: number,
  ) {
    this.detector = new StagnationDetector(patience, threshold);
  }

  multiplier(): number {
    return this.current;
  }

  observe(_update: number, rewardPerDecision: number): void {
    this.detector.observe(rewardPerDecision);
    if (this.detector.stagnant()) {
      this.current = Math.max(this.min, this.current * this.factor);
      this.detector.reset();
    }
  }

  state(): unknown {
    return { multiplier: this.current, history: this.detector.state() };
  }

  restore(s: unknown): void {
    const st = s as { multiplier: number; history: number[] };
    this.current = st.multiplier;
    this.detector.restore(st.history);
  }
}

/** The learning-rate schedules: the built-in kinds, and those plug-ins registered in this thread. */
export const LR_SCHEDULES = new KindRegistry<LrSchedule>('learning-rate schedule', BUILTIN_LEARNER_KINDS.learningRate);

/** The registry: the scenario's `learner.learningRate` to its schedule. */
export function buildLrSchedule(spec: LearningRateSpec): LrSchedule {
  if (!LR_SCHEDULES.isBuiltin(spec.kind)) return LR_SCHEDULES.buildPlugin(spec as PluginKindSpec, 'learner.learningRate');
  const b = spec as BuiltinLearningRate;
  switch (b.kind) {
    case 'constant':
      return new ConstantLr();
    case 'linear':
      return new LinearLr(b.final);
    case 'cosine':
      return new CosineLr(b.warmupUpdates, b.final);
    case 'plateau':
      return new PlateauLr(b.factor, b.patience, b.threshold, b.min);
  }
}
