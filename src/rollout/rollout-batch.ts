import type { TrajectoryTable } from './trajectory-table.js';

/** An episode that ended during a collection. */
export interface EpisodeRecord {
  readonly env: number;
  readonly seed: number;
  readonly ended: 'done' | 'truncated';
  readonly decisions: number;
  /** Sum of every agent's reward over the episode. */
  readonly reward: number;
  /** The environment's own figures for the episode (e.g. latency percentiles). */
  readonly summary: Record<string, number>;
}

/** What one collection produced, for the learner. */
export interface RolloutBatch {
  /** One table per role, in the order roles first appear among the agents; rows grouped by env copy. */
  readonly tables: readonly TrajectoryTable[];
  /** Agent index → index into `tables`. */
  readonly tableOf: Int32Array;
  /** Rows that train (RowState.Ready), over all tables. */
  readonly steps: number;
  readonly decisions: number;
  /** Per agent, how often each action was chosen in this collection (whether or not its row trains yet). */
  readonly actionCounts: readonly Float64Array[];
  readonly episodes: readonly EpisodeRecord[];
  /** With `record` on: every copy's records of this collection as rollout-file frames, copy by copy. */
  readonly recording?: Uint8Array;
}
