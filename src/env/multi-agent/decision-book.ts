import type { DecisionCredit } from './contract.js';

/** `agentOf` for a decision that does not await credit. */
const NOT_AWAITING = -1;

/**
 * The episode's record of decisions: it numbers them (each number is the
 * decision's `Decision.id`), remembers whose each one is while late credit may
 * still come for it, collects that credit until the next outcome, and closes a
 * decision (with a final entry) once nothing more can be paid to it.
 */
export class DecisionBook {
  private next = 0;
  /**
   * Per decision, its agent while it awaits credit. Ids count up from 0 within
   * an episode, so an array indexed by id does what a Map would without an
   * entry allocated per decision.
   */
  private agentOf = new Int32Array(1024).fill(NOT_AWAITING);
  private awaitingCount = 0;
  private credits: DecisionCredit[] = [];

  /** A new decision of `agent`; returns its id. `awaits` if late credit may come for it. */
  open(agent: number, awaits: boolean): number {
    const decision = this.next++;
    if (!awaits) return decision;
    if (decision >= this.agentOf.length) this.grow(decision + 1);
    this.agentOf[decision] = agent;
    this.awaitingCount++;
    return decision;
  }

  awaits(decision: number): boolean {
    return decision >= 0 && decision < this.agentOf.length && this.agentOf[decision] !== NOT_AWAITING;
  }

  pay(decision: number, reward: number): void {
    if (!this.awaits(decision)) throw new Error(`credit for decision ${decision}, which no longer awaits credit`);
    this.credits.push({ agent: this.agentOf[decision], decision, reward, final: false });
  }

  /** No more credit can come for `decision` (nothing happens if it does not await any). */
  close(decision: number): void {
    if (!this.awaits(decision)) return;
    this.credits.push({ agent: this.agentOf[decision], decision, reward: 0, final: true });
    this.agentOf[decision] = NOT_AWAITING;
    this.awaitingCount--;
  }

  /** At the episode's end, every decision still awaiting is closed, oldest first. */
  closeAll(): void {
    for (let decision = 0; decision < this.next && this.awaitingCount > 0; decision++) this.close(decision);
  }

  /** The credits since the last call. */
  take(): DecisionCredit[] {
    const out = this.credits;
    this.credits = [];
    return out;
  }

  private grow(atLeast: number): void {
    const grown = new Int32Array(Math.max(atLeast, this.agentOf.length * 2)).fill(NOT_AWAITING);
    grown.set(this.agentOf);
    this.agentOf = grown;
  }
}
