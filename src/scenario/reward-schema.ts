import { z } from 'zod';

/** What agents are rewarded for: weighted reward terms. */
export const rewardTermSchema = z.discriminatedUnion('kind', [
  /** Minus each completed request's end-to-end latency. */
  z.strictObject({ kind: z.literal('latency'), weight: z.number({ error: 'a number' }).default(1) }),
]);

export const rewardSchema = z.strictObject({
  terms: z.array(rewardTermSchema, { error: 'a list of reward terms' }).min(1, { error: 'at least one reward term' }),
});

export type RewardTermSpec = z.infer<typeof rewardTermSchema>;
export type RewardSpec = z.infer<typeof rewardSchema>;
