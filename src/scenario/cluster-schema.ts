import { z } from 'zod';
import { InputError } from '../errors.js';
import { minNotAboveMax, nonNegativeNumber, positiveIntUpTo, positiveNumber } from './fields.js';
import { RESERVED_LIST, RESERVED_NAMES } from './reserved-names.js';
import { MAX_BATCH_SIZE, MAX_BATCH_TOKENS, MAX_BLOCK_SIZE, MAX_KV_BLOCKS, MAX_REPLICAS } from './limits.js';
import { openKinds } from './open-kinds.js';
import { expandReplicaPreset } from './replica-preset-field.js';

/** How an LLM replica forms its next batch. */
export const batchingSchema = z.discriminatedUnion('kind', [
  /** vLLM-style: waiting prefills first (up to maxBatchTokens prompt tokens), else one decode step for all. */
  z.strictObject({
    kind: z.literal('vllm'),
    maxBatchSize: positiveIntUpTo(MAX_BATCH_SIZE).default(128),
    maxBatchTokens: positiveIntUpTo(MAX_BATCH_TOKENS).default(4096),
  }),
  /** Sarathi-style: decodes first, then prefill chunks, all within a per-iteration token budget. */
  z.strictObject({
    kind: z.literal('sarathi'),
    maxBatchSize: positiveIntUpTo(MAX_BATCH_SIZE).default(128),
    chunkSize: positiveIntUpTo(MAX_BATCH_TOKENS).default(512),
  }),
]);

/**
 * Iteration time = overhead + perPrefillToken * prefill tokens + perDecodeSeq * decoding
 * sequences + perKvToken * KV tokens read by the batch (seconds). The form of
 * hand-written replica types.
 */
export const linearIterationTimeSchema = z.strictObject({
  overhead: nonNegativeNumber,
  perPrefillToken: nonNegativeNumber,
  perDecodeSeq: nonNegativeNumber,
  perKvToken: nonNegativeNumber,
});

/**
 * Iteration time = overhead
 *   + max(linearFloor, linearBase + linearPerToken * tokens in the batch)
 *   + perDecodeKvToken * KV tokens the decoding sequences read
 *   + perPrefillPair * (query, key) pairs of the prefill chunks' causal attention
 * (seconds). The form of replica presets (env/hardware/replica-presets.ts):
 * the max is the linear layers' roofline, flat while memory-bound and rising
 * with tokens once compute-bound, which no single line follows.
 */
export const rooflineIterationTimeSchema = z.strictObject({
  kind: z.literal('roofline'),
  overhead: nonNegativeNumber,
  linearFloor: nonNegativeNumber,
  linearBase: nonNegativeNumber,
  linearPerToken: nonNegativeNumber,
  perDecodeKvToken: nonNegativeNumber,
  perPrefillPair: nonNegativeNumber,
});

/** An LLM replica's iteration time: the linear form (no `kind`), or `kind: "roofline"`. */
export const iterationTimeSchema = z.unknown().transform((raw, ctx): LinearIterationTime | RooflineIterationTime => {
  const kind = typeof raw === 'object' && raw !== null ? (raw as Record<string, unknown>).kind : undefined;
  if (kind !== undefined && kind !== 'roofline') {
    ctx.addIssue({ code: 'custom', path: ['kind'], message: `must be "roofline", or absent for the linear form, got ${JSON.stringify(kind)}`, input: raw });
    return z.NEVER;
  }
  const result = (kind === 'roofline' ? rooflineIterationTimeSchema : linearIterationTimeSchema).safeParse(raw, { reportInput: true });
  if (result.success) return result.data;
  for (const issue of result.error.issues) ctx.addIssue(issue as Parameters<typeof ctx.addIssue>[0]);
  return z.NEVER;
});

export const serviceTimeSchema = z.discriminatedUnion('kind', [
  z.strictObject({ kind: z.literal('exponential'), mean: positiveNumber }),
  z.strictObject({ kind: z.literal('deterministic'), value: positiveNumber }),
  z.strictObject({ kind: z.literal('lognormal'), mean: positiveNumber, sigma: positiveNumber }),
  z.strictObject({ kind: z.literal('gamma'), mean: positiveNumber, cv: positiveNumber }),
  z.strictObject({ kind: z.literal('uniform'), min: positiveNumber, max: positiveNumber }).superRefine(minNotAboveMax),
]);

const builtinReplicaType = z.discriminatedUnion('model', [
  /** A continuous-batching LLM server with a paged KV cache. */
  z.strictObject({
    model: z.literal('llm'),
    batching: batchingSchema,
    kvCache: z.strictObject({ blocks: positiveIntUpTo(MAX_KV_BLOCKS), blockSize: positiveIntUpTo(MAX_BLOCK_SIZE).default(16) }),
    iterationTime: iterationTimeSchema,
    /** What the replica costs per second while it runs (starting, serving or draining). */
    costPerSecond: nonNegativeNumber.default(0),
    /** The preset this type was made from, its tensor-parallel degree, and what its computed numbers were computed for (replica-preset-field.ts). */
    preset: z.string().optional(),
    tp: z.number().optional(),
    derivedFrom: z.strictObject({ preset: z.string(), tp: z.number(), blockSize: z.number() }).optional(),
  }),
  /** A single server with a FIFO queue and a service-time distribution (queueing-theory checks). */
  z.strictObject({ model: z.literal('fifo'), serviceTime: serviceTimeSchema, costPerSecond: nonNegativeNumber.default(0) }),
]);

/** The built-in replica models. */
export const BUILTIN_REPLICA_MODELS = builtinReplicaType.options.map((o) => o.shape.model.value);

/**
 * A plug-in's replica model: its name, what it costs per second while it runs
 * (the framework's capacity accounting applies it), and fields the plug-in
 * reads itself. Whether a plug-in provides the model is checked with the
 * whole scenario (its `plugins`).
 */
const pluginReplicaType = z.looseObject({ model: z.string({ error: 'a replica model' }), costPerSecond: nonNegativeNumber.default(0) });
export type PluginReplicaSpec = z.infer<typeof pluginReplicaType>;

/** A replica type: an LLM server, a FIFO server, or a plug-in's model (by `model`). */
export const replicaTypeSchema = z.preprocess(expandReplicaPreset, openKinds(builtinReplicaType, BUILTIN_REPLICA_MODELS, pluginReplicaType, 'model'));

const RESERVED_TYPE_NAME = `is not a usable replica type name (${RESERVED_LIST} are reserved); name it something else`;

/** Replicas of one type; the count is bounded here and again, summed over all groups, by the cluster. */
const replicaGroupSchema = z.strictObject({ type: z.string({ error: 'a replica type name' }), count: positiveIntUpTo(MAX_REPLICAS) });

/** Replicas that can be launched and retired while the cluster runs. */
export const autoscalingSchema = z.strictObject({
  /** Replicas beyond `replicas`, stopped at the start; launching one takes `startupDelay` seconds. */
  pool: z
    .array(replicaGroupSchema, { error: 'a list of {type, count}' })
    .min(1, { error: 'a non-empty list of {type, count}' })
    .max(MAX_REPLICAS, { error: `a list of at most ${MAX_REPLICAS} {type, count}` }),
  startupDelay: nonNegativeNumber.default(30),
  /** Never retire below this many serving replicas. */
  minReplicas: positiveIntUpTo(MAX_REPLICAS).default(1),
});

export const clusterSchema = z
  .strictObject({
    /*
     * zod's record drops a `__proto__` key without a word (assigning it would
     * replace the result's prototype), so it is refused here, before the record
     * sees it; parseScenario refuses it earlier still, but the schema holds on its own.
     */
    replicaTypes: z.preprocess((input, ctx) => {
      if (typeof input === 'object' && input !== null && Object.hasOwn(input, '__proto__')) {
        ctx.addIssue({ code: 'custom', path: ['__proto__'], message: RESERVED_TYPE_NAME, input });
      }
      return input;
    }, z.record(z.string(), replicaTypeSchema, { error: 'an object of named replica types' })),
    replicas: z
      .array(replicaGroupSchema, { error: 'a list of {type, count}' })
      .min(1, { error: 'a non-empty list of {type, count}' })
      .max(MAX_REPLICAS, { error: `a list of at most ${MAX_REPLICAS} {type, count}` }),
    autoscaling: autoscalingSchema.optional(),
    /**
     * Seconds between the load reports replicas publish to the front-ends.
     * Omitted or 0, every front-end sees each replica's load live; otherwise a
     * front-end's routers and scheduler agents see the last report plus the
     * requests that front-end has routed since (env/cluster/load-reports.ts).
     */
    loadReportEvery: nonNegativeNumber.optional(),
  })
  .superRefine((c, ctx) => {
    const known = Object.keys(c.replicaTypes);
    for (const name of known) {
      if (RESERVED_NAMES.has(name)) {
        ctx.addIssue({ code: 'custom', path: ['replicaTypes', name], message: RESERVED_TYPE_NAME });
      }
    }
    // Own keys only: `in` would also find toString, constructor and the rest of Object.prototype.
    const check = (groups: { type: string }[], path: string): void =>
      groups.forEach((group, i) => {
        if (!Object.hasOwn(c.replicaTypes, group.type)) {
          ctx.addIssue({
            code: 'custom',
            path: [...path.split('.'), i, 'type'],
            message: `must name one of cluster.replicaTypes (${known.join(', ') || 'none defined'}), got ${JSON.stringify(group.type)}`,
          });
        }
      });
    check(c.replicas, 'replicas');
    if (c.autoscaling !== undefined) check(c.autoscaling.pool, 'autoscaling.pool');
    const total = [...c.replicas, ...(c.autoscaling?.pool ?? [])].reduce((n, g) => n + g.count, 0);
    if (total > MAX_REPLICAS) {
      ctx.addIssue({
        code: 'custom',
        path: ['replicas'],
        message: `and the autoscaling pool add up to ${total} replicas; a cluster may have at most ${MAX_REPLICAS.toLocaleString('en-US')}, beyond which learned schedulers' observations outgrow memory`,
      });
    }
  });

/**
 * The replica type called `name`, an own entry of cluster.replicaTypes only:
 * an inherited name (toString, constructor) is not a replica type.
 */
export function replicaTypeOf(c: ClusterSpec, name: string): ReplicaTypeSpec {
  if (!Object.hasOwn(c.replicaTypes, name)) {
    throw new InputError(`cluster names replica type ${JSON.stringify(name)}, which cluster.replicaTypes does not define (${Object.keys(c.replicaTypes).join(', ') || 'none defined'})`);
  }
  return c.replicaTypes[name];
}

/** Every replica's type name in index order: the initial replicas, then the autoscaling pool. */
export function replicaTypeNames(c: ClusterSpec): string[] {
  const groups = [...c.replicas, ...(c.autoscaling?.pool ?? [])];
  return groups.flatMap((g) => Array<string>(g.count).fill(g.type));
}

export type BatchingSpec = z.infer<typeof batchingSchema>;
export type LinearIterationTime = z.infer<typeof linearIterationTimeSchema>;
export type RooflineIterationTime = z.infer<typeof rooflineIterationTimeSchema>;
export type IterationTimeSpec = LinearIterationTime | RooflineIterationTime;
export type ServiceTimeSpec = z.infer<typeof serviceTimeSchema>;
export type ReplicaTypeSpec = z.infer<typeof replicaTypeSchema>;
export type LlmReplicaSpec = Extract<ReplicaTypeSpec, { model: 'llm' }>;
export type FifoReplicaSpec = Extract<ReplicaTypeSpec, { model: 'fifo' }>;

/** Whether a replica type is the built-in LLM server (a plug-in's model may not take its name, so the name decides). */
export function isLlmType(t: ReplicaTypeSpec): t is LlmReplicaSpec {
  return t.model === 'llm';
}

/** Whether a replica type is the built-in FIFO server. */
export function isFifoType(t: ReplicaTypeSpec): t is FifoReplicaSpec {
  return t.model === 'fifo';
}
export type ClusterSpec = z.infer<typeof clusterSchema>;
export type AutoscalingSpec = z.infer<typeof autoscalingSchema>;

/** Whether front-ends see load reports (cluster.loadReportEvery > 0) rather than live load. */
export function hasLoadReports(c: ClusterSpec): boolean {
  return (c.loadReportEvery ?? 0) > 0;
}
