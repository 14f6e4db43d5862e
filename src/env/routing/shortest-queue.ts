import type { Replica } from '../cluster/replica.js';
import { argminFrom, type Router } from './router.js';

const outstandingTokens = (r: Replica): number => r.outstandingTokens;

/** JSQ by work: the replica with the fewest prefill and decode tokens still to process. */
export function shortestQueueRouter(): Router {
  return { route: (request, replicas) => argminFrom(replicas, request.id, outstandingTokens) };
}
