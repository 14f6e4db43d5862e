import { NO_KL_CONTROL, type KlController } from './kl-controller.js';

/** Stops the epoch loop as soon as a minibatch's approx KL exceeds the target (CleanRL's target_kl). */
export function earlyStop(target: number): KlController {
  return { ...NO_KL_CONTROL, shouldStop: (kl) => kl > target };
}
