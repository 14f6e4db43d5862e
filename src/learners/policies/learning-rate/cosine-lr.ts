import { cosineSchedule, linearSchedule } from '../../schedule.js';
import { stateless, type LrSchedule } from './lr-schedule.js';

/**
 * A linear warm-up from near 0 to the base rate over `warmupUpdates`, then a
 * half cosine down to `final` times the base rate at the last update.
 */
export const cosineLr = (warmupUpdates: number, final: number): LrSchedule =>
  stateless((u, total) => {
    if (u <= warmupUpdates) return linearSchedule(0, 1, u / warmupUpdates);
    const span = total - warmupUpdates;
    return span <= 1 ? 1 : cosineSchedule(1, final, (u - warmupUpdates - 1) / (span - 1));
  });
