import type { Router } from './router.js';

/** Replicas in turn, regardless of their load. */
export function roundRobinRouter(): Router {
  let next = 0;
  return {
    route: (_request, replicas) => {
      const i = next % replicas.length;
      next = i + 1;
      return i;
    },
  };
}
