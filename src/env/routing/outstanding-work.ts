import type { ReplicaLoad, WorkItem } from '../cluster/replica-load.js';
import { priceWork } from '../cluster/work-pricing.js';

/**
 * How many output tokens a request is taken to still have to generate. A router
 * sees prompts, and sees output tokens as they stream back, but not how many
 * are still to come: deployable routers estimate, oracle references know.
 */
export interface RemainingOutput {
  of(item: WorkItem): number;
}

/**
 * A deployable estimate: the workload's mean output length less what the
 * request has generated so far, and at least one token while it is unfinished.
 */
export function expectedRemainingOutput(meanOutputTokens: number): RemainingOutput {
  return { of: (r) => Math.max(meanOutputTokens - r.generated, 1) };
}

/** The truth, which no deployable router has: for oracle references only. */
export const TRUE_REMAINING_OUTPUT: RemainingOutput = { of: (r) => r.outputTokens - r.generated };

/**
 * Adds up a replica's outstanding work as a router sees it: prompt tokens
 * still to prefill (known exactly), output tokens still to generate (as
 * `remaining` takes them), and the seconds of the replica's time that work
 * costs at its type's prices. One instance serves every call, so routing and
 * observing allocate nothing.
 */
export class OutstandingWork {
  prefillTokens = 0;
  decodeTokens = 0;
  requests = 0;
  private readonly visit = (r: WorkItem): void => {
    this.prefillTokens += r.prefillTarget - r.prefilled;
    this.decodeTokens += this.remaining.of(r);
    this.requests++;
  };

  constructor(private readonly remaining: RemainingOutput) {}

  /** Reads `replica`'s outstanding requests; the fields hold its totals until the next call. */
  measure(replica: ReplicaLoad): this {
    this.prefillTokens = 0;
    this.decodeTokens = 0;
    this.requests = 0;
    replica.forEachOutstanding(this.visit);
    return this;
  }

  /** Prefill and output tokens still to process. */
  get tokens(): number {
    return this.prefillTokens + this.decodeTokens;
  }

  /** Seconds of `replica`'s time the measured work costs (call after measure(replica)). */
  seconds(replica: ReplicaLoad): number {
    return priceWork(replica.pricing, this.prefillTokens, this.decodeTokens, this.requests);
  }
}
