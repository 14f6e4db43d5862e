import { leastOutstandingRouter } from './least-outstanding.js';
import { leastWorkRouter } from './least-work.js';
import { powerOfTwoRouter } from './power-of-two.js';
import { randomRouter } from './random.js';
import { roundRobinRouter } from './round-robin.js';
import type { Router, RouterContext } from './router.js';
import { shortestExpectedDelayRouter } from './shortest-expected-delay.js';
import { shortestQueueRouter } from './shortest-queue.js';
import { sizeIntervalRouter } from './size-interval.js';

/** The heuristic schedulers, by the names used in scenarios and on the command line. */
export const HEURISTIC_ROUTERS = {
  random: (ctx) => randomRouter(ctx.rng),
  'round-robin': roundRobinRouter,
  lor: leastOutstandingRouter,
  jsq: shortestQueueRouter,
  p2c: (ctx) => powerOfTwoRouter(ctx.rng),
  sed: shortestExpectedDelayRouter,
  'least-work': leastWorkRouter,
  'size-interval': sizeIntervalRouter,
} satisfies Record<string, (ctx: RouterContext) => Router>;

/** A heuristic scheduler's name, as scenarios and `--scheduler` write it. */
export type HeuristicName = keyof typeof HEURISTIC_ROUTERS;
/** Every heuristic scheduler, in the order comparisons list them. */
export const HEURISTIC_NAMES = Object.keys(HEURISTIC_ROUTERS) as [HeuristicName, ...HeuristicName[]];
