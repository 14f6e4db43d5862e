import type { Observable } from 'rxjs';
import type { Capacity } from '../env/cluster/capacity.js';
import type { Replica } from '../env/cluster/replica.js';
import type { Request } from '../env/cluster/request.js';
import type { EventKind, SimEvent } from '../env/core/sim-event.js';

/**
 * Who a reward amount is for, before credit assignment decides which agents
 * receive it: the whole cluster's doing, the agents responsible for one request
 * (the scheduler that routed it and the replica that served it), one replica's
 * agent, or one past learned decision (credit that comes late, e.g. a present
 * value), named by its `Decision.id` as the world recorded it
 * (`Request.decision`, `Capacity.launchDecision`). A decision's `share` is
 * its part in a flow that is also paid to others (a request its launched
 * replica served, paid to whoever routed it): under team credit the team
 * already receives that flow, so the share is not credited again.
 */
export type Beneficiary =
  | { readonly kind: 'team' }
  | { readonly kind: 'world' }
  | { readonly kind: 'request'; readonly request: Request }
  | { readonly kind: 'replica'; readonly replica: number }
  | { readonly kind: 'decision'; readonly decision: number; readonly share?: boolean };

/** The whole team of learned agents: what a term pays for the cluster's doing as a whole. */
export const TEAM: Beneficiary = { kind: 'team' };

/**
 * A flow of the world whose individual credit goes to decisions as shares
 * (a launched replica's running cost, credited to its launch): under team
 * credit it is the team's like any other flow; under individual credit nobody
 * receives it as it is, only the decisions their shares.
 */
export const WORLD: Beneficiary = { kind: 'world' };

/**
 * What a reward term may read, and how it pays. It reads the world, never the
 * environment: which learned decision caused what is part of the world's own
 * record (a request's `decision`, a replica's launch decision).
 */
export interface RewardContext {
  /** Events of one kind in the Score phase: after the world has reacted to them. */
  on(kind: EventKind): Observable<SimEvent>;
  /** Simulated time now, in seconds. */
  readonly now: number;
  readonly replicas: readonly Replica[];
  readonly capacity: Capacity;
  /** Seconds between RewardWindow events, for windowed terms. */
  readonly window: number;
  /** Pays `amount` (before the term's weight) to `to`: a cash flow of the world, counted in the term's totals. Only while scoring an event. */
  pay(amount: number, to: Beneficiary): void;
  /**
   * Credits `amount` to `to` without counting it in the term's totals: a
   * decision's share of a flow that `pay` counts. A request served by a
   * launched replica is one cash flow, paid to whoever routed it; the launch
   * decision is credited with a share of it too, and the world's totals must
   * not count it twice.
   */
  credit(amount: number, to: Beneficiary): void;
}

/** A source of reward: scores simulation events and pays. Adding one is one file and one registry line. */
export interface RewardTerm {
  /** Whether it pays specific past decisions (then such decisions await their credit). */
  readonly paysDecisions?: boolean;
  attach(ctx: RewardContext): void;
}
