import type { BatchPolicy } from './batch-policy.js';

/**
 * Sarathi-style chunked prefill: every decoding sequence runs one token first;
 * the rest of the token budget goes to prefill chunks, of partly prefilled
 * requests first and then of newly admitted ones. Decodes never stall behind a
 * long prompt, at the price of prompts taking several iterations.
 */
export const chunkedPrefill: BatchPolicy = {
  formBatch(replica, tokenBudget) {
    let budget = tokenBudget;
    const running = replica.running;
    for (let i = 0; i < running.length; i++) {
      const request = running[i];
      if (request.prefilled < request.prefillTarget) continue;
      if (replica.reserveDecodeSlot(request)) {
        replica.addDecode(request);
        budget--;
      }
    }
    for (let i = 0; i < running.length && budget > 0; i++) {
      const request = running[i];
      const remaining = request.prefillTarget - request.prefilled;
      if (remaining <= 0) continue;
      const chunk = Math.min(budget, remaining);
      replica.addPrefill(request, chunk);
      budget -= chunk;
    }
    while (budget > 0 && replica.canAdmitNext()) {
      const request = replica.admitNext();
      const chunk = Math.min(budget, request.prefillTarget);
      replica.addPrefill(request, chunk);
      budget -= chunk;
    }
  },
};
