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
  constructor(
    private readonly settings: CreditSettings,
    private readonly who: Responsibility,
    private readonly ledger: AgentLedger,
    private readonly book: DecisionBook,
  ) {}

  assign(amount: number, to: Beneficiary): void {
    if (to.kind === 'decision') {
      const { mode, teamShare } = this.settings;
      // A share of a flow the team also receives: under team credit the team has it already.
      const part = to.share !== true || mode === 'individual' ? 1 : mode === 'team' ? 0 : 1 - teamShare;
      if (part > 0) this.book.pay(to.decision, part * amount);
      return;
    }
    if (to.kind === 'team') {
      this.team(amount);
      return;
    }
    const { mode, teamShare } = this.settings;
    if (to.kind === 'world') {
      // Individually it reaches agents only as decisions' shares (see WORLD).
      if (mode !== 'individual') this.team(mode === 'team' ? amount : teamShare * amount);
      return;
    }
    const individualShare = mode === 'team' ? 0 : mode === 'individual' ? 1 : 1 - teamShare;
    if (mode !== 'individual') this.team(mode === 'team' ? amount : teamShare * amount);
    if (individualShare === 0) return;
    if (to.kind === 'request') {
      const scheduler = this.who.schedulerAgent[to.request.frontend];
      if (scheduler >= 0) this.ledger.credit(scheduler, individualShare * amount);
      const replica = to.request.replica >= 0 ? this.who.replicaAgent[to.request.replica] : -1;
      if (replica >= 0) this.ledger.credit(replica, individualShare * amount);
    } else {
      const replica = this.who.replicaAgent[to.replica];
      if (replica >= 0) this.ledger.credit(replica, individualShare * amount);
    }
  }

  private team(amount: number): void {
    for (let a = 0; a < this.who.agentCount; a++) this.ledger.credit(a, amount);
  }
}
