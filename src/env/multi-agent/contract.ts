/**
 * The multi-agent environment contract. It is PettingZoo's parallel API with
 * one change: agents act when the world needs them, not on a global step.
 *
 *   let out = env.reset(seed);                 // the first pending decisions
 *   while (out.ended === null) {
 *     const actions = out.decisions.map(d => choose(d.obs, d.mask));
 *     out = env.step(actions);                 // resolve them, run to the next ones
 *   }
 *   // out.final closes every agent's last transition
 *
 * Every decision carries the reward its agent accrued since that agent's own
 * previous decision and the simulated time that passed, so a learner can
 * discount by elapsed time (an agent that acts rarely is discounted more per
 * decision than one that acts often). Some rewards belong to one decision and
 * arrive later (the present value of the request a routing decision sent, paid
 * when the request completes): such a decision says it `awaitsCredit`, and
 * `credits` in later outcomes name it by `id` until one of them is `final`.
 * A lockstep environment is the special case where every agent decides at
 * every step, one time unit passes, and no credit comes late.
 */

/** A decision-maker in the environment. */
export interface AgentInfo {
  /** Stable id, e.g. "scheduler/0" or "replica/r2". */
  readonly id: string;
  /** Agents of a role share observation and action spaces (and, if configured, an actor). */
  readonly role: string;
  /** Position in `env.agents`. */
  readonly index: number;
  readonly obsSize: number;
  readonly actionCount: number;
}

/** An agent's pending decision. The arrays belong to the environment and are valid until the next `step`. */
export interface Decision {
  /** Index into `env.agents`. */
  readonly agent: number;
  readonly obs: Float32Array;
  /** 1 where the action is allowed. */
  readonly mask: Uint8Array;
  /** The centralized critic's input: a fixed-size view of the whole world for this agent. */
  readonly state: Float32Array;
  /** Reward accrued since this agent's previous decision (or the episode start). */
  readonly reward: number;
  /** Simulated time since this agent's previous decision (or the episode start). */
  readonly elapsed: number;
  /** Simulated time now. */
  readonly time: number;
  /** Unique within the episode, counted from 0 (collectors index arrays by it); late credit names the decision by it. */
  readonly id: number;
  /** Whether rewards will still be credited to this decision after it is taken (see StepOutcome.credits). */
  readonly awaitsCredit: boolean;
}

/** Reward attributed to one past decision, arriving after it was taken. */
export interface DecisionCredit {
  readonly agent: number;
  /** The decision's `id`. */
  readonly decision: number;
  readonly reward: number;
  /** The decision's last credit: its reward is complete. Every awaited decision gets one by the episode's end. */
  readonly final: boolean;
}

/** What an agent accrued after its last decision, reported when the episode ends. */
export interface FinalOutcome {
  readonly agent: number;
  readonly reward: number;
  readonly elapsed: number;
  /** The agent's view at the end, for bootstrapping a truncated episode's value. */
  readonly obs: Float32Array;
  readonly state: Float32Array;
}

/** What `reset` and `step` return: the decisions pending now, how the episode stands, and late credit. */
export interface StepOutcome {
  /** Pending decisions in a deterministic order; empty once the episode has ended. */
  readonly decisions: readonly Decision[];
  /** null while running; 'done' for a terminal end (the world drained), 'truncated' at the horizon. */
  readonly ended: null | 'done' | 'truncated';
  /** One entry per agent when the episode ends; empty otherwise. */
  readonly final: readonly FinalOutcome[];
  /** Late rewards for earlier decisions, since the previous outcome. */
  readonly credits: readonly DecisionCredit[];
}

/** A world agents act in (see the top of this file): its agents, its global state's size, and the reset/step loop. */
export interface MultiAgentEnv {
  readonly agents: readonly AgentInfo[];
  /** Size of every decision's `state`. */
  readonly stateSize: number;
  /** Starts an episode with its own seed; returns the first pending decisions. */
  reset(seed: number): StepOutcome;
  /** Resolves the pending decisions, `actions[i]` for `decisions[i]`, and runs to the next ones. */
  step(actions: ArrayLike<number>): StepOutcome;
  /** Figures of the current episode for logging (e.g. latency percentiles), named in the world's terms. */
  summary?(): Record<string, number>;
  /** Scales the load of episodes reset from now on (a curriculum stage); 1 is the scenario's own. */
  setLoadScale?(scale: number): void;
}
