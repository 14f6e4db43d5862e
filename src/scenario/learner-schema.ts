import { z } from 'zod';
import { fraction, nonNegativeNumber, positiveInt, positiveIntUpTo, positiveNumber } from './fields.js';
import { MAX_LIST_ENTRIES, MAX_ROLLOUT_COPIES, MAX_ROLLOUT_STEPS } from './limits.js';
import { openKinds, pluginKind, type PluginKindSpec } from './open-kinds.js';

const bool = z.boolean({ error: 'true or false' });
const count = z.number({ error: 'a non-negative integer' }).int({ error: 'a non-negative integer' }).nonnegative({ error: 'a non-negative integer' });

/** What scales rewards before advantages are computed (a learner policy: what is rewarded stays in `reward`). */
const builtinRewardScaling = z.discriminatedUnion('kind', [
  z.strictObject({ kind: z.literal('none') }),
  z.strictObject({ kind: z.literal('fixed'), scale: positiveNumber }),
  /** Divide by the running standard deviation of each agent's discounted return (as SB3's VecNormalize), then clip. */
  z.strictObject({ kind: z.literal('running-std'), clip: positiveNumber.default(10) }),
]);

const builtinAdvantageNormalization = z.strictObject({
  /** Whose statistics normalize an advantage: none, the whole batch, the minibatch, or the agent's own rows in the batch. */
  kind: z.enum(['none', 'batch', 'minibatch', 'agent'], { error: 'none, batch, minibatch or agent' }).default('batch'),
  /** Clamp normalized advantages to +-clamp; omit for no clamp. */
  clamp: positiveNumber.optional(),
});

const builtinValueNormalization = z.discriminatedUnion('kind', [
  z.strictObject({ kind: z.literal('none') }),
  /** Critics predict returns standardized by a running mean and variance (MAPPO's ValueNorm); GAE de-normalizes. */
  z.strictObject({ kind: z.literal('running'), beta: fraction.default(0.99999) }),
]);

const builtinKlControl = z.discriminatedUnion('kind', [
  z.strictObject({ kind: z.literal('none') }),
  /** Stop the epoch loop once the mean approx KL of a minibatch exceeds the target. */
  z.strictObject({ kind: z.literal('early-stop'), target: positiveNumber }),
  z.strictObject({ kind: z.literal('fixed-penalty'), coef: nonNegativeNumber }),
  /** Penalty whose coefficient doubles when KL > 1.5 target and halves when KL < target / 1.5 (Schulman et al., 2017). */
  z.strictObject({ kind: z.literal('adaptive-penalty'), target: positiveNumber, initialCoef: nonNegativeNumber.default(1) }),
  /** KL(policy || frozen reference policy), its coefficient decaying linearly from initial to final over decayUpdates. */
  z.strictObject({
    kind: z.literal('reference'),
    initialCoef: nonNegativeNumber,
    finalCoef: nonNegativeNumber.default(0),
    decayUpdates: positiveInt,
  }),
]);

export const entropySchema = z.strictObject({
  /** The entropy bonus coefficient: constant, or scheduled from `coef` to `finalCoef` over the run. */
  coef: nonNegativeNumber.default(0.01),
  /** A built-in schedule, or one a plug-in registers (checked with the whole scenario). */
  schedule: z.string({ error: 'constant, linear or cosine, or a schedule a plug-in registers' }).min(1, { error: 'constant, linear or cosine, or a schedule a plug-in registers' }).default('constant'),
  finalCoef: nonNegativeNumber.default(0),
  /** A larger coefficient for the first `updates` updates. */
  warmup: z.strictObject({ updates: positiveInt, coef: nonNegativeNumber }).optional(),
  /** An extra penalty coef * (min - entropy) while the policy's mean entropy is below `min`. */
  floor: z.strictObject({ min: nonNegativeNumber, coef: positiveNumber }).optional(),
  /**
   * Raises the sampling temperature in pulses when the reward stagnates: every
   * `interval` updates, if the reward per decision improved by less than
   * `threshold` (relative) over the last `memory` updates, sample at
   * `magnitude` for `duration` updates.
   */
  temperature: z
    .strictObject({
      interval: positiveInt,
      magnitude: positiveNumber,
      threshold: nonNegativeNumber.default(0.01),
      memory: positiveInt.default(5),
      duration: positiveInt.default(1),
    })
    .optional(),
});

const builtinLearningRate = z.discriminatedUnion('kind', [
  z.strictObject({ kind: z.literal('constant') }),
  /** Linear from the optimizer's rate down to `final` times it over the run (CleanRL's anneal_lr). */
  z.strictObject({ kind: z.literal('linear'), final: fraction.default(0) }),
  z.strictObject({ kind: z.literal('cosine'), warmupUpdates: count.default(0), final: fraction.default(0) }),
  /** Multiply by `factor` when the reward per decision has not improved by `threshold` (relative) for `patience` updates. */
  z.strictObject({
    kind: z.literal('plateau'),
    factor: fraction.default(0.5),
    patience: positiveInt.default(10),
    threshold: nonNegativeNumber.default(0.01),
    min: fraction.default(0.01),
  }),
]);

/**
 * The learner policies a scenario chooses by kind, by family: the built-in
 * kinds of each. Any other kind is a plug-in's (plugins/plugin.ts), which
 * reads its own fields when the learner is built.
 */
export const BUILTIN_LEARNER_KINDS = {
  rewardScaling: builtinRewardScaling.options.map((o) => o.shape.kind.value),
  advantageNormalization: builtinAdvantageNormalization.shape.kind.removeDefault().options,
  valueNormalization: builtinValueNormalization.options.map((o) => o.shape.kind.value),
  klControl: builtinKlControl.options.map((o) => o.shape.kind.value),
  learningRate: builtinLearningRate.options.map((o) => o.shape.kind.value),
  entropySchedule: ['constant', 'linear', 'cosine'],
} as const;

export const rewardScalingSchema = openKinds(builtinRewardScaling, BUILTIN_LEARNER_KINDS.rewardScaling, pluginKind);
export const advantageNormalizationSchema = openKinds(builtinAdvantageNormalization, BUILTIN_LEARNER_KINDS.advantageNormalization, pluginKind);
export const valueNormalizationSchema = openKinds(builtinValueNormalization, BUILTIN_LEARNER_KINDS.valueNormalization, pluginKind);
export const klControlSchema = openKinds(builtinKlControl, BUILTIN_LEARNER_KINDS.klControl, pluginKind);
export const learningRateSchema = openKinds(builtinLearningRate, BUILTIN_LEARNER_KINDS.learningRate, pluginKind);

/** How the agents learn: MAPPO's update and its pluggable learner policies. */
export const learnerSchema = z.strictObject({
  /** Policy updates in a training run. */
  updates: positiveInt.default(100),
  /** Each update collects `rounds` steps from each of `copies` environment copies. */
  rollout: z
    .strictObject({ copies: positiveIntUpTo(MAX_ROLLOUT_COPIES).default(16), rounds: positiveIntUpTo(MAX_ROLLOUT_STEPS).default(64) })
    .superRefine((r, ctx) => {
      if (r.copies * r.rounds > MAX_ROLLOUT_STEPS) {
        ctx.addIssue({
          code: 'custom',
          path: ['rounds'],
          message: `is ${r.rounds}, which with ${r.copies} copies collects ${r.copies * r.rounds} steps per update; at most ${MAX_ROLLOUT_STEPS.toLocaleString('en-US')} fit the rollout buffer`,
        });
      }
    })
    .prefault({}),
  /** Discount per `timeUnit` seconds of simulated time (per step in lockstep tasks, where a step is 1). */
  gamma: fraction.default(0.99),
  timeUnit: positiveNumber.default(1),
  gaeLambda: fraction.default(0.95),
  epochs: positiveInt.default(4),
  minibatchSize: positiveIntUpTo(MAX_ROLLOUT_STEPS).default(256),
  /** Minibatches whose gradients are summed before one optimizer step. */
  gradientAccumulation: positiveInt.default(1),
  /** Decisions per training sequence for recurrent networks (1 for feed-forward ones). */
  recurrentChunk: positiveIntUpTo(MAX_ROLLOUT_STEPS).default(16),
  clip: positiveNumber.default(0.2),
  /** Clip the value update to +-valueClip around the old value; omit for no value clipping. */
  valueClip: positiveNumber.optional(),
  valueLoss: z.enum(['mse', 'huber'], { error: 'mse or huber' }).default('mse'),
  huberDelta: positiveNumber.default(10),
  valueCoef: nonNegativeNumber.default(0.5),
  maxGradNorm: positiveNumber.default(0.5),
  optimizer: z
    .strictObject({
      lr: positiveNumber.default(3e-4),
      eps: positiveNumber.default(1e-5),
      /** One Adam for actors and one for critics (each clipped on its own), or one for all. */
      separate: bool.default(false),
      /** The critics' rate when separate (default: lr). */
      criticLr: positiveNumber.optional(),
    })
    .prefault({}),
  rewardScaling: rewardScalingSchema.default({ kind: 'none' }),
  advantageNormalization: advantageNormalizationSchema.default({ kind: 'batch' }),
  valueNormalization: valueNormalizationSchema.default({ kind: 'none' }),
  /** One KL controller or several (penalties add up; any may stop the epochs). */
  klControl: z
    .union([klControlSchema, z.array(klControlSchema).max(MAX_LIST_ENTRIES, { error: `a list of at most ${MAX_LIST_ENTRIES} KL controls` })], {
      error: `a KL control, or a list of at most ${MAX_LIST_ENTRIES} of them`,
    })
    .default({ kind: 'none' }),
  entropy: entropySchema.prefault({}),
  learningRate: learningRateSchema.default({ kind: 'constant' }),
});

export type LearnerSpec = z.infer<typeof learnerSchema>;
export type RewardScalingSpec = z.infer<typeof rewardScalingSchema>;
export type AdvantageNormalizationSpec = z.infer<typeof advantageNormalizationSchema>;
export type ValueNormalizationSpec = z.infer<typeof valueNormalizationSchema>;
export type KlControlSpec = z.infer<typeof klControlSchema>;
export type EntropySpec = z.infer<typeof entropySchema>;
export type LearningRateSpec = z.infer<typeof learningRateSchema>;
/** The built-in choices of each family, without a plug-in's. */
export type BuiltinRewardScaling = z.infer<typeof builtinRewardScaling>;
export type BuiltinAdvantageNormalization = z.infer<typeof builtinAdvantageNormalization>;
export type BuiltinValueNormalization = z.infer<typeof builtinValueNormalization>;
export type BuiltinKlControl = z.infer<typeof builtinKlControl>;
export type BuiltinLearningRate = z.infer<typeof builtinLearningRate>;
export type { PluginKindSpec };
