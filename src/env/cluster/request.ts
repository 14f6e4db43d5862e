/** A request or replica that no learned decision caused: a heuristic routed or launched it, or it ran from the start. */
export const NO_DECISION = -1;

/**
 * One inference request: its workload (prompt and output lengths), where it was
 * routed, and how far its serving has progressed. Progress fields belong to the
 * replica serving the request; everything else reads them.
 */
export class Request {
  /** Replica index the request was dispatched to, or -1 while unrouted. */
  replica = -1;
  /**
   * The learned decision that routed it (its `Decision.id`), or NO_DECISION. The
   * environment stamps it when it dispatches, so that what the request later
   * earns can name the decision that caused it.
   */
  decision = NO_DECISION;
  dispatchTime = NaN;

  /** Tokens to prefill before the next output token: the prompt, or prompt + generated after a preemption. */
  prefillTarget: number;
  prefilled = 0;
  /** Tokens whose keys and values sit in the replica's KV cache. */
  kvTokens = 0;
  /** KV-cache blocks held. */
  blocks = 0;
  /** Output tokens produced so far. */
  generated = 0;
  /** Tokens this request contributes to the replica's current iteration. */
  scheduledTokens = 0;
  preemptions = 0;

  firstScheduledTime = NaN;
  firstTokenTime = NaN;
  lastTokenTime = NaN;
  completionTime = NaN;

  constructor(
    readonly id: number,
    /** Front-end (request stream and its scheduler) the request arrived at. */
    readonly frontend: number,
    readonly arrivalTime: number,
    readonly promptTokens: number,
    readonly outputTokens: number,
  ) {
    this.prefillTarget = promptTokens;
  }

  /** Prefill and output tokens still to be processed. */
  get remainingTokens(): number {
    return this.prefillTarget - this.prefilled + this.outputTokens - this.generated;
  }
}
