import type { Rng } from '../rng.js';
import type { Router } from './router.js';

/** Power of two choices: sample two distinct replicas, keep the one with fewer outstanding requests. */
export function powerOfTwoRouter(rng: Rng): Router {
  return {
    route: (_request, replicas) => {
      const n = replicas.length;
      if (n === 1) return 0;
      const a = rng.int(n);
      const b = (a + 1 + rng.int(n - 1)) % n;
      return replicas[b].outstandingRequests < replicas[a].outstandingRequests ? b : a;
    },
  };
}
