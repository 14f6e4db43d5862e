import { z } from 'zod';
import { agentsSchema, type SchedulerPolicyName } from './agents-schema.js';
import { clusterSchema } from './cluster-schema.js';
import { positiveIntUpTo, positiveNumber, seedInt } from './fields.js';
import { learnerSchema } from './learner-schema.js';
import { checkHeuristicName, checkLearnerKinds, checkReplicaModels, checkRewardKind, pluginsField } from './plugins-field.js';
import { MAX_NAME_LENGTH, MAX_REQUESTS } from './limits.js';
import { rewardSchema } from './reward-schema.js';
import { trainingSchema, type TrainingSpec } from './training-schema.js';
import { workloadSchema, type WorkloadSpec } from './workload-schema.js';

const NAME_PHRASE = `letters, digits, "-", "_" and "." only, not starting with "." and at most ${MAX_NAME_LENGTH} characters, since it names the run folder runs/<name>`;

/** A scenario's name. It becomes a path component (runs/<name>), so it may not hold separators or climb with "..". */
export const scenarioName = z
  .string({ error: 'a name' })
  .regex(/^[A-Za-z0-9_-][A-Za-z0-9._-]*$/, { error: NAME_PHRASE })
  .max(MAX_NAME_LENGTH, { error: NAME_PHRASE });

/**
 * A scenario of the LLM-serving cluster: the unit a researcher writes. Unknown
 * fields are errors, so typos do not pass silently. The cluster is the default
 * world: a scenario without `world` (or with `"world": "cluster"`) is one of
 * these; any other world's scenario is a WorldScenario.
 */
export const scenarioSchema = z
  .strictObject({
  name: scenarioName,
  world: z.literal('cluster', { error: '"cluster" here (another world\'s scenario has no cluster, workload or agents.scheduler)' }).optional(),
  description: z.string({ error: 'a text' }).optional(),
  /** Plug-in modules whose schedulers the scenario names (plugins/plugin.ts). */
  plugins: pluginsField,
  seed: seedInt.default(1),
  /** Simulated seconds during which requests arrive. */
  horizon: positiveNumber,
  /** After arrivals stop, keep running until every request has completed (true) or stop at the horizon. */
  drain: z.boolean({ error: 'true or false' }).default(true),
  /** Stop arrivals after this many requests in all. */
  maxRequests: positiveIntUpTo(MAX_REQUESTS).optional(),
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
    if (s.agents.replica.policy === 'tbt-target' && s.agents.replica.tbtTarget === undefined) {
      ctx.addIssue({
        code: 'custom',
        path: ['agents', 'replica', 'tbtTarget'],
        message: 'is needed by the tbt-target replica policy: the seconds between tokens each iteration must stay within',
      });
    }
    const p = s.agents.scheduler.policy;
    if (typeof p === 'string') checkHeuristicName(p, s.plugins, ['agents', 'scheduler', 'policy'], ctx);
    else p.forEach((name, i) => checkHeuristicName(name, s.plugins, ['agents', 'scheduler', 'policy', i], ctx));
    s.reward.terms.forEach((t, i) => checkRewardKind(t.kind, s.plugins, ['reward', 'terms', i, 'kind'], ctx));
    checkLearnerKinds(s.learner, s.plugins, ctx);
    checkReplicaModels(s.cluster.replicaTypes, s.plugins, ctx);
    const warm = s.training.warmStart;
    if (warm !== undefined) checkHeuristicName(warm.heuristic, s.plugins, ['training', 'warmStart', 'heuristic'], ctx, false);
    if (typeof p !== 'string' && p.length !== s.workload.frontends) {
      ctx.addIssue({
        code: 'custom',
        path: ['agents', 'scheduler', 'policy'],
        message: `lists ${p.length} policies but workload.frontends is ${s.workload.frontends}; give one per front-end`,
      });
    }
    checkExpectedRequests(s, ctx);
    const every = s.cluster.loadReportEvery ?? 0;
    if (every > 0 && s.horizon / every > MAX_REQUESTS) {
      ctx.addIssue({
        code: 'custom',
        path: ['cluster', 'loadReportEvery'],
        message: `is ${every} s, which over the ${s.horizon} s horizon makes more than ${MAX_REQUESTS.toLocaleString('en-US')} load reports; report less often, or use 0 for live load`,
      });
    }
  });

/**
 * Renewal arrivals never end by themselves: without maxRequests a run makes
 * about rate x front-ends x horizon requests (more under a curriculum stage
 * that scales the load), so that product is held to MAX_REQUESTS. Traces are
 * bounded by their length instead.
 */
function checkExpectedRequests(s: { horizon: number; maxRequests?: number; workload: WorkloadSpec; training: TrainingSpec }, ctx: z.RefinementCtx): void {
  const a = s.workload.arrivals;
  if (a.kind === 'trace' || s.maxRequests !== undefined) return;
  const scale = Math.max(1, ...(s.training.curriculum ?? []).map((c) => c.loadScale));
  const expected = a.rate * s.workload.frontends * s.horizon * scale;
  if (expected <= MAX_REQUESTS) return;
  const scaled = scale === 1 ? '' : ` at the curriculum's load scale ${scale}`;
  const perFrontend = s.workload.frontends === 1 ? '' : ` at each of ${s.workload.frontends} front-ends`;
  ctx.addIssue({
    code: 'custom',
    path: ['workload', 'arrivals', 'rate'],
    message:
      `is ${a.rate} requests/s${perFrontend}, which over the ${s.horizon} s horizon${scaled} makes about ` +
      `${fmt(expected)} requests, more than the ${MAX_REQUESTS.toLocaleString('en-US')} one simulation may hold; lower the rate or the horizon, or cap the run with maxRequests`,
  });
}

function fmt(n: number): string {
  return n < 1e15 ? Math.round(n).toLocaleString('en-US') : n.toExponential(1);
}

/** A validated scenario with defaults filled in and file paths resolved. Treat as immutable. */
export type Scenario = z.infer<typeof scenarioSchema>;

/** The scheduler policy of front-end `f` (a scenario may give one policy for all or one per front-end). */
export function schedulerPolicyOf(s: Scenario, f: number): SchedulerPolicyName {
  const p = s.agents.scheduler.policy;
  return typeof p === 'string' ? p : p[f];
}
