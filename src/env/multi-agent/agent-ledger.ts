/**
 * Per-agent accounts between decisions: the reward credited to each agent since
 * its last decision, and when that decision was. Credit assignment credits;
 * the environment settles an agent's account when it decides and when the
 * episode ends, so every credited unit reaches exactly one transition.
 */
export class AgentLedger {
  private readonly accrued: Float64Array;
  private readonly since: Float64Array;

  constructor(agentCount: number) {
    this.accrued = new Float64Array(agentCount);
    this.since = new Float64Array(agentCount);
  }

  credit(agent: number, amount: number): void {
    this.accrued[agent] += amount;
  }

  /** The agent's reward since its last settlement; resets it. */
  takeReward(agent: number): number {
    const r = this.accrued[agent];
    this.accrued[agent] = 0;
    return r;
  }

  /** Simulated time since the agent's last settlement; restarts its clock at `now`. */
  takeElapsed(agent: number, now: number): number {
    const dt = now - this.since[agent];
    this.since[agent] = now;
    return dt;
  }
}
