import type { Stateful } from '../stateful.js';

/**
 * Keeps the updated policy near another: the rollout's policy (early stop,
 * fixed or adaptive penalty on the approx KL) or a frozen reference policy
 * (a decaying penalty on KL(policy || reference), used by warm starts).
 */
export interface KlController extends Stateful {
  /** Coefficient of the penalty on approx KL to the rollout's policy in the current update. */
  penaltyCoef(): number;
  /** Coefficient of KL(policy || reference) in update `update` (1-based). */
  referenceCoef(update: number): number;
  /** Whether to stop the epoch loop after a minibatch with this approx KL. */
  shouldStop(approxKl: number): boolean;
  /** The update's mean approx KL, once it is done. */
  afterUpdate(approxKl: number): void;
}

/** A controller that does nothing; the base of the others. */
export const NO_KL_CONTROL: KlController = {
  penaltyCoef: () => 0,
  referenceCoef: () => 0,
  shouldStop: () => false,
  afterUpdate: () => {},
  state: () => null,
  restore: () => {},
};

/** Several controllers at once: penalties add up, any one may stop the epochs. */
export function combineKlControllers(controllers: KlController[]): KlController {
  return {
    penaltyCoef: () => controllers.reduce((s, c) => s + c.penaltyCoef(), 0),
    referenceCoef: (u) => controllers.reduce((s, c) => s + c.referenceCoef(u), 0),
    shouldStop: (kl) => controllers.some((c) => c.shouldStop(kl)),
    afterUpdate: (kl) => controllers.forEach((c) => c.afterUpdate(kl)),
    state: () => controllers.map((c) => c.state()),
    restore: (s) => controllers.forEach((c, i) => c.restore((s as unknown[])[i])),
  };
}
