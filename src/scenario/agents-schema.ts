import { z } from 'zod';
import { HEURISTIC_NAMES } from '../env/routing/registry.js';

/** Who decides what. For now: which heuristic routes requests at every front-end. */
export const agentsSchema = z.strictObject({
  scheduler: z.strictObject({
    policy: z.enum(HEURISTIC_NAMES, { error: `one of ${HEURISTIC_NAMES.join(', ')}` }),
  }),
});

export type AgentsSpec = z.infer<typeof agentsSchema>;
