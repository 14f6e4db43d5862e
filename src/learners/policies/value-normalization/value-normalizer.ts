import type { Stateful } from '../stateful.js';

/**
 * The scale critics predict in. With normalization, critics regress
 * standardized returns and their outputs are de-normalized for GAE, so the
 * critic's targets stay near unit scale however large the returns grow.
 */
export interface ValueNormalizer extends Stateful {
  /** Takes a batch of returns into the running statistics. */
  update(returns: ArrayLike<number>): void;
  normalize(x: number): number;
  denormalize(x: number): number;
}

export function identityValues(): ValueNormalizer {
  return { update: () => {}, normalize: (x) => x, denormalize: (x) => x, state: () => null, restore: () => {} };
}
