import type { ReplicaLoad } from './replica-load.js';
import type { Request } from './request.js';
import type { ReplicaStats } from './replica-stats.js';

/** A server that requests are routed to. Routers read its load (live, or through load reports); the cluster feeds it requests and step events. */
export interface Replica extends ReplicaLoad {
  /** "r0", "r1", ...: the id used in reports. */
  readonly id: string;
  readonly typeName: string;
  /**
   * Prefill and output tokens still to process for the requests queued or
   * running here: the truth, output lengths included, which no router could
   * know before the tokens are generated. Metrics and oracle references read
   * it; deployable routers and observations estimate it instead
   * (src/env/routing/outstanding-work.ts).
   */
  readonly outstandingTokens: number;
  readonly stats: ReplicaStats;
  /** Set by the cluster's capacity as the replica starts, drains and stops. */
  accepting: boolean;
  /** Takes a request routed to this replica; starts work if idle. */
  enqueue(request: Request): void;
  /** Calls `visit` with each request queued or running here, front of the queue first (the requests themselves). */
  forEachOutstanding(visit: (request: Request) => void): void;
  /** Handles the end of the step (batch iteration or service) scheduled by this replica. */
  onStepDone(): void;
}
