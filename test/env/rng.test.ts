import { describe, it, expect } from 'vitest';
import { Rng } from '../../src/env/rng.js';

function draws(rng: Rng, n: number): number[] {
  const out: number[] = [];
  for (let i = 0; i < n; i++) out.push(rng.next());
  return out;
}

describe('Rng', () => {
  it('gives the same sequence for the same seed', () => {
    expect(draws(Rng.fromSeed(12345), 1000)).toEqual(draws(Rng.fromSeed(12345), 1000));
    const a = Rng.fromSeed(7);
    const b = Rng.fromSeed(7);
    for (let i = 0; i < 1000; i++) expect(a.nextUint32()).toBe(b.nextUint32());
  });

  it('gives different sequences for different seeds', () => {
    const seeds = [0, 1, 2, 3, 42, 1000, 2 ** 31, 2 ** 40 + 17];
    const firsts = seeds.map((s) => draws(Rng.fromSeed(s), 8).join(','));
    expect(new Set(firsts).size).toBe(seeds.length);
    // Nearby seeds do not give shifted copies of each other.
    const a = draws(Rng.fromSeed(1), 100);
    const b = draws(Rng.fromSeed(2), 100);
    const shared = a.filter((x) => b.includes(x));
    expect(shared).toEqual([]);
  });

  it('rejects seeds that are not safe integers', () => {
    expect(() => Rng.fromSeed(1.5)).toThrow(RangeError);
    expect(() => Rng.fromSeed(Number.NaN)).toThrow(RangeError);
    expect(() => Rng.fromSeed(2 ** 60)).toThrow(RangeError);
  });

  describe('derive', () => {
    it('is reproducible for the same seed and label', () => {
      expect(draws(Rng.fromSeed(99).derive('arrivals/0'), 200)).toEqual(draws(Rng.fromSeed(99).derive('arrivals/0'), 200));
    });

    it('differs by label and by parent seed', () => {
      const parent = Rng.fromSeed(99);
      const labels = ['arrivals/0', 'arrivals/1', 'router', 'tokens/0', ''];
      const seqs = labels.map((l) => draws(parent.derive(l), 8).join(','));
      expect(new Set(seqs).size).toBe(labels.length);
      expect(draws(Rng.fromSeed(100).derive('router'), 8)).not.toEqual(draws(Rng.fromSeed(99).derive('router'), 8));
      // A derived stream is not the parent's own sequence either.
      expect(draws(Rng.fromSeed(99).derive('router'), 8)).not.toEqual(draws(Rng.fromSeed(99), 8));
    });

    it('does not depend on how much the parent has been drawn', () => {
      const fresh = draws(Rng.fromSeed(5).derive('x'), 100);
      const parent = Rng.fromSeed(5);
      draws(parent, 12345);
      expect(draws(parent.derive('x'), 100)).toEqual(fresh);
      // Drawing from a derived stream does not disturb the parent either.
      const p1 = Rng.fromSeed(5);
      const p2 = Rng.fromSeed(5);
      draws(p1.derive('y'), 500);
      expect(draws(p1, 50)).toEqual(draws(p2, 50));
    });
  });

  describe('state / fromState', () => {
    it('resumes the exact sequence', () => {
      const rng = Rng.fromSeed(2024);
      draws(rng, 137);
      const saved = rng.state();
      const expected = draws(rng, 500);
      const expectedInts = Array.from({ length: 100 }, () => rng.int(1000));
      const resumed = Rng.fromState(2024, saved);
      expect(draws(resumed, 500)).toEqual(expected);
      expect(Array.from({ length: 100 }, () => resumed.int(1000))).toEqual(expectedInts);
      expect(resumed.state()).toEqual(rng.state());
    });

    it('returns a snapshot that later draws do not change', () => {
      const rng = Rng.fromSeed(3);
      const saved = rng.state();
      const copy = [...saved];
      draws(rng, 10);
      expect([...saved]).toEqual(copy);
      expect(rng.state()).not.toEqual(saved);
    });

    it('keeps the seed, so derived streams match after a restore', () => {
      const rng = Rng.fromSeed(77);
      draws(rng, 10);
      const restored = Rng.fromState(77, rng.state());
      expect(restored.seed).toBe(77);
      expect(draws(restored.derive('a'), 20)).toEqual(draws(Rng.fromSeed(77).derive('a'), 20));
    });
  });

  describe('distribution of draws', () => {
    const N = 100_000;

    it('next() lies in [0, 1) with mean 0.5', () => {
      const rng = Rng.fromSeed(1);
      let sum = 0;
      let min = Infinity;
      let max = -Infinity;
      let below = 0;
      for (let i = 0; i < N; i++) {
        const x = rng.next();
        sum += x;
        if (x < min) min = x;
        if (x > max) max = x;
        if (x < 0.25) below++;
      }
      expect(min).toBeGreaterThanOrEqual(0);
      expect(max).toBeLessThan(1);
      // Uniform(0,1) has sd 1/sqrt(12) ~ 0.289; the standard error of the mean of
      // 1e5 draws is 0.289/316 ~ 0.00091, so 0.005 is about 5.5 standard errors.
      expect(Math.abs(sum / N - 0.5)).toBeLessThan(0.005);
      // P(x < 0.25) = 0.25; se = sqrt(0.25*0.75/1e5) ~ 0.00137.
      expect(Math.abs(below / N - 0.25)).toBeLessThan(0.007);
      // The draws spread over the whole interval.
      expect(min).toBeLessThan(1e-3);
      expect(max).toBeGreaterThan(1 - 1e-3);
    });

    it('int(n) covers 0..n-1 roughly uniformly', () => {
      const rng = Rng.fromSeed(2);
      const n = 10;
      const counts = new Array<number>(n).fill(0);
      let invalid = 0;
      for (let i = 0; i < N; i++) {
        const k = rng.int(n);
        if (!Number.isInteger(k) || k < 0 || k >= n) invalid++;
        else counts[k]++;
      }
      expect(invalid).toBe(0);
      // Each count is Binomial(1e5, 0.1): mean 1e4, sd ~ 95; allow ~5 sd.
      for (const c of counts) expect(Math.abs(c - N / n)).toBeLessThan(500);
      // Chi-square with 9 degrees of freedom; 27.9 is its 0.999 quantile.
      const chi2 = counts.reduce((s, c) => s + (c - N / n) ** 2 / (N / n), 0);
      expect(chi2).toBeLessThan(27.9);
    });

    it('int(1) is always 0 and int(n) reaches n-1', () => {
      const rng = Rng.fromSeed(3);
      let sawTop = false;
      for (let i = 0; i < 1000; i++) {
        expect(rng.int(1)).toBe(0);
        if (rng.int(3) === 2) sawTop = true;
      }
      expect(sawTop).toBe(true);
    });

    it('exponential(rate) has mean 1/rate', () => {
      const rng = Rng.fromSeed(4);
      const rate = 2;
      let sum = 0;
      let min = Infinity;
      for (let i = 0; i < N; i++) {
        const x = rng.exponential(rate);
        sum += x;
        if (x < min) min = x;
      }
      expect(min).toBeGreaterThanOrEqual(0);
      // sd = 1/rate = 0.5; se of the mean = 0.5/316 ~ 0.0016; allow 5 se.
      expect(Math.abs(sum / N - 1 / rate)).toBeLessThan(0.008);
    });

    it('normal() has mean 0 and variance 1', () => {
      const rng = Rng.fromSeed(5);
      let sum = 0;
      let sumSq = 0;
      let beyond2 = 0;
      let nonFinite = 0;
      for (let i = 0; i < N; i++) {
        const x = rng.normal();
        if (!Number.isFinite(x)) nonFinite++;
        sum += x;
        sumSq += x * x;
        if (Math.abs(x) > 2) beyond2++;
      }
      expect(nonFinite).toBe(0);
      const mean = sum / N;
      const variance = sumSq / N - mean * mean;
      // se of the mean = 1/316 ~ 0.0032; se of the variance = sqrt(2/1e5) ~ 0.0045.
      expect(Math.abs(mean)).toBeLessThan(0.016);
      expect(Math.abs(variance - 1)).toBeLessThan(0.025);
      // P(|Z| > 2) = 0.0455; se ~ 0.00066.
      expect(Math.abs(beyond2 / N - 0.0455)).toBeLessThan(0.0035);
    });
  });
});

describe('Rng seeding covers the whole seed range', () => {
  it('seeds that share their low or high 32 bits still give different sequences', () => {
    const first = (seed: number): number => Rng.fromSeed(seed).nextUint32();
    const seeds = [0, 1, 2, 3, 2 ** 32, 2 ** 32 + 1, 2 ** 33, 2 ** 52 + 7];
    // The very first draw must already differ: xoshiro128**'s first output depends on one state word only.
    expect(new Set(seeds.map(first)).size).toBe(seeds.length);
    const streams = ['a', 'b', 'c', 'workload/0', 'workload/1'].map((label) => Rng.fromSeed(1).derive(label).nextUint32());
    expect(new Set(streams).size).toBe(streams.length);
    expect(() => Rng.fromSeed(-1)).toThrow(RangeError);
  });
});
