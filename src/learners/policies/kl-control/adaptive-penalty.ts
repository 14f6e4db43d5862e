import { NO_KL_CONTROL, type KlController } from './kl-controller.js';

/**
 * The PPO paper's adaptive KL penalty: after each update, if the KL was below
 * target / 1.5 the coefficient halves, if above target * 1.5 it doubles.
 */
export function adaptivePenalty(target: number, initialCoef: number): KlController {
  let coef = initialCoef;
  return {
    ...NO_KL_CONTROL,
    penaltyCoef: () => coef,
    afterUpdate: (kl) => {
      if (kl < target / 1.5) coef /= 2;
      else if (kl > target * 1.5) coef *= 2;
    },
    state: () => coef,
    restore: (s) => {
      coef = s as number;
    },
  };
}
