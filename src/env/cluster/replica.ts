import type { Request } from './request.js';
import type { ReplicaStats } from './replica-stats.js';
import type { WorkPricing } from './work-pricing.js';

/** A server that requests are routed to. Routers read its load; the cluster feeds it requests and step events. */
export interface Replica {
  readonly index: number;
  /** "r0", "r1", ...: the id used in reports. */
  readonly id: string;
  readonly typeName: string;
  /** Requests queued or running. */
  readonly outstandingRequests: number;
  /**
   * Prefill and output tokens still to process for those requests: the truth,
   * output lengths included, which no router could know before the tokens are
   * generated. Metrics and oracle references read it; deployable routers and
   * observations estimate it instead (src/env/routing/outstanding-work.ts).
   */
  readonly outstandingTokens: number;
  /** Requests waiting to start (not yet admitted to a batch or to service). */
  readonly queuedRequests: number;
  /** Fraction of the KV cache in use now (0 for replicas without one). */
  readonly kvUsage: number;
  readonly stats: ReplicaStats;
  /** What work costs on this replica's type, from its constants. */
  readonly pricing: WorkPricing;
  /** Whether schedulers may route here (false while stopped, starting up or draining). */
  accepting: boolean;
  /** Takes a request routed to this replica; starts work if idle. */
  enqueue(request: Request): void;
  /** Calls `visit` with each request queued or running here, front of the queue first. */
  forEachOutstanding(visit: (request: Request) => void): void;
  /** Handles the end of the step (batch iteration or service) scheduled by this replica. */
  onStepDone(): void;
}
