import type { ReplicaLoad } from '../cluster/replica-load.js';
import type { Request } from '../cluster/request.js';
import { priceWork } from '../cluster/work-pricing.js';
import { expectedRemainingOutput, OutstandingWork, type RemainingOutput } from './outstanding-work.js';
import { argminFrom, type Router, type RouterContext } from './router.js';

/**
 * Least work: the accepting replica that would be done soonest with its
 * outstanding work and the arriving request, all priced in seconds with that
 * replica type's own constants (prompt tokens still to prefill, output tokens
 * still to generate, the arriving prompt and its output). This is
 * least-work-left routing for heterogeneous servers (Harchol-Balter's
 * "Least-Work-Remaining"), with the one change LLM serving forces: output
 * lengths are unknown until generated, so each request is taken to produce the
 * workload's mean output length (less what it has already generated).
 */
export function leastWorkRouter(ctx: RouterContext): Router {
  return workRouter(expectedRemainingOutput(ctx.workload.outputTokens), () => ctx.workload.outputTokens);
}

/** The least-work rule with a given view of output lengths: of the requests in flight, and of the arriving one. */
export function workRouter(remaining: RemainingOutput, arrivingOutput: (request: Request) => number): Router {
  const work = new OutstandingWork(remaining);
  let arriving: Request;
  const finishSeconds = (r: ReplicaLoad): number =>
    work.measure(r).seconds(r) + priceWork(r.pricing, arriving.promptTokens, arrivingOutput(arriving), 1);
  return {
    route: (request, replicas) => {
      arriving = request;
      return argminFrom(replicas, request.id, finishSeconds);
    },
  };
}
