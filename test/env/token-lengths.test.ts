import { describe, expect, it } from 'vitest';
import { Rng } from '../../src/env/rng.js';
import { tokenLengths, type TokenLengths } from '../../src/env/workload/token-lengths.js';

const N = 200_000;

/** Sample mean and its standard error over N draws. */
function sampleMean(t: TokenLengths, seed: number): { mean: number; se: number; min: number; max: number } {
  const rng = Rng.fromSeed(seed);
  let sum = 0;
  let sumSq = 0;
  let min = Infinity;
  let max = -Infinity;
  for (let i = 0; i < N; i++) {
    const x = t.sample(rng);
    sum += x;
    sumSq += x * x;
    if (x < min) min = x;
    if (x > max) max = x;
  }
  const mean = sum / N;
  return { mean, se: Math.sqrt((sumSq / N - mean * mean) / N), min, max };
}

/** erfc, Numerical Recipes' Chebyshev fit (fractional error below 1.2e-7). */
function erfc(x: number): number {
  const z = Math.abs(x);
  const t = 1 / (1 + 0.5 * z);
  const c = [-1.26551223, 1.00002368, 0.37409196, 0.09678418, -0.18628806, 0.27886807, -1.13520398, 1.48851587, -0.82215223, 0.17087277];
  let poly = 0;
  for (let i = c.length - 1; i >= 1; i--) poly = t * (c[i] + poly);
  const r = t * Math.exp(-z * z + c[0] + poly);
  return x >= 0 ? r : 2 - r;
}

/**
 * The exact mean of round(X) clamped to [min, max] for X lognormal with mean
 * `mean` and log-sd `sigma`, independently of the code under test: for an
 * integer Y in [min, max], E[Y] = min + sum over j = min..max-1 of P(Y > j),
 * and Y > j iff X >= j + 1/2.
 */
function exactClampedMean(mean: number, sigma: number, min: number, max: number): number {
  const mu = Math.log(mean) - (sigma * sigma) / 2;
  let e = min;
  for (let j = min; j < max; j++) {
    const tail = 0.5 * erfc((Math.log(j + 0.5) - mu) / sigma / Math.SQRT2);
    e += tail;
    if (tail < 1e-13) break;
  }
  return e;
}

describe('token lengths', () => {
  describe('clamped lognormal: the mean is that of the rounded, clamped draws', () => {
    it("the default scenario's outputs (mean 128, sigma 0.8, max 512): about 124.75, below 128", () => {
      const t = tokenLengths({ kind: 'lognormal', mean: 128, sigma: 0.8, min: 1, max: 512 });
      // Clamping at 512 removes the upper tail: E[min(X, 512)] < E[X] = 128.
      expect(t.mean).toBeLessThan(128);
      expect(t.mean).toBeGreaterThan(124);
      // The tail sum gives 124.7467; the integration is good to a few hundredths.
      expect(Math.abs(t.mean - exactClampedMean(128, 0.8, 1, 512))).toBeLessThan(0.02);
      // The draws' sd is ~103, so se ~ 0.23: allow 4 se (the gap to 128 is ~14 se).
      const m = sampleMean(t, 7);
      expect(Math.abs(m.mean - t.mean)).toBeLessThan(4 * m.se);
      expect(128 - m.mean).toBeGreaterThan(10 * m.se);
      // Draws below 1.5 have probability ~1e-7, above 511.5 about 1.7%.
      expect(m.min).toBeGreaterThanOrEqual(1);
      expect(m.max).toBe(512);
    });

    it("the default scenario's prompts (mean 1000, sigma 0.7, max 8000)", () => {
      const t = tokenLengths({ kind: 'lognormal', mean: 1000, sigma: 0.7, min: 1, max: 8000 });
      expect(t.mean).toBeLessThan(1000);
      expect(Math.abs(t.mean - exactClampedMean(1000, 0.7, 1, 8000))).toBeLessThan(0.02);
      const m = sampleMean(t, 8);
      expect(Math.abs(m.mean - t.mean)).toBeLessThan(4 * m.se); // se ~ 1.75
      expect(m.max).toBeLessThanOrEqual(8000);
    });

    it('clamping from below and rounding small values raise the mean (mean 3, sigma 1, min 2)', () => {
      const t = tokenLengths({ kind: 'lognormal', mean: 3, sigma: 1, min: 2, max: 1_000_000 });
      // Draws below 1.5 become 2: the mean rises to ~3.519 from 3.
      expect(t.mean).toBeGreaterThan(3.4);
      expect(Math.abs(t.mean - exactClampedMean(3, 1, 2, 1_000_000))).toBeLessThan(0.005);
      const m = sampleMean(t, 9);
      expect(Math.abs(m.mean - t.mean)).toBeLessThan(4 * m.se); // se ~ 0.008
      expect(m.min).toBe(2);
    });
  });

  it('fixed and uniform lengths have their means, and uniform draws cover [min, max]', () => {
    const fixed = tokenLengths({ kind: 'fixed', value: 42 });
    expect(fixed.mean).toBe(42);
    expect(fixed.sample(Rng.fromSeed(1))).toBe(42);
    const uniform = tokenLengths({ kind: 'uniform', min: 10, max: 20 });
    expect(uniform.mean).toBe(15);
    const m = sampleMean(uniform, 10);
    expect(Math.abs(m.mean - 15)).toBeLessThan(4 * m.se); // sd sqrt(120/12) ~ 3.16, se ~ 0.007
    expect(m.min).toBe(10);
    expect(m.max).toBe(20);
  });
});
