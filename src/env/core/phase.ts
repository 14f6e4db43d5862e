/**
 * The phases in which every event is handled, in this order. Within one
 * simulated instant the world first reacts to what happened, then the reward
 * terms score it, then what they paid is assigned as credit, then whatever can
 * be paid nothing more closes. A subscriber names its phase, so what runs
 * before what follows from the phases and never from who subscribed first.
 *
 * An event raised while another is handled (a replica's RequestCompleted during
 * its ReplicaStepDone) goes through all four phases before the raising
 * subscriber continues; only the world raises events, so only React may.
 */
export const Phase = {
  /** The world's components react: replicas, capacity, arrivals, routers, metrics, telemetry, agents being asked. */
  React: 0,
  /** Reward terms read the world as it now stands and pay. */
  Score: 1,
  /** What the terms paid becomes credit: for agents, settled at their next decision, or for one past decision. */
  Assign: 2,
  /** What can be paid nothing more closes: a decision whose effects are over, a reward window that ended. */
  Close: 3,
} as const;

export type Phase = (typeof Phase)[keyof typeof Phase];

/** Phases are numbered 0, 1, ...: the loop keeps one stream per phase and kind. */
export const PHASE_COUNT = Object.keys(Phase).length;
