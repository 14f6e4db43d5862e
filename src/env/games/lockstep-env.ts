import { Rng } from '../rng.js';
import type { AgentInfo, FinalOutcome, MultiAgentEnv, StepOutcome } from '../multi-agent/contract.js';

/**
 * The event-driven contract specialised to lockstep tasks: every agent decides
 * at every step, one time unit passes per step, and an episode lasts a fixed
 * number of steps (then it is truncated). Textbook multi-agent tasks subclass
 * this and say only what an agent sees and what a joint action earns.
 */
export abstract class LockstepEnv implements MultiAgentEnv {
  readonly agents: AgentInfo[];
  readonly stateSize: number;
  protected rng = Rng.fromSeed(0);
  protected t = 0;
  private readonly decisions: { agent: number; obs: Float32Array; mask: Uint8Array; state: Float32Array; reward: number; elapsed: number; time: number }[];
  private readonly pendingReward: Float64Array;

  constructor(
    agentCount: number,
    role: string,
    readonly obsSize: number,
    readonly actionCount: number,
    readonly steps: number,
  ) {
    this.agents = Array.from({ length: agentCount }, (_, index) => ({ id: `${role}/${index}`, role, index, obsSize, actionCount }));
    this.stateSize = agentCount * obsSize + agentCount;
    this.pendingReward = new Float64Array(agentCount);
    this.decisions = this.agents.map((a) => ({
      agent: a.index,
      obs: new Float32Array(obsSize),
      mask: new Uint8Array(actionCount).fill(1),
      state: new Float32Array(this.stateSize),
      reward: 0,
      elapsed: 0,
      time: 0,
    }));
  }

  /** Writes what `agent` sees at the current step. */
  protected abstract observe(agent: number, obs: Float32Array): void;
  /** Draws whatever the new step needs (e.g. a context); called before observing. */
  protected beginStep(): void {}
  /** Each agent's reward for the joint action. */
  protected abstract rewards(actions: ArrayLike<number>, out: Float64Array): void;

  reset(seed: number): StepOutcome {
    this.rng = Rng.fromSeed(seed);
    this.t = 0;
    this.pendingReward.fill(0);
    this.beginStep();
    return this.outcome();
  }

  step(actions: ArrayLike<number>): StepOutcome {
    if (actions.length !== this.agents.length) throw new Error(`step expects ${this.agents.length} actions, got ${actions.length}`);
    this.rewards(actions, this.pendingReward);
    this.t++;
    if (this.t >= this.steps) {
      const final: FinalOutcome[] = this.agents.map((a) => {
        const d = this.decisions[a.index];
        return { agent: a.index, reward: this.pendingReward[a.index], elapsed: 1, obs: d.obs, state: d.state };
      });
      return { decisions: [], ended: 'truncated', final };
    }
    this.beginStep();
    return this.outcome();
  }

  private outcome(): StepOutcome {
    // The global state is every agent's observation, then the agent's one-hot id.
    for (const d of this.decisions) this.observe(d.agent, d.obs);
    for (const d of this.decisions) {
      for (const other of this.decisions) d.state.set(other.obs, other.agent * this.obsSize);
      d.state.fill(0, this.agents.length * this.obsSize);
      d.state[this.agents.length * this.obsSize + d.agent] = 1;
      d.reward = this.pendingReward[d.agent];
      d.elapsed = this.t === 0 ? 0 : 1;
      d.time = this.t;
    }
    this.pendingReward.fill(0);
    return { decisions: this.decisions, ended: null, final: [] };
  }
}
