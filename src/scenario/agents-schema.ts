import { z } from 'zod';
import { HEURISTIC_NAMES, type HeuristicName } from '../env/routing/registry.js';
import { positiveIntUpTo, positiveNumber } from './fields.js';
import { MAX_BATCH_TOKENS, MAX_TOKEN_BUDGETS } from './limits.js';
import { networksSchema } from './networks-schema.js';

/** The built-in scheduler policies; a plug-in may add heuristics (checked with the whole scenario: see knownSchedulerIssue). */
export const SCHEDULER_POLICIES = ['learned', ...HEURISTIC_NAMES] as const;
const POLICY_PHRASE = `one of ${SCHEDULER_POLICIES.join(', ')}, or a scheduler a plug-in registers`;
const schedulerPolicy = z.string({ error: POLICY_PHRASE }).min(1, { error: POLICY_PHRASE }) as z.ZodType<SchedulerPolicyName>;

/**
 * Who decides what. Every front-end has a scheduler: `learned` makes it an
 * agent, a heuristic name routes with that heuristic inside the simulation; a
 * list gives one policy per front-end, so learned and heuristic schedulers mix.
 * LLM replicas may be agents too, choosing each iteration's token budget.
 */
export const agentsSchema = z.strictObject({
  scheduler: z.strictObject({
    // A list's length must equal workload.frontends (checked with the whole scenario), which is bounded.
    policy: z.union([schedulerPolicy, z.array(schedulerPolicy)], {
      error: `${POLICY_PHRASE}, or a list of them (one per front-end)`,
    }),
  }),
  replica: z
    .strictObject({
      /**
       * `fixed` keeps the replica type's own budget; `learned` makes every LLM
       * replica an agent; `tbt-target` sets each batch's budget by a rule: the
       * largest of `tokenBudgets` whose iteration stays within `tbtTarget`
       * seconds for the sequences decoding (env/cluster/tbt-target-budget.ts).
       */
      policy: z.enum(['fixed', 'learned', 'tbt-target'], { error: 'fixed, learned or tbt-target' }).default('fixed'),
      /** Seconds between tokens the `tbt-target` rule keeps each iteration within. */
      tbtTarget: positiveNumber.optional(),
      /** The token budgets a replica agent chooses from. */
      tokenBudgets: z
        .array(positiveIntUpTo(MAX_BATCH_TOKENS), { error: 'a list of token budgets' })
        .min(2, { error: 'at least two token budgets' })
        .max(MAX_TOKEN_BUDGETS, { error: `at most ${MAX_TOKEN_BUDGETS} token budgets` })
        .default([256, 512, 1024, 2048]),
      /** Decide at every batch formation (omitted) or on a timer every this many seconds, keeping the choice between. */
      decideEvery: positiveNumber.optional(),
    })
    .prefault({}),
  /**
   * Who adds and removes replicas (needs cluster.autoscaling): nobody, the
   * threshold heuristic (launch when the mean outstanding requests per replica
   * exceed `scaleUpAbove` and none is starting, retire below `scaleDownBelow`),
   * or a learned agent; either looks every `interval` seconds.
   */
  autoscaler: z
    .strictObject({
      policy: z.enum(['none', 'threshold', 'learned'], { error: 'none, threshold or learned' }).default('none'),
      interval: positiveNumber.default(10),
      scaleUpAbove: positiveNumber.default(8),
      scaleDownBelow: positiveNumber.default(2),
    })
    .prefault({}),
  networks: networksSchema.prefault({}),
});

export type AgentsSpec = z.infer<typeof agentsSchema>;
/** A scheduler policy: `learned`, or a heuristic's name. */
export type SchedulerPolicyName = 'learned' | HeuristicName;
