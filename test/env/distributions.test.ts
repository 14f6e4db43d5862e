import { describe, it, expect } from 'vitest';
import { Rng } from '../../src/env/rng.js';
import { constant, empirical, exponential, gamma, lognormal, standardGamma, uniform, type Sampler } from '../../src/env/distributions.js';

const N = 200_000;

interface Moments {
  mean: number;
  sd: number;
  min: number;
  max: number;
}

function moments(draw: () => number, n = N): Moments {
  let sum = 0;
  let sumSq = 0;
  let min = Infinity;
  let max = -Infinity;
  for (let i = 0; i < n; i++) {
    const x = draw();
    sum += x;
    sumSq += x * x;
    if (x < min) min = x;
    if (x > max) max = x;
  }
  const mean = sum / n;
  return { mean, sd: Math.sqrt((sumSq - n * mean * mean) / (n - 1)), min, max };
}

function sampleMoments(s: Sampler, seed: number): Moments {
  const rng = Rng.fromSeed(seed);
  return moments(() => s.sample(rng));
}

const relErr = (x: number, ref: number): number => Math.abs(x - ref) / Math.abs(ref);

describe('distributions', () => {
  it('constant always returns its value', () => {
    const s = constant(2.5);
    const rng = Rng.fromSeed(1);
    expect(s.mean).toBe(2.5);
    for (let i = 0; i < 10; i++) expect(s.sample(rng)).toBe(2.5);
  });

  it('exponential: sample mean matches .mean, cv is 1', () => {
    const s = exponential(3);
    expect(s.mean).toBe(3);
    const m = sampleMoments(s, 11);
    // sd = mean, so se of the mean is 3/sqrt(2e5) ~ 0.22% of the mean.
    expect(relErr(m.mean, 3)).toBeLessThan(0.01);
    expect(relErr(m.sd / m.mean, 1)).toBeLessThan(0.02);
    expect(m.min).toBeGreaterThanOrEqual(0);
  });

  it('uniform: sample mean matches .mean and draws stay in [min, max)', () => {
    const s = uniform(2, 5);
    expect(s.mean).toBe(3.5);
    const m = sampleMoments(s, 12);
    expect(Math.abs(m.mean - 3.5)).toBeLessThan(0.01); // se = 0.866/447 ~ 0.0019
    expect(m.min).toBeGreaterThanOrEqual(2);
    expect(m.max).toBeLessThan(5);
    expect(relErr(m.sd, 3 / Math.sqrt(12))).toBeLessThan(0.01);
  });

  it('lognormal: sample mean matches .mean and the log has sd sigma', () => {
    const mean = 2;
    const sigma = 0.8;
    const s = lognormal(mean, sigma);
    expect(s.mean).toBe(mean);
    const rng = Rng.fromSeed(13);
    let sum = 0;
    let sumLog = 0;
    let sumLogSq = 0;
    let nonPositive = 0;
    for (let i = 0; i < N; i++) {
      const x = s.sample(rng);
      if (!(x > 0)) nonPositive++;
      sum += x;
      const l = Math.log(x);
      sumLog += l;
      sumLogSq += l * l;
    }
    expect(nonPositive).toBe(0);
    // sd = mean*sqrt(e^{sigma^2}-1) ~ 0.95*mean; se of the mean ~ 0.2% of the mean.
    expect(relErr(sum / N, mean)).toBeLessThan(0.01);
    const mLog = sumLog / N;
    expect(Math.abs(mLog - (Math.log(mean) - (sigma * sigma) / 2))).toBeLessThan(0.01);
    expect(relErr(Math.sqrt(sumLogSq / N - mLog * mLog), sigma)).toBeLessThan(0.01);
  });

  describe('gamma', () => {
    it.each([
      [4, 2],
      [4, 0.5],
      [0.25, 1],
      [10, 1.3],
    ])('mean %s, cv %s: sample mean matches .mean and empirical cv matches cv', (mean, cv) => {
      const s = gamma(mean, cv);
      expect(s.mean).toBe(mean);
      const m = sampleMoments(s, 1000 + Math.round(cv * 100));
      // The se of the mean is cv/sqrt(2e5) relative, at most 0.45% here; the se of
      // the sample cv is below 1% even for cv = 2 (shape 1/4, excess kurtosis 24).
      expect(relErr(m.mean, mean)).toBeLessThan(0.03);
      expect(relErr(m.sd / m.mean, cv)).toBeLessThan(0.03);
      expect(m.min).toBeGreaterThanOrEqual(0);
    });

    it('distinguishes bursty from regular arrivals', () => {
      const bursty = sampleMoments(gamma(1, 2), 21);
      const regular = sampleMoments(gamma(1, 0.5), 22);
      expect(bursty.sd).toBeGreaterThan(1.8);
      expect(regular.sd).toBeLessThan(0.55);
    });
  });

  describe('standardGamma', () => {
    it.each([0.1, 0.3, 0.7])('shape %s < 1 has mean and variance equal to the shape', (shape) => {
      const rng = Rng.fromSeed(31);
      const m = moments(() => standardGamma(rng, shape));
      // Variance = shape, so se of the mean = sqrt(shape/2e5); relative se <= 0.7% (shape 0.1).
      expect(relErr(m.mean, shape)).toBeLessThan(0.03);
      expect(relErr(m.sd * m.sd, shape)).toBeLessThan(0.05);
      expect(m.min).toBeGreaterThanOrEqual(0);
    });

    it.each([1, 2.5, 9])('shape %s >= 1 has mean and variance equal to the shape', (shape) => {
      const rng = Rng.fromSeed(32);
      const m = moments(() => standardGamma(rng, shape));
      expect(relErr(m.mean, shape)).toBeLessThan(0.01);
      expect(relErr(m.sd * m.sd, shape)).toBeLessThan(0.03);
    });

    it('shape 1 is the standard exponential: P(X > 1) = 1/e', () => {
      const rng = Rng.fromSeed(33);
      let above = 0;
      for (let i = 0; i < N; i++) if (standardGamma(rng, 1) > 1) above++;
      // se = sqrt(p(1-p)/N) ~ 0.0011
      expect(Math.abs(above / N - Math.exp(-1))).toBeLessThan(0.006);
    });
  });

  describe('empirical', () => {
    it('has the mean of its values and draws only listed values, each with its frequency', () => {
      const values = [1, 5, 5, 9];
      const s = empirical(values);
      expect(s.mean).toBe(5);
      const rng = Rng.fromSeed(41);
      const counts = new Map<number, number>();
      const n = 40_000;
      for (let i = 0; i < n; i++) {
        const x = s.sample(rng);
        counts.set(x, (counts.get(x) ?? 0) + 1);
      }
      expect([...counts.keys()].sort((a, b) => a - b)).toEqual([1, 5, 9]);
      // Binomial se for p = 0.25 is ~0.0022, for 0.5 ~0.0025.
      expect(Math.abs(counts.get(1)! / n - 0.25)).toBeLessThan(0.012);
      expect(Math.abs(counts.get(5)! / n - 0.5)).toBeLessThan(0.012);
      expect(Math.abs(counts.get(9)! / n - 0.25)).toBeLessThan(0.012);
    });

    it('works on typed arrays and a single value', () => {
      const s = empirical(Int32Array.from([7, 3]));
      expect(s.mean).toBe(5);
      const rng = Rng.fromSeed(42);
      const seen = new Set<number>();
      for (let i = 0; i < 200; i++) seen.add(s.sample(rng));
      expect([...seen].sort()).toEqual([3, 7]);
      const one = empirical([4]);
      for (let i = 0; i < 10; i++) expect(one.sample(rng)).toBe(4);
    });
  });
});
