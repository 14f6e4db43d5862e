import { StagnationDetector } from '../../stagnation.js';
import type { LrSchedule } from './lr-schedule.js';

/**
 * Reduce on plateau: when the mean episode reward has not improved by
 * `threshold` (relative) for `patience` updates, multiply the rate by `factor`,
 * never below `min` times the base rate, and wait another `patience` updates.
 */
export function plateauLr(factor: number, patience: number, threshold: number, min: number): LrSchedule {
  const detector = new StagnationDetector(patience, threshold);
  let multiplier = 1;
  return {
    multiplier: () => multiplier,
    observe: (_update, meanReward) => {
      detector.observe(meanReward);
      if (detector.stagnant()) {
        multiplier = Math.max(min, multiplier * factor);
        detector.reset();
      }
    },
    state: () => ({ multiplier, history: detector.state() }),
    restore: (s) => {
      const st = s as { multiplier: number; history: number[] };
      multiplier = st.multiplier;
      detector.restore(st.history);
    },
  };
}
