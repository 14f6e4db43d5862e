import type { WorkPricing } from './work-pricing.js';

/** The part of a queued or running request a router weighs: how much prompt is left to prefill and how much output is made. */
export interface WorkItem {
  readonly prefillTarget: number;
  readonly prefilled: number;
  readonly generated: number;
  /** The truth, read by oracle references only (see routing/outstanding-work.ts). */
  readonly outputTokens: number;
}

/**
 * A replica as a front-end sees it when it routes: its load, its prices and
 * whether it accepts requests. A Replica is its own live view; with load
 * reports (cluster.loadReportEvery) a front-end sees instead the replica's last
 * report plus the requests it has itself routed there since (see
 * load-reports.ts). Routers and scheduler observations read only this, so the
 * same rule runs on either view.
 */
export interface ReplicaLoad {
  readonly index: number;
  /** Whether schedulers may route here (false while stopped, starting up or draining). */
  readonly accepting: boolean;
  /** What work costs on this replica's type, from its constants. */
  readonly pricing: WorkPricing;
  /** Requests queued or running. */
  readonly outstandingRequests: number;
  /** Requests waiting to start (not yet admitted to a batch or to service). */
  readonly queuedRequests: number;
  /** Fraction of the KV cache in use (0 for replicas without one). */
  readonly kvUsage: number;
  /** Calls `visit` with each request queued or running here, front of the queue first. */
  forEachOutstanding(visit: (item: WorkItem) => void): void;
}
