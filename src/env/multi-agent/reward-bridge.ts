import type { PaymentLog } from '../../reward/payment-log.js';
import type { RewardSystem } from '../../reward/reward-system.js';
import type { Capacity } from '../cluster/capacity.js';
import type { EventLoop } from '../core/event-loop.js';
import { Phase } from '../core/phase.js';
import { EventKind, type SimEvent } from '../core/sim-event.js';
import { AgentLedger } from './agent-ledger.js';
import type { DecisionCredit } from './contract.js';
import { CreditAssignment, type CreditSettings, type Responsibility } from './credit-assignment.js';
import { DecisionBook } from './decision-book.js';

/** The parts of a simulation the bridge stands between. */
export interface BridgedWorld {
  readonly loop: EventLoop;
  readonly rewards: RewardSystem;
  readonly capacity: Capacity;
}

/**
 * The bridge between the world's reward and the learning agents, one object
 * run in the phases of every event (src/env/core/phase.ts):
 *
 *   Score   the reward terms (src/reward) pay; the reward system logs each
 *           weighted payment in `payments`.
 *   Assign  here: the event's payments become credit, for agents (the ledger,
 *           settled at each agent's next decision) or for one past decision
 *           (the book, handed out as late `credits`).
 *   Close   here: a decision that can be paid nothing more closes with a final
 *           credit: a routing decision when its request completes or is
 *           rejected, a launch when its replica stops.
 *
 * Between events the environment opens decisions, settles agents' accounts
 * when they decide, and takes the late credits for each outcome.
 */
export class RewardBridge {
  private readonly ledger: AgentLedger;
  private readonly book = new DecisionBook();
  private readonly credit: CreditAssignment;
  private readonly paysDecisions: boolean;

  constructor(
    world: BridgedWorld,
    private readonly payments: PaymentLog,
    who: Responsibility,
    settings: CreditSettings,
  ) {
    const { loop, capacity } = world;
    this.ledger = new AgentLedger(who.agentCount);
    this.credit = new CreditAssignment(settings, who, this.ledger, this.book);
    this.paysDecisions = world.rewards.paysDecisions;
    for (const kind of world.rewards.scoredKinds) loop.on(kind, Phase.Assign).subscribe(() => this.assignPayments());
    // Without a term that pays decisions no decision awaits credit, and there is nothing to close.
    if (!this.paysDecisions) return;
    const closeRouting = (ev: SimEvent): void => {
      if (ev.request !== null) this.book.close(ev.request.decision);
    };
    loop.on(EventKind.RequestCompleted, Phase.Close).subscribe(closeRouting);
    loop.on(EventKind.RequestRejected, Phase.Close).subscribe(closeRouting);
    loop.on(EventKind.ReplicaStopped, Phase.Close).subscribe((ev) => this.book.close(capacity.launchDecision(ev.target)));
  }

  /**
   * A new decision of `agent`; returns its id. It awaits late credit when a
   * term pays decisions and the decision `causesLaterFlows` (a routing or a
   * scaling decision: nothing else is credited late).
   */
  open(agent: number, causesLaterFlows: boolean): number {
    return this.book.open(agent, this.paysDecisions && causesLaterFlows);
  }

  awaits(decision: number): boolean {
    return this.book.awaits(decision);
  }

  /** Closes a decision that turned out to cause nothing more (a scaling decision that launched nothing). */
  close(decision: number): void {
    this.book.close(decision);
  }

  /** The reward credited to `agent` since it last settled; resets it. */
  takeReward(agent: number): number {
    this.checkAllAssigned();
    return this.ledger.takeReward(agent);
  }

  /** Simulated time since `agent` last settled; restarts its clock at `now`. */
  takeElapsed(agent: number, now: number): number {
    return this.ledger.takeElapsed(agent, now);
  }

  /** The late credits since the last call. */
  takeCredits(): DecisionCredit[] {
    this.checkAllAssigned();
    return this.book.take();
  }

  /** The episode ended: every decision still awaiting credit closes. */
  endEpisode(): void {
    this.book.closeAll();
  }

  private assignPayments(): void {
    const log = this.payments;
    for (let i = 0; i < log.size; i++) this.credit.assign(log.amount(i), log.recipient(i));
    log.clear();
  }

  /** A payment made at an event without an Assign phase here would never reach an agent. */
  private checkAllAssigned(): void {
    if (this.payments.size > 0) throw new Error(`${this.payments.size} reward payments were never assigned: a term paid at an event it did not subscribe to`);
  }
}
