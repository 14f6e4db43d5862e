import type { Rng } from '../rng.js';
import { leastOutstandingRouter } from './least-outstanding.js';
import { powerOfTwoRouter } from './power-of-two.js';
import { randomRouter } from './random.js';
import { roundRobinRouter } from './round-robin.js';
import type { Router } from './router.js';
import { shortestQueueRouter } from './shortest-queue.js';

/** The heuristic schedulers, by the names used in scenarios and on the command line. */
export const HEURISTIC_ROUTERS = {
  random: randomRouter,
  'round-robin': roundRobinRouter,
  lor: leastOutstandingRouter,
  jsq: shortestQueueRouter,
  p2c: powerOfTwoRouter,
} satisfies Record<string, (rng: Rng) => Router>;

export type HeuristicName = keyof typeof HEURISTIC_ROUTERS;
export const HEURISTIC_NAMES = Object.keys(HEURISTIC_ROUTERS) as [HeuristicName, ...HeuristicName[]];
