import { InputError } from '../../errors.js';
import { claimName } from '../../plugins/kind-registry.js';
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

/** A built-in heuristic scheduler's name. */
export type BuiltinHeuristicName = keyof typeof HEURISTIC_ROUTERS;
/** A heuristic scheduler's name, as scenarios and `--scheduler` write it: a built-in one, or one a plug-in registered. */
export type HeuristicName = BuiltinHeuristicName | (string & Record<never, never>);
/** The built-in heuristic schedulers, in the order comparisons list them. */
export const HEURISTIC_NAMES = Object.keys(HEURISTIC_ROUTERS) as [BuiltinHeuristicName, ...BuiltinHeuristicName[]];

/** Schedulers registered by plug-ins in this thread, by name. */
const registered = new Map<string, (ctx: RouterContext) => Router>();

/** Adds a heuristic scheduler under `name` in this thread (what a plug-in's `schedulers` do); `where` names the plug-in in errors. */
export function registerScheduler(name: string, factory: (ctx: RouterContext) => Router, where: string): void {
  const builtin = name === 'learned' || Object.hasOwn(HEURISTIC_ROUTERS, name);
  if (!builtin && typeof factory !== 'function') throw new InputError(`${where}: scheduler "${name}" must be a function (context) => ({ route(request, replicas) })`);
  claimName(registered, name, factory, { builtin, family: 'scheduler', noun: 'name', where });
}

/** Every heuristic scheduler this thread knows, built-in first, in the order comparisons list them. */
export function heuristicNames(): HeuristicName[] {
  return [...HEURISTIC_NAMES, ...registered.keys()];
}

/** Whether this thread knows the heuristic (built in, or registered by a loaded plug-in). */
export function isKnownHeuristic(name: string): boolean {
  return Object.hasOwn(HEURISTIC_ROUTERS, name) || registered.has(name);
}

/** Builds the named heuristic's router; a name nothing registered in this thread is an InputError. */
export function buildRouter(name: HeuristicName, ctx: RouterContext): Router {
  const factory = Object.hasOwn(HEURISTIC_ROUTERS, name) ? (HEURISTIC_ROUTERS as Record<string, (ctx: RouterContext) => Router>)[name] : registered.get(name);
  if (factory === undefined) {
    throw new InputError(`scheduler "${name}" is neither built in (${HEURISTIC_NAMES.join(', ')}) nor registered by a loaded plug-in (a scenario's "plugins")`);
  }
  return factory(ctx);
}
