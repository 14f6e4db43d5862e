import type { Capacity } from '../env/cluster/capacity.js';
import type { Replica } from '../env/cluster/replica.js';
import type { Request } from '../env/cluster/request.js';
import type { EventLoop } from '../env/core/event-loop.js';

/**
 * Who a reward amount is for, before credit assignment decides which agents
 * receive it: the whole cluster's doing, the agents responsible for one request
 * (the scheduler that routed it and the replica that served it), one replica's
 * agent, or one past decision (credit that comes late, e.g. a present value).
 */
export type Beneficiary =
  | { readonly kind: 'team' }
  | { readonly kind: 'request'; readonly request: Request }
  | { readonly kind: 'replica'; readonly replica: number }
  | { readonly kind: 'decision'; readonly agent: number; readonly decision: number };

export const TEAM: Beneficiary = { kind: 'team' };

/** A learned decision that may be credited later: who took it, its id, when. */
export interface DecisionRef {
  readonly agent: number;
  readonly decision: number;
  readonly time: number;
}

/** What a reward term may read, and how it pays. */
export interface RewardContext {
  readonly loop: EventLoop;
  readonly replicas: readonly Replica[];
  readonly capacity: Capacity;
  /** Seconds between RewardWindow events, for windowed terms. */
  readonly window: number;
  /** Pays `amount` (before the term's weight) to `to`. */
  pay(amount: number, to: Beneficiary): void;
  /** The learned routing decision that sent `request`, if any. */
  routingDecision(request: Request): DecisionRef | null;
  /** The learned autoscaling decision that launched `replica`, if any. */
  launchDecision(replica: number): DecisionRef | null;
}

/** A source of reward: subscribes to simulation events and pays. Adding one is one file and one registry line. */
export interface RewardTerm {
  /** Whether it pays specific past decisions (then such decisions await their credit). */
  readonly paysDecisions?: boolean;
  attach(ctx: RewardContext): void;
}
