import type { Router } from './router.js';

/** Accepting replicas in turn, regardless of their load. */
export function roundRobinRouter(): Router {
  let next = 0;
  return {
    route: (_request, replicas) => {
      const n = replicas.length;
      for (let k = 0; k < n; k++) {
        const i = (next + k) % n;
        if (replicas[i].accepting) {
          next = i + 1;
          return i;
        }
      }
      return next % n;
    },
  };
}
