import { linearSchedule } from '../../schedule.js';
import { NO_KL_CONTROL, type KlController } from './kl-controller.js';

/**
 * KL(policy || reference) with a coefficient decaying linearly from `initial`
 * at the first update to `final` after `decayUpdates` updates: a warm-started
 * policy is held near the policy it was cloned from, less and less.
 */
export function referenceKl(initial: number, final: number, decayUpdates: number): KlController {
  return { ...NO_KL_CONTROL, referenceCoef: (update) => linearSchedule(initial, final, (update - 1) / decayUpdates) };
}
