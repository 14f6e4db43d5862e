import type { DecisionRef } from '../../reward/reward-term.js';
import type { DecisionCredit } from './contract.js';

/**
 * The episode's record of decisions that may still be credited: it numbers
 * decisions, remembers each one's agent and time, collects late credits until
 * the next outcome, and closes a decision's credit (with a final entry) once
 * nothing more can be paid to it.
 */
export class DecisionBook {
  private nextId = 0;
  private readonly refs = new Map<number, DecisionRef>();
  private readonly awaiting = new Set<number>();
  private credits: DecisionCredit[] = [];

  /** A new decision of `agent` at `time`; `awaits` if late credit may come for it. */
  open(agent: number, time: number, awaits: boolean): DecisionRef {
    const ref = { agent, decision: this.nextId++, time };
    if (awaits) {
      this.refs.set(ref.decision, ref);
      this.awaiting.add(ref.decision);
    }
    return ref;
  }

  ref(decision: number): DecisionRef | null {
    return this.awaiting.has(decision) ? (this.refs.get(decision) ?? null) : null;
  }

  pay(agent: number, decision: number, reward: number): void {
    if (!this.awaiting.has(decision)) throw new Error(`credit for decision ${decision}, which no longer awaits credit`);
    this.credits.push({ agent, decision, reward, final: false });
  }

  /** No more credit can come for `decision`. */
  close(decision: number): void {
    const ref = this.refs.get(decision);
    if (ref === undefined || !this.awaiting.delete(decision)) return;
    this.credits.push({ agent: ref.agent, decision, reward: 0, final: true });
    this.refs.delete(decision);
  }

  /** At the episode's end, every decision still awaiting is closed. */
  closeAll(): void {
    for (const decision of [...this.awaiting]) this.close(decision);
  }

  /** The credits since the last call. */
  take(): DecisionCredit[] {
    const out = this.credits;
    this.credits = [];
    return out;
  }
}
