import { z } from 'zod';
import { agentsSchema, type SchedulerPolicyName } from './agents-schema.js';
import { clusterSchema } from './cluster-schema.js';
import { positiveInt, positiveNumber, seedInt } from './fields.js';
import { learnerSchema } from './learner-schema.js';
import { rewardSchema } from './reward-schema.js';
import { trainingSchema } from './training-schema.js';
import { workloadSchema } from './workload-schema.js';

/** A scenario: the unit a researcher writes. Unknown fields are errors, so typos do not pass silently. */
export const scenarioSchema = z
  .strictObject({
  name: z.string({ error: 'a name' }).min(1, { error: 'a non-empty name' }),
  description: z.string({ error: 'a text' }).optional(),
  seed: seedInt.default(1),
  /** Simulated seconds during which requests arrive. */
  horizon: positiveNumber,
  /** After arrivals stop, keep running until every request has completed (true) or stop at the horizon. */
  drain: z.boolean({ error: 'true or false' }).default(true),
  /** Stop arrivals after this many requests in all. */
  maxRequests: positiveInt.optional(),
  cluster: clusterSchema,
  workload: workloadSchema,
  agents: agentsSchema,
  reward: rewardSchema.prefault({ terms: [{ kind: 'latency' }] }),
  learner: learnerSchema.prefault({}),
  training: trainingSchema.prefault({}),
  })
  .superRefine((s, ctx) => {
    if (s.agents.autoscaler.policy !== 'none' && s.cluster.autoscaling === undefined) {
      ctx.addIssue({
        code: 'custom',
        path: ['agents', 'autoscaler', 'policy'],
        message: `is ${s.agents.autoscaler.policy}, but the cluster has no autoscaling pool (cluster.autoscaling) to launch replicas from`,
      });
    }
    const p = s.agents.scheduler.policy;
    if (typeof p !== 'string' && p.length !== s.workload.frontends) {
      ctx.addIssue({
        code: 'custom',
        path: ['agents', 'scheduler', 'policy'],
        message: `lists ${p.length} policies but workload.frontends is ${s.workload.frontends}; give one per front-end`,
      });
    }
  });

/** A validated scenario with defaults filled in and file paths resolved. Treat as immutable. */
export type Scenario = z.infer<typeof scenarioSchema>;

/** The scheduler policy of front-end `f` (a scenario may give one policy for all or one per front-end). */
export function schedulerPolicyOf(s: Scenario, f: number): SchedulerPolicyName {
  const p = s.agents.scheduler.policy;
  return typeof p === 'string' ? p : p[f];
}
