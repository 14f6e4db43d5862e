import type { Request } from '../cluster/request.js';
import type { ReplicaLoad } from '../cluster/replica-load.js';
import type { Rng } from '../rng.js';
import type { WorkloadMeans } from '../workload/workload-means.js';

/**
 * A global scheduler's routing rule: which replica serves an arriving request.
 * Only replicas that are `accepting` may be chosen (an autoscaled cluster has
 * replicas starting up, draining or stopped). Heuristics answer at once. A
 * learned agent's router may instead return `DEFERRED` after pausing the loop;
 * the environment dispatches the request when the agent's action arrives.
 */
export interface Router {
  route(request: Request, replicas: readonly ReplicaLoad[]): number;
}

export const DEFERRED = -1;

/** What a heuristic router is built with: its own random stream, and what the operator knows of the traffic. */
export interface RouterContext {
  readonly rng: Rng;
  /** Mean prompt and output lengths: routers know a request's prompt, never its output length in advance. */
  readonly workload: WorkloadMeans;
}

/**
 * Index of the accepting replica minimizing `load`, scanning from a rotating
 * start so that ties do not always fall on replica 0 (which would skew a
 * balanced cluster).
 */
export function argminFrom(replicas: readonly ReplicaLoad[], start: number, load: (r: ReplicaLoad) => number): number {
  const n = replicas.length;
  let best = -1;
  let bestLoad = Infinity;
  for (let k = 0; k < n; k++) {
    const i = (start + k) % n;
    if (!replicas[i].accepting) continue;
    const l = load(replicas[i]);
    if (best < 0 || l < bestLoad) {
      best = i;
      bestLoad = l;
    }
  }
  return best < 0 ? start % n : best;
}

/** The accepting replicas' indices (all of them in a fixed cluster). */
export function acceptingIndices(replicas: readonly ReplicaLoad[], out: number[]): number[] {
  out.length = 0;
  for (let i = 0; i < replicas.length; i++) if (replicas[i].accepting) out.push(i);
  return out;
}
