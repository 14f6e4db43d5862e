import { z } from 'zod';
import { agentsSchema } from './agents-schema.js';
import { clusterSchema } from './cluster-schema.js';
import { positiveInt, positiveNumber, seedInt } from './fields.js';
import { workloadSchema } from './workload-schema.js';

/** A scenario: the unit a researcher writes. Unknown fields are errors, so typos do not pass silently. */
export const scenarioSchema = z.strictObject({
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
});

/** A validated scenario with defaults filled in and file paths resolved. Treat as immutable. */
export type Scenario = z.infer<typeof scenarioSchema>;
