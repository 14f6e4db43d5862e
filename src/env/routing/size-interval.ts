import type { ReplicaLoad } from '../cluster/replica-load.js';
import { argminFrom, type Router, type RouterContext } from './router.js';
import { expectedDelay } from './shortest-expected-delay.js';

/** Prompts longer than this many times the workload's mean are long. */
export const LONG_PROMPT_FACTOR = 2;

/**
 * Size-interval routing by prompt length: a long prompt (over twice the
 * workload's mean) may only go to the accepting replicas that prefill fastest;
 * any other request may go anywhere. Within what is allowed it picks as SED
 * does.
 *
 * Why this size-aware rule: the prompt is the one size a router knows at
 * arrival, and with prefill-first batching a prompt stalls every sequence
 * decoding on its replica for as long as its prefill takes, three times as long
 * on a replica three times slower. Keeping the longest prompts on the fast
 * replicas bounds those stalls: the idea of SITA (Harchol-Balter, Crovella and
 * Murta 1999: separate jobs by size so that small ones do not wait behind big
 * ones), without its blindness to load.
 */
export function sizeIntervalRouter(ctx: RouterContext): Router {
  const delay = expectedDelay(ctx.workload);
  const cutoff = LONG_PROMPT_FACTOR * ctx.workload.promptTokens;
  let fastestPrefill = 0;
  const longPromptDelay = (r: ReplicaLoad): number => (prefillSeconds(r) > fastestPrefill ? Infinity : delay(r));
  return {
    route: (request, replicas) => {
      if (request.promptTokens <= cutoff) return argminFrom(replicas, request.id, delay);
      fastestPrefill = Infinity;
      for (const r of replicas) if (r.accepting) fastestPrefill = Math.min(fastestPrefill, prefillSeconds(r));
      return argminFrom(replicas, request.id, longPromptDelay);
    },
  };
}

/** What prefilling a typical token costs on the replica (a FIFO server's whole service time). */
function prefillSeconds(r: ReplicaLoad): number {
  return r.pricing.prefillToken + r.pricing.request;
}
