import type { Decision, StepOutcome } from '../env/multi-agent/contract.js';

/**
 * The undiscounted return of an episode so far: every reward the environment
 * paid in it, counted once, when it is paid. The environment pays in three
 * ways (see contract.ts), and all three count: the reward a decision carries
 * (accrued since its agent's previous decision), late credit for past
 * decisions, and what each agent accrued after its last decision, paid when
 * the episode ends.
 */
export class EpisodeReturn {
  /** Sum of everything paid, in the order it was paid (as training reports episodes). */
  total = 0;
  /** Per agent: what was paid to it. */
  readonly byAgent: Float64Array;

  constructor(agents: number) {
    this.byAgent = new Float64Array(agents);
  }

  /** A new episode. */
  reset(): void {
    this.total = 0;
    this.byAgent.fill(0);
  }

  /**
   * A collector restored from a checkpoint continues its episode's total;
   * checkpoints keep only the total, so the per-agent figures restart at 0.
   */
  restoreTotal(total: number): void {
    this.reset();
    this.total = total;
  }

  /** The rewards the pending decisions carry, about to be resolved. */
  addDecisions(pending: readonly Decision[]): void {
    for (let j = 0; j < pending.length; j++) this.add(pending[j].agent, pending[j].reward);
  }

  /** What a step paid for past decisions: its late credits, and, if it ended the episode, the agents' final rewards. */
  addStep(outcome: StepOutcome): void {
    this.addCredits(outcome);
    this.addFinal(outcome);
  }

  /** The step's late credits. */
  addCredits(outcome: StepOutcome): void {
    for (const c of outcome.credits) this.add(c.agent, c.reward);
  }

  /** What each agent accrued after its last decision (empty unless the episode ended). */
  addFinal(outcome: StepOutcome): void {
    for (const f of outcome.final) this.add(f.agent, f.reward);
  }

  private add(agent: number, reward: number): void {
    this.total += reward;
    this.byAgent[agent] += reward;
  }
}
