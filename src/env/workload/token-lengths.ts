import type { TokenLengthSpec } from '../../scenario/workload-schema.js';
import { empirical, lognormal, type Sampler } from '../distributions.js';
import type { Rng } from '../rng.js';
import { loadTrace } from './trace.js';

/** Draws a token count (an integer >= 1). */
export interface TokenLengths {
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
      return clamped(lognormal(spec.mean, spec.sigma), spec.min, spec.max);
    case 'trace': {
      const trace = loadTrace(spec.file);
      return empirical(spec.field === 'prompt' ? trace.promptTokens : trace.outputTokens);
    }
  }
}

function clamped(sampler: Sampler, min: number, max: number): TokenLengths {
  return {
    mean: sampler.mean,
    sample: (rng) => Math.min(max, Math.max(min, Math.round(sampler.sample(rng)))),
  };
}
