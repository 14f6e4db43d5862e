import type { Rng } from '../rng.js';
import { acceptingIndices, type Router } from './router.js';

/** Uniformly random accepting replica: the baseline with no information at all. */
export function randomRouter(rng: Rng): Router {
  const candidates: number[] = [];
  return {
    route: (_request, replicas) => {
      const c = acceptingIndices(replicas, candidates);
      return c.length === replicas.length ? rng.int(replicas.length) : c[rng.int(c.length)];
    },
  };
}
