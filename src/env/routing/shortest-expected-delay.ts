import type { ReplicaLoad } from '../cluster/replica-load.js';
import { priceWork } from '../cluster/work-pricing.js';
import type { WorkloadMeans } from '../workload/workload-means.js';
import { argminFrom, type Router, type RouterContext } from './router.js';

/**
 * SED, shortest expected delay: the accepting replica minimizing
 * (outstanding requests + 1) / speed, where a replica's speed is the inverse of
 * the seconds a typical request (the workload's mean prompt and output) takes
 * at its type's prices. It is the classic rule for heterogeneous servers (see
 * Selen et al., "Steady-state analysis of shortest expected delay routing",
 * Queueing Systems 2016): a request joining n others at a server of rate mu
 * expects to be done after about (n + 1) / mu. It counts requests, not their
 * sizes, and needs no output length.
 */
export function shortestExpectedDelayRouter(ctx: RouterContext): Router {
  const delay = expectedDelay(ctx.workload);
  return { route: (request, replicas) => argminFrom(replicas, request.id, delay) };
}

/** A replica's expected delay for one more typical request: (outstanding requests + 1) times a typical request's seconds there. */
export function expectedDelay(workload: WorkloadMeans): (r: ReplicaLoad) => number {
  const { promptTokens, outputTokens } = workload;
  return (r) => (r.outstandingRequests + 1) * priceWork(r.pricing, promptTokens, outputTokens, 1);
}
