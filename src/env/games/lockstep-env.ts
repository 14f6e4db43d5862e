import { Rng } from '../rng.js';
import type { AgentInfo, FinalOutcome, MultiAgentEnv, StepOutcome } from '../multi-agent/contract.js';

/**
 * The event-driven contract specialised to lockstep tasks: every agent decides
 * at every step, one time unit passes per step, and an episode lasts a fixed
 * number of steps (then it is truncated) unless the world reaches a terminal
 * state first (then it is done). Textbook multi-agent tasks subclass this and
 * say only what an agent sees and what a joint action earns.
 */
export abstract class LockstepEnv implements MultiAgentEnv {
  readonly agents: AgentInfo[];
  readonly stateSize: number;
  protected rng = Rng.fromSeed(0);
  protected t = 0;
  private readonly decisions: {
    agent: number;
    obs: Float32Array;
    mask: Uint8Array;
    state: Float32Array;
    reward: number;
    elapsed: number;
    time: number;
    id: number;
    awaitsCredit: false;
  }[];
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
      id: 0,
      awaitsCredit: false,
    }));
  }

  /** Writes what `agent` sees at the current step. */
  protected abstract observe(agent: number, obs: Float32Array): void;
  /** Draws whatever the new step needs (e.g. a context); called before observing. */
  protected beginStep(): void {}
  /** Each agent's reward for the joint action. */
  protected abstract rewards(actions: ArrayLike<number>, out: Float64Array): void;
  /**
   * Whether the step just taken ended the episode for good (say, the pole
   * fell), so learners must not bootstrap past it. Consulted after every step,
   * before the horizon: a terminal last step is 'done', not 'truncated'.
   */
  protected isTerminal(): boolean {
    return false;
  }

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
    const terminal = this.isTerminal();
    if (terminal || this.t >= this.steps) {
      // Observe the world the last step left, not the one it started from: a
      // truncated episode is bootstrapped from this view.
      this.observeAll();
      const final: FinalOutcome[] = this.agents.map((a) => {
        const d = this.decisions[a.index];
        return { agent: a.index, reward: this.pendingReward[a.index], elapsed: 1, obs: d.obs, state: d.state };
      });
      return { decisions: [], ended: terminal ? 'done' : 'truncated', final, credits: [] };
    }
    this.beginStep();
    return this.outcome();
  }

  private observeAll(): void {
    // The global state is every agent's observation, then the agent's one-hot id.
    for (const d of this.decisions) this.observe(d.agent, d.obs);
    for (const d of this.decisions) {
      for (const other of this.decisions) d.state.set(other.obs, other.agent * this.obsSize);
      d.state.fill(0, this.agents.length * this.obsSize);
      d.state[this.agents.length * this.obsSize + d.agent] = 1;
    }
  }

  private outcome(): StepOutcome {
    this.observeAll();
    for (const d of this.decisions) {
      d.reward = this.pendingReward[d.agent];
      d.elapsed = this.t === 0 ? 0 : 1;
      d.time = this.t;
      d.id = this.t * this.agents.length + d.agent;
    }
    this.pendingReward.fill(0);
    return { decisions: this.decisions, ended: null, final: [], credits: [] };
  }
}
