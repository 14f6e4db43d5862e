import { z } from 'zod';
import { fraction, nonNegativeNumber, positiveNumber } from './fields.js';
import { MAX_LIST_ENTRIES } from './limits.js';
import { openKinds, pluginKind } from './open-kinds.js';

const weight = z.number({ error: 'a number' }).default(1);
const scoreTargets = {
  alpha: fraction.default(0.5),
  targetThroughput: positiveNumber,
  targetLatency: positiveNumber,
};

/** The built-in reward terms, by kind. */
const builtinTermSchema = z.discriminatedUnion('kind', [
  /** Minus each completed request's end-to-end latency. */
  z.strictObject({ kind: z.literal('latency'), weight }),
  /** −kappa · sigmoid((latency − threshold) / sigma) per completed request. */
  z.strictObject({ kind: z.literal('logistic-latency'), weight, kappa: positiveNumber.default(1), threshold: positiveNumber, sigma: positiveNumber }),
  /** Per window: alpha · throughput / target − (1 − alpha) · mean latency / target (team). */
  z.strictObject({ kind: z.literal('score'), weight, ...scoreTargets }),
  /** Per window: the change of that score since the previous window (team). */
  z.strictObject({ kind: z.literal('delta-score'), weight, ...scoreTargets }),
  /** Per window: minus the dispersion of load across accepting replicas (team). */
  z.strictObject({
    kind: z.literal('load-balance'),
    weight,
    load: z.enum(['requests', 'tokens', 'utilization'], { error: 'requests, tokens or utilization' }).default('requests'),
    measure: z.enum(['std', 'cv'], { error: 'std or cv' }).default('cv'),
  }),
  /** 1 per completed request meeting both the TTFT and the mean-TBT target (seconds). */
  z.strictObject({ kind: z.literal('slo'), weight, ttft: positiveNumber, tbt: positiveNumber }),
  /** Net present value of what each decision causes (see src/reward/npv.ts). */
  z.strictObject({
    kind: z.literal('npv'),
    weight,
    rate: nonNegativeNumber.default(0.01),
    value: positiveNumber.default(1),
    slo: positiveNumber,
    /** Seconds per output token after the first that a request must also stay within (optional). */
    tpot: positiveNumber.optional(),
    latePenalty: nonNegativeNumber.default(1),
  }),
  /** Per window: minus the spending above `budget` per second (team). */
  z.strictObject({ kind: z.literal('budget'), weight, budget: nonNegativeNumber }),
  /** Progress: 1 per completed request. */
  z.strictObject({ kind: z.literal('throughput'), weight }),
]);

/** The kinds of the built-in reward terms. */
export const BUILTIN_REWARD_KINDS = builtinTermSchema.options.map((o) => o.shape.kind.value);

/**
 * A plug-in's reward term: its kind, its weight, and fields the plug-in
 * reads itself when the term is built (reward/registry.ts). Whether a plug-in
 * provides the kind is checked with the whole scenario (its `plugins`).
 */
const pluginTermSchema = pluginKind.extend({ weight });
export type PluginTermSpec = z.infer<typeof pluginTermSchema>;
/** A built-in reward term as the scenario gives it. */
export type BuiltinTermSpec = z.infer<typeof builtinTermSchema>;

/**
 * What agents are rewarded for: weighted reward terms, each logged on its
 * own. A built-in kind is read by its own schema (so a mistake is named by
 * its field); any other kind is a plug-in's.
 */
export const rewardTermSchema = openKinds(builtinTermSchema, BUILTIN_REWARD_KINDS, pluginTermSchema);

export const rewardSchema = z.strictObject({
  terms: z
    .array(rewardTermSchema, { error: 'a list of reward terms' })
    .min(1, { error: 'at least one reward term' })
    .max(MAX_LIST_ENTRIES, { error: `at most ${MAX_LIST_ENTRIES} reward terms` }),
  /** Seconds of simulated time per reward window (windowed terms evaluate at each window's end). */
  window: positiveNumber.default(1),
  /**
   * Who receives a payment: `individual` — the agents responsible (a request's
   * scheduler and serving replica; a replica's agent); `team` — every learned
   * agent receives every payment; `mix` — teamShare of the team payment plus
   * (1 − teamShare) of the individual one. Team-wide terms always go to the
   * team, and present values always to the decision they belong to.
   */
  credit: z
    .strictObject({
      mode: z.enum(['individual', 'team', 'mix'], { error: 'individual, team or mix' }).default('individual'),
      teamShare: fraction.default(0.5),
    })
    .prefault({}),
});

export type RewardTermSpec = z.infer<typeof rewardTermSchema>;
export type RewardSpec = z.infer<typeof rewardSchema>;
