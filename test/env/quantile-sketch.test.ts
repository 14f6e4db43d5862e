import { describe, it, expect } from 'vitest';
import { QuantileSketch } from '../../src/env/metrics/quantile-sketch.js';
import { TimeWeightedMean } from '../../src/env/metrics/time-weighted-mean.js';
import { lognormal } from '../../src/env/distributions.js';
import { Rng } from '../../src/env/rng.js';

function lognormalSamples(seed: number, n: number, mean = 0.8, sigma = 1.2): number[] {
  const rng = Rng.fromSeed(seed);
  const s = lognormal(mean, sigma);
  return Array.from({ length: n }, () => s.sample(rng));
}

/** The sorted sample at rank floor(q * (n - 1)). */
function exactQuantile(sorted: readonly number[], q: number): number {
  return sorted[Math.floor(q * (sorted.length - 1))];
}

const QS = [0.01, 0.1, 0.25, 0.5, 0.75, 0.9, 0.95, 0.99, 0.999];

describe('QuantileSketch', () => {
  const samples = lognormalSamples(1, 100_000);
  const sorted = [...samples].sort((a, b) => a - b);
  const sketch = new QuantileSketch();
  for (const x of samples) sketch.record(x);

  it('p50/p95/p99 are within 1% of the exact quantiles on 1e5 lognormal samples', () => {
    const s = sketch.summary();
    for (const [q, got] of [
      [0.5, s.p50],
      [0.95, s.p95],
      [0.99, s.p99],
    ] as const) {
      const exact = exactQuantile(sorted, q);
      expect(Math.abs(got - exact) / exact, `q=${q}`).toBeLessThan(0.01);
    }
    // The samples span several orders of magnitude, so this is a real test of relative accuracy.
    expect(sorted[sorted.length - 1] / sorted[0]).toBeGreaterThan(1e4);
  });

  it('other quantiles are accurate too, and quantile() is monotone in q', () => {
    let prev = -Infinity;
    for (const q of QS) {
      const exact = exactQuantile(sorted, q);
      const got = sketch.quantile(q);
      expect(Math.abs(got - exact) / exact, `q=${q}`).toBeLessThan(0.01);
      expect(got).toBeGreaterThanOrEqual(prev);
      prev = got;
    }
    expect(sketch.quantile(0)).toBe(sorted[0]);
    expect(sketch.quantile(1)).toBe(sorted[sorted.length - 1]);
  });

  it('mean, min, max and count are exact', () => {
    let sum = 0;
    for (const x of samples) sum += x;
    expect(sketch.count).toBe(samples.length);
    expect(sketch.sum).toBe(sum);
    expect(sketch.mean).toBe(sum / samples.length);
    expect(sketch.summary().mean).toBe(sum / samples.length);
    expect(sketch.min).toBe(sorted[0]);
    expect(sketch.max).toBe(sorted[sorted.length - 1]);
  });

  it('merging two sketches equals one sketch fed both streams', () => {
    const a = lognormalSamples(2, 30_000, 0.5, 1);
    const b = lognormalSamples(3, 20_000, 3, 0.5);
    const sa = new QuantileSketch();
    const sb = new QuantileSketch();
    const both = new QuantileSketch();
    for (const x of a) {
      sa.record(x);
      both.record(x);
    }
    for (const x of b) {
      sb.record(x);
      both.record(x);
    }
    sa.merge(sb);
    expect(sa.count).toBe(both.count);
    expect(sa.min).toBe(both.min);
    expect(sa.max).toBe(both.max);
    // Sums differ only by floating-point association.
    expect(Math.abs(sa.mean - both.mean) / both.mean).toBeLessThan(1e-12);
    for (const q of [...QS, 0, 1]) expect(sa.quantile(q), `q=${q}`).toBe(both.quantile(q));
    // The merged-in sketch is unchanged.
    expect(sb.count).toBe(b.length);
  });

  it('merging into an empty sketch copies the other', () => {
    const empty = new QuantileSketch();
    empty.merge(sketch);
    expect(empty.summary()).toEqual(sketch.summary());
    expect(empty.min).toBe(sketch.min);
    expect(empty.max).toBe(sketch.max);
  });

  it('a weighted record equals repeated records', () => {
    const weighted = new QuantileSketch();
    const repeated = new QuantileSketch();
    const values = [0.01, 0.3, 0.3001, 2, 15, 0.07];
    const weights = [3, 1, 5, 2, 7, 4];
    values.forEach((v, i) => {
      weighted.record(v, weights[i]);
      for (let k = 0; k < weights[i]; k++) repeated.record(v);
    });
    expect(weighted.count).toBe(repeated.count);
    expect(weighted.count).toBe(22);
    expect(weighted.min).toBe(repeated.min);
    expect(weighted.max).toBe(repeated.max);
    expect(weighted.mean).toBeCloseTo(repeated.mean, 12);
    for (let q = 0; q <= 1.0001; q += 0.05) expect(weighted.quantile(q), `q=${q}`).toBe(repeated.quantile(q));
  });

  it('an empty sketch summarizes as zeros', () => {
    const empty = new QuantileSketch();
    expect(empty.summary()).toEqual({ mean: 0, p50: 0, p95: 0, p99: 0 });
    expect(empty.count).toBe(0);
    expect(empty.quantile(0.5)).toBe(0);
  });

  it('handles zero values and a single value', () => {
    const s = new QuantileSketch();
    for (let i = 0; i < 60; i++) s.record(0);
    for (let i = 0; i < 40; i++) s.record(2);
    expect(s.quantile(0.5)).toBe(0);
    expect(Math.abs(s.quantile(0.99) - 2) / 2).toBeLessThan(0.005);
    expect(s.mean).toBe(0.8);

    const one = new QuantileSketch();
    one.record(0.123);
    // Clamped to [min, max], a single value comes back exactly.
    expect(one.summary()).toEqual({ mean: 0.123, p50: 0.123, p95: 0.123, p99: 0.123 });
  });
});

describe('TimeWeightedMean', () => {
  it('averages a piecewise-constant quantity over [0, now]', () => {
    const m = new TimeWeightedMean();
    m.set(0, 2); // 2 on [0, 3)
    m.set(3, 5); // 5 on [3, 4)
    m.set(4, 0); // 0 on [4, 6)
    m.set(6, 1); // 1 on [6, ...)
    // Area to t=10: 2*3 + 5*1 + 0*2 + 1*4 = 15.
    expect(m.mean(10)).toBeCloseTo(1.5, 12);
    // Area to t=3.5: 2*3 + 5*0.5 = 8.5.
    expect(m.mean(3.5)).toBeCloseTo(8.5 / 3.5, 12);
    // Area to t=6: 11.
    expect(m.mean(6)).toBeCloseTo(11 / 6, 12);
  });

  it('counts zero before the first set and handles repeated times', () => {
    const m = new TimeWeightedMean();
    m.set(2, 4); // 0 on [0, 2), 4 from 2
    expect(m.mean(4)).toBeCloseTo(2, 12);
    m.set(4, 10);
    m.set(4, 6); // an instantaneous value contributes no area
    expect(m.mean(8)).toBeCloseTo((0 * 2 + 4 * 2 + 6 * 4) / 8, 12);
  });

  it('returns the current value at time 0', () => {
    const m = new TimeWeightedMean();
    expect(m.mean(0)).toBe(0);
    m.set(0, 7);
    expect(m.mean(0)).toBe(7);
  });
});
