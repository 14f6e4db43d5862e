import type { TokenLengthSpec } from '../../scenario/workload-schema.js';
import { empirical, lognormal, type Sampler } from '../distributions.js';
import type { Rng } from '../rng.js';
import { loadTrace } from './trace.js';

/** Draws a token count (an integer >= 1). */
export interface TokenLengths {
  /** The mean of the counts drawn (after rounding and clamping). */
  readonly mean: number;
  sample(rng: Rng): number;
}

export function tokenLengths(spec: TokenLengthSpec): TokenLengths {
  switch (spec.kind) {
    case 'fixed':
      return { mean: spec.value, sample: () => spec.value };
    case 'uniform': {
      const span = spec.max - spec.min + 1;
      return { mean: (spec.min + spec.max) / 2, sample: (rng) => spec.min + rng.int(span) };
    }
    case 'lognormal':
      return clampedLognormal(spec.mean, spec.sigma, spec.min, spec.max);
    case 'trace': {
      const trace = loadTrace(spec.file);
      return empirical(spec.field === 'prompt' ? trace.promptTokens : trace.outputTokens);
    }
  }
}

/** Grid points of the standard normal over which a clamped lognormal's mean is integrated. */
const MEAN_GRID = 4001;
const MEAN_GRID_SPAN = 8;

/**
 * A lognormal draw, rounded and clamped to [min, max]. Its mean is integrated
 * numerically over the underlying normal (clamping at max pulls it below the
 * lognormal's own mean: 124.8 rather than 128 for the default scenario's outputs).
 */
function clampedLognormal(mean: number, sigma: number, min: number, max: number): TokenLengths {
  const sampler: Sampler = lognormal(mean, sigma);
  const mu = Math.log(mean) - (sigma * sigma) / 2;
  const clamp = (x: number): number => Math.min(max, Math.max(min, Math.round(x)));
  let weighted = 0;
  let weights = 0;
  for (let k = 0; k < MEAN_GRID; k++) {
    const z = -MEAN_GRID_SPAN + (2 * MEAN_GRID_SPAN * k) / (MEAN_GRID - 1);
    const w = Math.exp(-0.5 * z * z);
    weighted += w * clamp(Math.exp(mu + sigma * z));
    weights += w;
  }
  return { mean: weighted / weights, sample: (rng) => clamp(sampler.sample(rng)) };
}
