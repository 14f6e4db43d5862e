import type { ReplicaLoad } from '../cluster/replica-load.js';
import { argminFrom, type Router } from './router.js';

const outstandingRequests = (r: ReplicaLoad): number => r.outstandingRequests;

/** LOR: the replica with the fewest requests queued or running. */
export function leastOutstandingRouter(): Router {
  return { route: (request, replicas) => argminFrom(replicas, request.id, outstandingRequests) };
}
