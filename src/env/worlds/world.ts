import type { MultiAgentEnv } from '../multi-agent/contract.js';

/** Which way a figure of a world's summary improves. */
export type MetricDirection = 'higher' | 'lower';

/**
 * A world a scenario can name (`"world": "cart-pole"`, or `"world": { "module":
 * "./my-world.js", "options": { … } }` for one a researcher writes): how to
 * read its options and how to build it. Everything else (parallel rollouts,
 * checkpoints, validation, TensorBoard, recording and replay, `eval`,
 * `ablate`) works from the MultiAgentEnv it builds.
 *
 * A world module's default export is a World (see defineWorld). It is loaded
 * by every thread that builds the world, rollout workers included, so it must
 * not depend on state the main thread set up.
 */
export interface World<Options = unknown> {
  /**
   * Reads the scenario's `world.options` (undefined when the scenario gives
   * none) and fills in defaults. Throw an Error whose message says in one
   * sentence what is wrong; the scenario file (or, for a module's options,
   * the module) is named before it.
   */
  options?(raw: unknown): Options;
  /** A fresh environment: each rollout copy, worker thread and evaluation builds its own. */
  create(options: Options): MultiAgentEnv;
  /**
   * Figures of the environment's `summary()` a run may validate and stop
   * early on (`training.validation.metric`), and which way each is better.
   * The episode reward ('reward', higher is better) is always available.
   */
  metrics?: Readonly<Record<string, MetricDirection>>;
}

/** Types a world for its module's default export: `export default defineWorld({ create: (o) => new MyWorld(o) })`. */
export function defineWorld<Options>(world: World<Options>): World<Options> {
  return world;
}
