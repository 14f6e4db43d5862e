import { z } from 'zod';
import { positiveInt } from './fields.js';

/** One network's architecture: an MLP torso, optionally followed by a GRU layer. */
export const networkSchema = z.strictObject({
  hidden: z.array(positiveInt, { error: 'a list of layer sizes' }).default([64, 64]),
  activation: z.enum(['tanh', 'relu'], { error: 'tanh or relu' }).default('tanh'),
  layerNorm: z.boolean({ error: 'true or false' }).default(false),
  /** Units of a GRU layer after the MLP torso; 0 for a feed-forward network. */
  gru: z.number({ error: 'a non-negative integer' }).int({ error: 'a non-negative integer' }).nonnegative({ error: 'a non-negative integer' }).default(0),
});

/**
 * Which networks exist and who uses them: BenchMARL's 2x2 sharing ablation as
 * two settings (actors shared per role or one per agent; critic shared or one
 * per agent), plus the critic's input (MAPPO's global state or IPPO's own
 * observation).
 */
export const networksSchema = z.strictObject({
  actor: networkSchema.prefault({}),
  critic: networkSchema.prefault({}),
  actorSharing: z.enum(['shared', 'independent'], { error: 'shared or independent' }).default('shared'),
  criticSharing: z.enum(['shared', 'independent'], { error: 'shared or independent' }).default('shared'),
  criticInput: z.enum(['global', 'local'], { error: 'global or local' }).default('global'),
});

export type NetworkSpec = z.infer<typeof networkSchema>;
export type NetworksSpec = z.infer<typeof networksSchema>;
