import { z } from 'zod';
import { HEURISTIC_NAMES, type HeuristicName } from '../env/routing/registry.js';
import { fraction, nonNegativeNumber, positiveInt, positiveNumber } from './fields.js';
import { MAX_LIST_ENTRIES } from './limits.js';

/** Figures a run can be judged by: the episode reward (higher is better) or a serving figure (lower is better). */
export const VALIDATION_METRICS = ['reward', 'e2eP99', 'e2eMean', 'ttftP99'] as const;
export type ValidationMetric = (typeof VALIDATION_METRICS)[number];

/** Every `every` updates (and at the end), play `episodes` held-out episodes and keep the best checkpoint by `metric`. */
const validationFields = {
  every: positiveInt.default(10),
  episodes: positiveInt.default(3),
  /** Judge the policy acting on its most probable action instead of sampling. */
  greedy: z.boolean({ error: 'true or false' }).default(false),
};

/** How a training run is run: validation, early stopping, a load curriculum, checkpoints. */
export const trainingSchema = z.strictObject({
  validation: z
    .strictObject({ ...validationFields, metric: z.enum(VALIDATION_METRICS, { error: VALIDATION_METRICS.join(', ') }).default('reward') })
    .prefault({}),
  /** Stop when `patience` validations in a row improve the best by less than `threshold` (relative). */
  earlyStopping: z.strictObject({ patience: positiveInt, threshold: nonNegativeNumber.default(0.01) }).optional(),
  /** A load schedule: from each stage's update on, new episodes run at `loadScale` times the scenario's load. */
  curriculum: z
    .array(z.strictObject({ fromUpdate: positiveInt, loadScale: positiveNumber }), { error: 'a list of {fromUpdate, loadScale}' })
    .max(MAX_LIST_ENTRIES, { error: `a list of at most ${MAX_LIST_ENTRIES} stages` })
    .optional(),
  /** Write checkpoints/latest every this many updates (and at the end). */
  checkpointEvery: positiveInt.default(10),
  /**
   * Start PPO from a heuristic instead of random actors: before the first
   * update, `mappo train` records `episodes` episodes of the heuristic, clones
   * the scenario's actors from them and trains from the clone, as `mappo demo`,
   * `mappo bc` and `train --warm-start` do by hand (everything lands in the run
   * directory's warm-start/ folder). `--warm-start RUN` takes precedence.
   */
  warmStart: z
    .strictObject({
      /** A built-in heuristic, or one a plug-in registers (checked with the whole scenario). */
      heuristic: z.string({ error: `one of ${HEURISTIC_NAMES.join(', ')}, or a scheduler a plug-in registers` }) as z.ZodType<HeuristicName>,
      episodes: positiveInt.default(10),
      /** Passes over the demonstrations. */
      epochs: positiveInt.default(40),
      /** Share of each cloning target spread over all allowed actions (see mappo bc --label-smoothing). */
      labelSmoothing: fraction.refine((x) => x < 1, { error: 'a number in [0, 1)' }).default(0.4),
    })
    .optional(),
});

export type TrainingSpec = z.infer<typeof trainingSchema>;

/**
 * Training in a world other than the cluster: validated on the episode reward
 * or any figure the world reports (checked against the world when the run
 * starts), and no heuristic to warm-start from.
 */
export const worldTrainingSchema = trainingSchema.omit({ warmStart: true }).extend({
  validation: z
    .strictObject({ ...validationFields, metric: z.string({ error: "'reward' or a figure the world reports" }).min(1, { error: "'reward' or a figure the world reports" }).default('reward') })
    .prefault({}),
});

export type WorldTrainingSpec = z.infer<typeof worldTrainingSchema>;

/** Whether a larger value of the metric is better. */
export function higherIsBetter(metric: ValidationMetric): boolean {
  return metric === 'reward';
}
