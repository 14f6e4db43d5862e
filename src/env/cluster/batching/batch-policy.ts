import type { LlmReplica } from '../llm-replica.js';

/**
 * How an LLM replica forms its next batch: which waiting requests it admits and
 * how many tokens each running request processes. `tokenBudget` is the knob a
 * replica agent may set per iteration (vLLM's prefill-token cap, Sarathi's chunk).
 */
export interface BatchPolicy {
  formBatch(replica: LlmReplica, tokenBudget: number): void;
}
