import type { Request } from './request.js';
import type { ReplicaStats } from './replica-stats.js';

/** A server that requests are routed to. Routers read its load; the cluster feeds it requests and step events. */
export interface Replica {
  readonly index: number;
  /** "r0", "r1", ...: the id used in reports. */
  readonly id: string;
  readonly typeName: string;
  /** Requests queued or running. */
  readonly outstandingRequests: number;
  /** Prefill and output tokens still to process for those requests. */
  readonly outstandingTokens: number;
  /** Requests waiting to start (not yet admitted to a batch or to service). */
  readonly queuedRequests: number;
  /** Fraction of the KV cache in use now (0 for replicas without one). */
  readonly kvUsage: number;
  readonly stats: ReplicaStats;
  /** Whether schedulers may route here (false while stopped, starting up or draining). */
  accepting: boolean;
  /** Takes a request routed to this replica; starts work if idle. */
  enqueue(request: Request): void;
  /** Handles the end of the step (batch iteration or service) scheduled by this replica. */
  onStepDone(): void;
}
