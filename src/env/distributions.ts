import type { Rng } from './rng.js';

/** A distribution over positive reals (service times, inter-arrival gaps). */
export interface Sampler {
  readonly mean: number;
  sample(rng: Rng): number;
}

export function constant(value: number): Sampler {
  return { mean: value, sample: () => value };
}

export function exponential(mean: number): Sampler {
  const rate = 1 / mean;
  return { mean, sample: (rng) => rng.exponential(rate) };
}

export function uniform(min: number, max: number): Sampler {
  const width = max - min;
  return { mean: (min + max) / 2, sample: (rng) => min + width * rng.next() };
}

/** Lognormal with the given mean; `sigma` is the standard deviation of the log. */
export function lognormal(mean: number, sigma: number): Sampler {
  const mu = Math.log(mean) - (sigma * sigma) / 2;
  return { mean, sample: (rng) => Math.exp(mu + sigma * rng.normal()) };
}

/**
 * Gamma with the given mean and coefficient of variation (std / mean): shape 1/cv^2.
 * cv = 1 is the exponential; cv > 1 gives bursts, cv < 1 regularity.
 */
export function gamma(mean: number, cv: number): Sampler {
  const shape = 1 / (cv * cv);
  const scale = mean / shape;
  return { mean, sample: (rng) => scale * standardGamma(rng, shape) };
}

/** Marsaglia and Tsang's method; shapes below 1 use the u^(1/shape) boost. */
export function standardGamma(rng: Rng, shape: number): number {
  if (shape < 1) {
    const u = 1 - rng.next();
    return standardGamma(rng, shape + 1) * Math.pow(u, 1 / shape);
  }
  const d = shape - 1 / 3;
  const c = 1 / Math.sqrt(9 * d);
  for (;;) {
    let x: number;
    let v: number;
    do {
      x = rng.normal();
      v = 1 + c * x;
    } while (v <= 0);
    v = v * v * v;
    const u = rng.next();
    if (u < 1 - 0.0331 * x * x * x * x) return d * v;
    if (Math.log(u) < 0.5 * x * x + d * (1 - v + Math.log(v))) return d * v;
  }
}

/** Draws uniformly from a fixed list of observed values (an empirical distribution). */
export function empirical(values: ArrayLike<number>): Sampler {
  let sum = 0;
  for (let i = 0; i < values.length; i++) sum += values[i];
  return { mean: sum / values.length, sample: (rng) => values[rng.int(values.length)] };
}
