import type { ReplicaLoad } from '../cluster/replica-load.js';
import { expectedRemainingOutput, OutstandingWork } from './outstanding-work.js';
import { argminFrom, type Router, type RouterContext } from './router.js';

/**
 * JSQ by tokens: the replica with the fewest prompt tokens still to prefill and
 * output tokens still to generate. Output lengths are not known in advance, so
 * each request counts the workload's mean output length less what it has
 * generated (see outstanding-work.ts).
 */
export function shortestQueueRouter(ctx: RouterContext): Router {
  const work = new OutstandingWork(expectedRemainingOutput(ctx.workload.outputTokens));
  const tokens = (r: ReplicaLoad): number => work.measure(r).tokens;
  return { route: (request, replicas) => argminFrom(replicas, request.id, tokens) };
}
