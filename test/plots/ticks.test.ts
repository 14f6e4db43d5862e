import { describe, expect, it } from 'vitest';
import { InputError } from '../../src/errors.js';
import { niceTicks, tickLabels } from '../../src/plots/ticks.js';

/** Whether `step` is 1, 2 or 5 times a power of ten. */
function isNiceStep(step: number): boolean {
  const exponent = Math.floor(Math.log10(step));
  const mantissa = step / 10 ** exponent;
  return [1, 2, 5, 10].some((m) => Math.abs(mantissa - m) < 1e-9);
}

describe('niceTicks', () => {
  const ranges: [number, number][] = [
    [0, 1],
    [0.003, 0.0071],
    [-250, 12000],
    [5, 5],
    [0, 0],
    [-3.7, -1.2],
    [1.2e-5, 3.3e-5],
    [0, 2.5e6],
    [999.5, 1000.5],
  ];
  for (const [lo, hi] of ranges) {
    for (const maxIntervals of [1, 3, 5, 10]) {
      it(`covers [${lo}, ${hi}] with at most ${maxIntervals} nice intervals`, () => {
        const t = niceTicks(lo, hi, maxIntervals);
        expect(isNiceStep(t.step)).toBe(true);
        // Zero is on every step's grid, so a range around it needs two intervals.
        const aroundZero = (lo < 0 && hi > 0) || (lo === 0 && hi === 0);
        expect(t.values.length - 1).toBeLessThanOrEqual(aroundZero ? Math.max(2, maxIntervals) : maxIntervals);
        expect(t.values.length).toBeGreaterThanOrEqual(2);
        expect(t.lo).toBeLessThanOrEqual(lo);
        expect(t.hi).toBeGreaterThanOrEqual(hi);
        expect(t.hi).toBeGreaterThan(t.lo);
        t.values.forEach((v, i) => {
          expect(v / t.step).toBeCloseTo(Math.round(v / t.step), 6); // on the step grid
          if (i > 0) expect(v - t.values[i - 1]).toBeCloseTo(t.step, 12);
        });
        const labels = tickLabels(t.values, t.step);
        expect(new Set(labels).size).toBe(labels.length); // distinct ticks read differently
      });
    }
  }

  it('uses the densest ticks allowed', () => {
    expect(niceTicks(0, 1, 5).values).toEqual([0, 0.2, 0.4, 0.6, 0.8, 1]);
    expect(niceTicks(0.003, 0.0071, 6).values).toEqual([0.003, 0.004, 0.005, 0.006, 0.007, 0.008]);
    expect(niceTicks(-250, 12000, 8).step).toBe(2000);
  });

  it('widens a range of zero width around its value', () => {
    const t = niceTicks(5, 5, 5);
    expect(t.lo).toBeLessThan(5);
    expect(t.hi).toBeGreaterThan(5);
    expect(t.values).toContain(5);
  });

  it('refuses ranges that are not finite', () => {
    expect(() => niceTicks(0, Infinity, 5)).toThrow(InputError);
    expect(() => niceTicks(NaN, 1, 5)).toThrow(InputError);
    expect(() => niceTicks(-1.5e308, 1.5e308, 5)).toThrow(InputError);
  });
});

describe('tickLabels', () => {
  it('is compact in every regime', () => {
    expect(tickLabels([0, 500, 1000, 1500], 500)).toEqual(['0', '500', '1k', '1.5k']);
    expect(tickLabels([-2000, 0, 2000, 12000], 2000)).toEqual(['-2k', '0', '2k', '12k']);
    expect(tickLabels([0, 5e5, 1e6, 1.5e6], 5e5)).toEqual(['0', '500k', '1M', '1.5M']);
    expect(tickLabels([0.001, 0.0015, 0.002], 0.0005)).toEqual(['0.001', '0.0015', '0.002']);
    expect(tickLabels([0, 0.5, 1], 0.5)).toEqual(['0', '0.5', '1']);
    expect(tickLabels([1e-5, 1.5e-5, 2e-5], 5e-6)).toEqual(['1e-5', '1.5e-5', '2e-5']);
    expect(tickLabels([1000, 1002, 1004], 2)).toEqual(['1000', '1002', '1004']);
  });

  it('never prints negative zero or floating-point noise', () => {
    const t = niceTicks(-0.3, 0.3, 6);
    const labels = tickLabels(t.values, t.step);
    expect(labels).toContain('0');
    expect(labels.every((l) => l.length <= 4)).toBe(true);
  });
});
