import { z } from 'zod';
import { filePath, minNotAboveMax, positiveIntUpTo, positiveNumber } from './fields.js';
import { MAX_FRONTENDS, MAX_TOKENS } from './limits.js';

const tokenCount = positiveIntUpTo(MAX_TOKENS);

/** How requests arrive at each front-end. */
export const arrivalsSchema = z.discriminatedUnion('kind', [
  /** Exponential inter-arrival gaps at `rate` requests per second. */
  z.strictObject({ kind: z.literal('poisson'), rate: positiveNumber }),
  /** Gamma inter-arrival gaps with coefficient of variation `cv`: cv > 1 is bursty. */
  z.strictObject({ kind: z.literal('gamma'), rate: positiveNumber, cv: positiveNumber }),
  /** Replay of a trace CSV (Azure or Vidur columns); `timeScale` multiplies inter-arrival gaps. */
  z.strictObject({
    kind: z.literal('trace'),
    file: filePath,
    timeScale: positiveNumber.default(1),
  }),
]);

/** Token-length distributions (prompt or output). Draws are rounded and clamped to [min, max]. */
export const tokenLengthSchema = z.discriminatedUnion('kind', [
  z.strictObject({ kind: z.literal('fixed'), value: tokenCount }),
  z.strictObject({ kind: z.literal('uniform'), min: tokenCount, max: tokenCount }).superRefine(minNotAboveMax),
  z.strictObject({
    kind: z.literal('lognormal'),
    mean: positiveNumber,
    /** Standard deviation of the log of the length. */
    sigma: positiveNumber,
    min: tokenCount.default(1),
    max: tokenCount.default(1_000_000),
  }).superRefine(minNotAboveMax),
  /** The empirical distribution of one column of a trace CSV. */
  z.strictObject({ kind: z.literal('trace'), file: filePath, field: z.enum(['prompt', 'output']) }),
]);

export const workloadSchema = z
  .strictObject({
    /** Front-ends, each with its own request stream and scheduler. */
    frontends: positiveIntUpTo(MAX_FRONTENDS).default(1),
    arrivals: arrivalsSchema,
    promptTokens: tokenLengthSchema.optional(),
    outputTokens: tokenLengthSchema.optional(),
  })
  .superRefine((w, ctx) => {
    if (w.arrivals.kind === 'trace') return;
    for (const key of ['promptTokens', 'outputTokens'] as const) {
      if (w[key] === undefined) {
        ctx.addIssue({
          code: 'custom',
          path: [key],
          message: `is missing: expected a token-length distribution (only trace arrivals carry their own lengths)`,
        });
      }
    }
  });

export type ArrivalsSpec = z.infer<typeof arrivalsSchema>;
export type TokenLengthSpec = z.infer<typeof tokenLengthSchema>;
export type WorkloadSpec = z.infer<typeof workloadSchema>;
