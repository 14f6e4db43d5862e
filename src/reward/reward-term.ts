import type { Replica } from '../env/cluster/replica.js';
import type { EventLoop } from '../env/core/event-loop.js';

/** What a reward term may read and whom it may credit. */
export interface RewardContext {
  readonly loop: EventLoop;
  readonly replicas: readonly Replica[];
  /** The learned scheduler agent of a front-end, or -1 if a heuristic routes there. */
  schedulerAgent(frontend: number): number;
  /** The learned agent of a replica, or -1. */
  replicaAgent(replica: number): number;
  credit(agent: number, amount: number): void;
}

/** A source of reward: subscribes to simulation events and credits agents. */
export interface RewardTerm {
  attach(ctx: RewardContext): void;
}
