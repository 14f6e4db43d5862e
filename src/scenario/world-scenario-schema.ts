import { z } from 'zod';
import { worldNames } from '../env/worlds/world-registry.js';
import { filePath, seedInt } from './fields.js';
import { learnerSchema } from './learner-schema.js';
import { networksSchema } from './networks-schema.js';
import { checkLearnerKinds, pluginsField } from './plugins-field.js';
import { scenarioName, type Scenario } from './scenario-schema.js';
import { worldTrainingSchema } from './training-schema.js';

const WORLD_PHRASE = 'a world\'s name (e.g. "cart-pole"), or { "name": ..., "options": {...} }, or { "module": "./my-world.js", "options": {...} }';

/**
 * Which world, and its options: a built-in or registered world by name, or a
 * module of the researcher's own, resolved against the scenario file's folder.
 * Written to a run's scenario.json as an object, the module's path absolute.
 */
const worldField = z.union(
  [
    z.string().transform((name): { name: string; options?: unknown } => ({ name })),
    z.strictObject({ name: z.string({ error: 'a world\'s name' }).min(1), options: z.unknown().optional() }),
    z.strictObject({ module: filePath, options: z.unknown().optional() }),
  ],
  { error: WORLD_PHRASE },
);

/**
 * A scenario of a world other than the cluster (a built-in game, or a world a
 * researcher brings as a module): which world, the networks, the learner and
 * how training runs. The world defines its own agents, observations and
 * rewards, so there is no cluster, workload, agents' policies or reward here.
 */
export const worldScenarioSchema = z
  .strictObject({
    name: scenarioName,
    description: z.string({ error: 'a text' }).optional(),
    /** Plug-in modules (plugins/plugin.ts); a world's scenario names none of their schedulers, but a module may register what the world itself uses. */
    plugins: pluginsField,
    seed: seedInt.default(1),
    world: worldField,
    agents: z.strictObject({ networks: networksSchema.prefault({}) }).prefault({}),
    learner: learnerSchema.prefault({}),
    training: worldTrainingSchema.prefault({}),
  })
  .superRefine((s, ctx) => {
    checkLearnerKinds(s.learner, s.plugins, ctx);
    if ('name' in s.world && !worldNames().includes(s.world.name)) {
      ctx.addIssue({
        code: 'custom',
        path: ['world'],
        message:
          s.world.name === 'cluster'
            ? 'names the cluster as an object: the cluster is the default world, so leave "world" out (or write "world": "cluster") and give the cluster\'s own sections'
            : `is "${s.world.name}", which is not a world this mappo knows: the built-in worlds are ${worldNames().join(', ')} (and "cluster", the default); a world of your own is { "module": "./my-world.js" }`,
      });
    }
  });

/** A validated world scenario, defaults filled in, module path resolved. Treat as immutable. */
export type WorldScenario = z.infer<typeof worldScenarioSchema>;

/** Any scenario: the cluster's (the default world) or another world's. */
export type AnyScenario = Scenario | WorldScenario;

/** Whether the scenario runs a world other than the cluster. */
export function isWorldScenario(s: AnyScenario): s is WorldScenario {
  return typeof s.world === 'object';
}
