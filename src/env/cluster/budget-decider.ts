import type { LlmReplica } from './llm-replica.js';

/**
 * Chooses a replica's token budget when it forms a batch. A learned replica
 * agent's decider returns DEFERRED_BUDGET after pausing the loop; the replica
 * then waits, busy, until `resumeWithBudget` delivers the agent's choice.
 */
export interface BudgetDecider {
  chooseBudget(replica: LlmReplica): number;
}

export const DEFERRED_BUDGET = -1;
