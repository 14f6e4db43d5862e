import type { Request } from '../cluster/request.js';
import type { Replica } from '../cluster/replica.js';

/**
 * A global scheduler's routing rule: which replica serves an arriving request.
 * Heuristics answer at once. A learned agent's router may instead return
 * `DEFERRED` after pausing the loop; the environment dispatches the request
 * when the agent's action arrives.
 */
export interface Router {
  route(request: Request, replicas: readonly Replica[]): number;
}

export const DEFERRED = -1;

/**
 * Index of the replica minimizing `load`, scanning from a rotating start so that
 * ties do not always fall on replica 0 (which would skew a balanced cluster).
 */
export function argminFrom(replicas: readonly Replica[], start: number, load: (r: Replica) => number): number {
  const n = replicas.length;
  let best = start % n;
  let bestLoad = load(replicas[best]);
  for (let k = 1; k < n; k++) {
    const i = (start + k) % n;
    const l = load(replicas[i]);
    if (l < bestLoad) {
      best = i;
      bestLoad = l;
    }
  }
  return best;
}
