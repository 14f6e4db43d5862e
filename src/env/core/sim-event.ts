import type { Request } from '../cluster/request.js';

/**
 * What happens in the simulated world. Scheduled kinds travel through the event
 * queue; notification kinds are emitted at the current time by whoever observed
 * the fact (a replica finishing a request), so subscribers never need to reach
 * into another component's state to learn about it.
 */
export const EventKind = {
  /** A request arrives at a front-end (target: front-end index; request set). Scheduled. */
  Arrival: 0,
  /** A replica finished its current batch iteration or service (target: replica index). Scheduled. */
  ReplicaStepDone: 1,
  /** A replica agent's periodic decision (`agents.replica.decideEvery`) is due (target: replica index). Scheduled. */
  Timer: 2,
  /** A request was handed to a replica (target: replica index; request set). Notification. */
  RequestDispatched: 3,
  /** A request produced its first output token (target: replica index). Notification. */
  FirstToken: 4,
  /** A request produced its last output token (target: replica index). Notification. */
  RequestCompleted: 5,
  /** A replica evicted a running request's KV cache to recompute it later (target: replica). Notification. */
  RequestPreempted: 6,
  /** A replica refused a request that can never fit its KV cache (target: replica). Notification. */
  RequestRejected: 7,
  /** The autoscaler's periodic look at the cluster (target: unused). Scheduled. */
  AutoscaleTick: 8,
  /** A launched replica finished starting up and accepts requests (target: replica). Scheduled. */
  ReplicaReady: 9,
  /** A stopped replica was launched: it costs from now on (target: replica). Notification. */
  ReplicaLaunched: 10,
  /** A replica stopped (after draining): it costs nothing from now on (target: replica). Notification. */
  ReplicaStopped: 11,
  /** The end of a reward window, when windowed reward terms evaluate (target: unused). Scheduled. */
  RewardWindow: 12,
  /** Every replica publishes its load to the front-ends (cluster.loadReportEvery; target: unused). Scheduled. */
  LoadReport: 13,
} as const;

export type EventKind = (typeof EventKind)[keyof typeof EventKind];

/** Kinds are numbered 0, 1, ...: the loop keeps its streams in arrays indexed by kind. */
export const EVENT_KIND_COUNT = Object.keys(EventKind).length;

/**
 * One event. Instances are pooled by the event loop and reused after every
 * subscriber has seen them: a subscriber that wants to keep an event must copy
 * the fields it needs (the `request` object itself is never reused).
 */
export interface SimEvent {
  /** Simulated time in seconds. */
  time: number;
  /** Insertion order, which breaks ties between events at the same time. */
  seq: number;
  kind: EventKind;
  target: number;
  request: Request | null;
}
