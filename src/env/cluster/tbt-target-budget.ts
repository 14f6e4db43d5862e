import type { BudgetDecider } from './budget-decider.js';
import type { LlmReplica } from './llm-replica.js';
import { iterationSeconds, prefillPairs } from './work-pricing.js';

/**
 * The TBT-target rule for a replica's token budget, the way Sarathi-Serve sets
 * its chunk size from a latency target: the largest budget on the list whose
 * iteration, priced with the replica type's own constants, ends within the
 * time-between-tokens target of the sequences decoding now. With nothing
 * decoding, no one waits between tokens, so it takes the largest budget (the
 * fastest prefill); when even the smallest budget overruns the target, the
 * smallest. It adapts where a fixed budget cannot: large chunks while prompts
 * wait and few sequences decode, small ones while many do.
 */
export class TbtTargetBudget implements BudgetDecider {
  private readonly budgets: readonly number[];

  constructor(
    budgets: readonly number[],
    private readonly tbtTarget: number,
  ) {
    this.budgets = [...budgets].sort((a, b) => a - b);
  }

  chooseBudget(replica: LlmReplica): number {
    let decoding = 0;
    let kvTokens = 0;
    for (const r of replica.running) {
      if (r.prefilled < r.prefillTarget) continue;
      decoding++;
      kvTokens += r.kvTokens;
    }
    const largest = this.budgets[this.budgets.length - 1];
    if (decoding === 0) return largest;
    // Every decoding sequence takes one token of the budget first (chunked prefill); prompts get the rest.
    for (let k = this.budgets.length - 1; k >= 0; k--) {
      const prefillTokens = Math.max(this.budgets[k] - decoding, 0);
      // The prompt's earlier context is not known before the batch forms: its attention is priced as a fresh chunk's.
      const seconds = iterationSeconds(replica.spec.iterationTime, prefillTokens, decoding, kvTokens, kvTokens, prefillPairs(prefillTokens, 0));
      if (seconds <= this.tbtTarget) return this.budgets[k];
    }
    return this.budgets[0];
  }
}
