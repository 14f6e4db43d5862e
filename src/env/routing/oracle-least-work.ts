import { TRUE_REMAINING_OUTPUT } from './outstanding-work.js';
import { workRouter } from './least-work.js';
import type { Router } from './router.js';

/**
 * A reference, not a deployable router: least work with every request's true
 * output length, in flight and arriving. No serving system knows those before
 * the tokens are generated; where a policy sits between least-work (which
 * estimates them) and this oracle tells how much of the remaining gap is
 * information rather than decision-making.
 */
export function oracleLeastWorkRouter(): Router {
  return workRouter(TRUE_REMAINING_OUTPUT, (request) => request.outputTokens);
}
