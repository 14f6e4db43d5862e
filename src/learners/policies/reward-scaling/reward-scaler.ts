import type { TrajectoryTable } from '../../../rollout/trajectory-table.js';
import type { Stateful } from '../stateful.js';

/**
 * Rescales rewards before advantages are computed. It changes the scale the
 * critic and the advantages work at, not what is rewarded.
 */
export interface RewardScaler extends Stateful {
  /** Scaled rewards of the table's rows (in row order), updating any statistics. */
  scale(table: TrajectoryTable, gamma: number, timeUnit: number): Float32Array;
  /** The current divisor (1 when not scaling), for logging. */
  readonly divisor: number;
}
