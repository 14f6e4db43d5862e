import type { NetworkMap } from '../agents/network-map.js';
import type { Decision, MultiAgentEnv, StepOutcome } from '../env/multi-agent/contract.js';
import { Rng } from '../env/rng.js';
import { policyStream } from '../env/seeds.js';
import { EpisodeReturn } from './episode-return.js';
import type { TransitionBuffer } from './transition-buffer.js';

/**
 * One env copy as the collector runs it: the episode under way (its seed, the
 * generator its actions are sampled from, every action so far, its return),
 * its agents' recurrent states, and its transitions.
 */
export class EnvCopy {
  /** The environment's latest outcome: pending decisions, or how the episode ended; null when no episode is under way. */
  outcome: StepOutcome | null = null;
  /** Episodes this copy has started, less one. */
  episode = -1;
  seed = 0;
  /** Samples this copy's actions, so its trajectory does not depend on the other copies. */
  rng = Rng.fromSeed(0);
  /** Decisions taken in the current episode. */
  decisions = 0;
  readonly episodeReturn: EpisodeReturn;
  /** The actions of every step of the current episode: replaying them rebuilds the episode from a checkpoint. */
  replay: number[][] = [];
  /** The load scale the current episode started with. */
  loadScale = 1;
  /** Per agent: its actor's and its critic's recurrent state (empty for feed-forward networks). */
  readonly actorHidden: Float32Array[];
  readonly criticHidden: Float32Array[];
  /** Per pending decision: the row written for it. */
  readonly rows: Int32Array;
  /** Per pending-decision count n: a reusable array for n actions. */
  private readonly actionArrays: Int32Array[];

  constructor(
    readonly env: MultiAgentEnv,
    /** The copy's index among all collectors' copies (see CollectorOptions.envIds). */
    readonly id: number,
    readonly buffer: TransitionBuffer,
    networks: NetworkMap,
  ) {
    const agents = env.agents;
    this.episodeReturn = new EpisodeReturn(agents.length);
    this.actorHidden = agents.map((a) => new Float32Array(networks.actorFor(a.index).hiddenSize));
    this.criticHidden = agents.map((a) => new Float32Array(networks.criticFor(a.index).hiddenSize));
    this.rows = new Int32Array(agents.length);
    this.actionArrays = actionArraysUpTo(agents.length);
  }

  /** Whether an episode is under way, with decisions pending. */
  get running(): boolean {
    return this.outcome !== null && this.outcome.ended === null;
  }

  /** The decisions the environment waits for (only while running). */
  get pending(): readonly Decision[] {
    return (this.outcome as StepOutcome).decisions;
  }

  /** The array the pending decisions' actions go into, reused from step to step. */
  get actions(): Int32Array {
    return this.actionArrays[this.pending.length];
  }

  /**
   * Starts the copy's next episode with its own seed (episode k of copy i of
   * N gets baseSeed + k·N + i), a generator derived from it, and recurrent
   * states at zero.
   */
  startEpisode(baseSeed: number, totalCopies: number, loadScale: number): void {
    this.episode++;
    this.seed = baseSeed + this.episode * totalCopies + this.id;
    this.rng = policyStream(this.seed);
    this.decisions = 0;
    this.episodeReturn.reset();
    this.replay = [];
    this.loadScale = loadScale;
    for (const h of this.actorHidden) h.fill(0);
    for (const h of this.criticHidden) h.fill(0);
    this.env.setLoadScale?.(loadScale);
    this.outcome = this.env.reset(this.seed);
  }

  /** Resolves the pending decisions with `actions` (see `actions`), keeping them for replay; returns the next outcome. */
  step(actions: Int32Array): StepOutcome {
    this.decisions += actions.length;
    this.replay.push(Array.from(actions));
    this.outcome = this.env.step(actions);
    return this.outcome;
  }
}

/** Reusable action arrays, one per pending-decision count 0..agents: a step's actions go into the one of its length, so stepping allocates nothing. */
export function actionArraysUpTo(agents: number): Int32Array[] {
  return Array.from({ length: agents + 1 }, (_, n) => new Int32Array(n));
}
