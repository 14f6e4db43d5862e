import type { Beneficiary } from '../../reward/reward-term.js';
import type { AgentLedger } from './agent-ledger.js';
import type { DecisionBook } from './decision-book.js';

export interface CreditSettings {
  mode: 'individual' | 'team' | 'mix';
  teamShare: number;
}

/** Which learned agent answers for each front-end and each replica (-1: a heuristic). */
export interface Responsibility {
  readonly agentCount: number;
  /** Per front-end, the learned scheduler's agent index. */
  readonly schedulerAgent: Int32Array;
  /** Per replica, the learned replica agent's index. */
  readonly replicaAgent: Int32Array;
}

/**
 * Turns a reward payment into agent credit. Individual credit goes to the
 * agents responsible (a request's scheduler and serving replica; a replica's
 * agent); team credit gives every learned agent the full amount; mix gives
 * teamShare of the team credit and the rest of the individual one. Team-wide
 * payments go to the team in every mode, and decision payments (present
 * values) to their decision; a decision's share of a flow others are paid too
 * (see Beneficiary), and the world's flows that are credited through such
 * shares (WORLD), split as any other payment between team and individual.
 */
export class CreditAssignment {
  /** The parts of a payment that go to the team and to the agents responsible, from the mode. */
  private readonly teamPart: number;
  private readonly individualPart: number;

  constructor(
    settings: CreditSettings,
    private readonly who: Responsibility,
    private readonly ledger: AgentLedger,
    private readonly book: DecisionBook,
  ) {
    const { mode, teamShare } = settings;
    this.teamPart = mode === 'team' ? 1 : mode === 'individual' ? 0 : teamShare;
    this.individualPart = mode === 'team' ? 0 : mode === 'individual' ? 1 : 1 - teamShare;
  }

  assign(amount: number, to: Beneficiary): void {
    if (to.kind === 'decision') {
      // A share of a flow the team also receives is only the individual part: the team has the rest already.
      const part = to.share === true ? this.individualPart : 1;
      if (part > 0) this.book.pay(to.decision, part * amount);
      return;
    }
    if (to.kind === 'team') {
      this.team(amount);
      return;
    }
    if (this.teamPart > 0) this.team(this.teamPart * amount);
    // A world flow reaches agents individually only as decisions' shares (see WORLD).
    if (this.individualPart === 0 || to.kind === 'world') return;
    const amountEach = this.individualPart * amount;
    if (to.kind === 'request') {
      const scheduler = this.who.schedulerAgent[to.request.frontend];
      if (scheduler >= 0) this.ledger.credit(scheduler, amountEach);
      const replica = to.request.replica >= 0 ? this.who.replicaAgent[to.request.replica] : -1;
      if (replica >= 0) this.ledger.credit(replica, amountEach);
    } else {
      const replica = this.who.replicaAgent[to.replica];
      if (replica >= 0) this.ledger.credit(replica, amountEach);
    }
  }

  private team(amount: number): void {
    for (let a = 0; a < this.who.agentCount; a++) this.ledger.credit(a, amount);
  }
}
