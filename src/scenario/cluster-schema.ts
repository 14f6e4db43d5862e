import { z } from 'zod';
import { minNotAboveMax, nonNegativeNumber, positiveInt, positiveNumber } from './fields.js';

/** How an LLM replica forms its next batch. */
export const batchingSchema = z.discriminatedUnion('kind', [
  /** vLLM-style: waiting prefills first (up to maxBatchTokens prompt tokens), else one decode step for all. */
  z.strictObject({
    kind: z.literal('vllm'),
    maxBatchSize: positiveInt.default(128),
    maxBatchTokens: positiveInt.default(4096),
  }),
  /** Sarathi-style: decodes first, then prefill chunks, all within a per-iteration token budget. */
  z.strictObject({
    kind: z.literal('sarathi'),
    maxBatchSize: positiveInt.default(128),
    chunkSize: positiveInt.default(512),
  }),
]);

/**
 * Iteration time = overhead + perPrefillToken * prefill tokens + perDecodeSeq * decoding
 * sequences + perKvToken * KV tokens read by the batch (seconds).
 */
export const iterationTimeSchema = z.strictObject({
  overhead: nonNegativeNumber,
  perPrefillToken: nonNegativeNumber,
  perDecodeSeq: nonNegativeNumber,
  perKvToken: nonNegativeNumber,
});

export const serviceTimeSchema = z.discriminatedUnion('kind', [
  z.strictObject({ kind: z.literal('exponential'), mean: positiveNumber }),
  z.strictObject({ kind: z.literal('deterministic'), value: positiveNumber }),
  z.strictObject({ kind: z.literal('lognormal'), mean: positiveNumber, sigma: positiveNumber }),
  z.strictObject({ kind: z.literal('gamma'), mean: positiveNumber, cv: positiveNumber }),
  z.strictObject({ kind: z.literal('uniform'), min: positiveNumber, max: positiveNumber }).superRefine(minNotAboveMax),
]);

export const replicaTypeSchema = z.discriminatedUnion('model', [
  /** A continuous-batching LLM server with a paged KV cache. */
  z.strictObject({
    model: z.literal('llm'),
    batching: batchingSchema,
    kvCache: z.strictObject({ blocks: positiveInt, blockSize: positiveInt.default(16) }),
    iterationTime: iterationTimeSchema,
    /** What the replica costs per second while it runs (starting, serving or draining). */
    costPerSecond: nonNegativeNumber.default(0),
  }),
  /** A single server with a FIFO queue and a service-time distribution (queueing-theory checks). */
  z.strictObject({ model: z.literal('fifo'), serviceTime: serviceTimeSchema, costPerSecond: nonNegativeNumber.default(0) }),
]);

/** Replicas that can be launched and retired while the cluster runs. */
export const autoscalingSchema = z.strictObject({
  /** Replicas beyond `replicas`, stopped at the start; launching one takes `startupDelay` seconds. */
  pool: z.array(z.strictObject({ type: z.string({ error: 'a replica type name' }), count: positiveInt }), { error: 'a list of {type, count}' }).min(1, {
    error: 'a non-empty list of {type, count}',
  }),
  startupDelay: nonNegativeNumber.default(30),
  /** Never retire below this many serving replicas. */
  minReplicas: positiveInt.default(1),
});

export const clusterSchema = z
  .strictObject({
    replicaTypes: z.record(z.string(), replicaTypeSchema, { error: 'an object of named replica types' }),
    replicas: z
      .array(z.strictObject({ type: z.string({ error: 'a replica type name' }), count: positiveInt }), {
        error: 'a list of {type, count}',
      })
      .min(1, { error: 'a non-empty list of {type, count}' }),
    autoscaling: autoscalingSchema.optional(),
  })
  .superRefine((c, ctx) => {
    const known = Object.keys(c.replicaTypes);
    const check = (groups: { type: string }[], path: string): void =>
      groups.forEach((group, i) => {
        if (!(group.type in c.replicaTypes)) {
          ctx.addIssue({
            code: 'custom',
            path: [...path.split('.'), i, 'type'],
            message: `must name one of cluster.replicaTypes (${known.join(', ') || 'none defined'}), got ${JSON.stringify(group.type)}`,
          });
        }
      });
    check(c.replicas, 'replicas');
    if (c.autoscaling !== undefined) check(c.autoscaling.pool, 'autoscaling.pool');
  });

/** Every replica's type name in index order: the initial replicas, then the autoscaling pool. */
export function replicaTypeNames(c: ClusterSpec): string[] {
  const groups = [...c.replicas, ...(c.autoscaling?.pool ?? [])];
  return groups.flatMap((g) => Array<string>(g.count).fill(g.type));
}

export type BatchingSpec = z.infer<typeof batchingSchema>;
export type IterationTimeSpec = z.infer<typeof iterationTimeSchema>;
export type ServiceTimeSpec = z.infer<typeof serviceTimeSchema>;
export type ReplicaTypeSpec = z.infer<typeof replicaTypeSchema>;
export type LlmReplicaSpec = Extract<ReplicaTypeSpec, { model: 'llm' }>;
export type ClusterSpec = z.infer<typeof clusterSchema>;
export type AutoscalingSpec = z.infer<typeof autoscalingSchema>;
