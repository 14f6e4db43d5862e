import type { Rng } from '../rng.js';
import { acceptingIndices, type Router } from './router.js';

/** Power of two choices: sample two distinct accepting replicas, keep the one with fewer outstanding requests. */
export function powerOfTwoRouter(rng: Rng): Router {
  const candidates: number[] = [];
  return {
    route: (_request, replicas) => {
      const c = acceptingIndices(replicas, candidates);
      const n = c.length;
      if (n <= 1) return n === 1 ? c[0] : 0;
      const a = rng.int(n);
      const b = (a + 1 + rng.int(n - 1)) % n;
      return replicas[c[b]].outstandingRequests < replicas[c[a]].outstandingRequests ? c[b] : c[a];
    },
  };
}
