import type { Rng } from '../rng.js';
import type { Router } from './router.js';

/** Uniformly random replica: the baseline with no information at all. */
export function randomRouter(rng: Rng): Router {
  return { route: (_request, replicas) => rng.int(replicas.length) };
}
