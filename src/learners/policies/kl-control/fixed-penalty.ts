import { NO_KL_CONTROL, type KlController } from './kl-controller.js';

/** A constant penalty coef * approx KL in the policy loss (PPO paper, section 4). */
export function fixedPenalty(coef: number): KlController {
  return { ...NO_KL_CONTROL, penaltyCoef: () => coef };
}
