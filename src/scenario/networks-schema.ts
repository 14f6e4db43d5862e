import { z } from 'zod';
import { positiveIntUpTo } from './fields.js';
import { MAX_GRU_UNITS, MAX_HIDDEN_LAYERS, MAX_HIDDEN_WIDTH } from './limits.js';


const GRU_UNITS = `a non-negative integer up to ${MAX_GRU_UNITS.toLocaleString('en-US')}`;

/** One network's architecture: an MLP torso, optionally followed by a GRU layer. */
export const networkSchema = z.strictObject({
  hidden: z
    .array(positiveIntUpTo(MAX_HIDDEN_WIDTH), { error: 'a list of layer sizes' })
    .max(MAX_HIDDEN_LAYERS, { error: `a list of at most ${MAX_HIDDEN_LAYERS} layer sizes` })
    .default([64, 64]),
  activation: z.enum(['tanh', 'relu'], { error: 'tanh or relu' }).default('tanh'),
  layerNorm: z.boolean({ error: 'true or false' }).default(false),
  /** Units of a GRU layer after the MLP torso; 0 for a feed-forward network. */
  gru: z
    .number({ error: GRU_UNITS })
    .int({ error: GRU_UNITS })
    .nonnegative({ error: GRU_UNITS })
    .max(MAX_GRU_UNITS, { error: GRU_UNITS })
    .default(0),
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
