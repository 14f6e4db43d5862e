import type { BatchPolicy } from './batch-policy.js';

/**
 * vLLM's default (v0) scheduling: if waiting prompts can be admitted, the
 * iteration prefills them (whole prompts, up to the token budget) and decodes
 * nothing; otherwise every running sequence decodes one token. Prefills never
 * wait behind decodes, so TTFT is short, but decodes stall during prefills.
 */
export const prefillFirst: BatchPolicy = {
  formBatch(replica, tokenBudget) {
    let tokens = 0;
    while (replica.canAdmitNext()) {
      const next = replica.waiting.at(0);
      // A prompt larger than the budget still runs, alone, or it would never start.
      if (next === undefined || (tokens > 0 && tokens + next.prefillTarget > tokenBudget)) break;
      const request = replica.admitNext();
      replica.addPrefill(request, request.prefillTarget);
      tokens += request.prefillTarget;
    }
    if (replica.batch.size > 0) return;
    const running = replica.running;
    for (let i = 0; i < running.length; i++) {
      const request = running[i];
      if (replica.reserveDecodeSlot(request)) replica.addDecode(request);
    }
  },
};
