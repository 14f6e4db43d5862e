import type { Replica } from '../cluster/replica.js';
import { argminFrom, type Router } from './router.js';

const outstandingRequests = (r: Replica): number => r.outstandingRequests;

/** LOR: the replica with the fewest requests queued or running. */
export function leastOutstandingRouter(): Router {
  return { route: (request, replicas) => argminFrom(replicas, request.id, outstandingRequests) };
}
