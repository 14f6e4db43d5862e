import { InputError } from '../errors.js';

/** Axis ticks: evenly spaced values, a step of 1, 2 or 5 times a power of ten, and the range they span. */
export interface Ticks {
  /** The first and last tick; together they cover the range asked for. */
  lo: number;
  hi: number;
  step: number;
  values: number[];
}

const MULTIPLIERS = [1, 2, 5];
/** Slack for floating-point error when a bound sits exactly on a tick (0.003 / 0.0005 is 5.999...). */
const EPSILON = 1e-9;

/**
 * The densest ticks with at most `maxIntervals` intervals (two, if that is
 * more, when the range spans zero) whose span covers [lo, hi]. Dense ticks waste the least of the plot beyond the data. A range
 * of zero width (one point, or a constant) is widened around its value, so an
 * axis always has a scale and nothing divides by zero.
 */
export function niceTicks(lo: number, hi: number, maxIntervals: number): Ticks {
  if (!Number.isFinite(lo) || !Number.isFinite(hi)) throw new InputError(`an axis range must be finite, got [${lo}, ${hi}]`);
  if (lo > hi) [lo, hi] = [hi, lo];
  const magnitude = Math.max(Math.abs(lo), Math.abs(hi));
  // Below about 1e-12 of the magnitude, a span is lost to rounding and would give identical tick labels.
  if (hi - lo <= magnitude * 1e-12) {
    const pad = magnitude === 0 ? 1 : magnitude * 0.1;
    lo -= pad;
    hi += pad;
  }
  if (!Number.isFinite(hi - lo)) throw new InputError(`an axis range is too wide to plot: [${lo}, ${hi}]`);
  // Zero is a tick of every step, so a range around it needs two intervals at least.
  const intervals = Math.max(lo < 0 && hi > 0 ? 2 : 1, Math.floor(maxIntervals));
  let exponent = Math.floor(Math.log10((hi - lo) / intervals));
  for (let m = 0; ; m++) {
    if (m === MULTIPLIERS.length) {
      m = 0;
      exponent++;
    }
    const multiplier = MULTIPLIERS[m];
    const step = scaled(multiplier, exponent);
    if (!Number.isFinite(step)) throw new Error(`no tick step fits [${lo}, ${hi}] in ${intervals} intervals`);
    const first = Math.floor(lo / step + EPSILON);
    const last = Math.ceil(hi / step - EPSILON);
    if (last - first > intervals) continue;
    const values: number[] = [];
    for (let i = first; i <= last; i++) values.push(scaled(i * multiplier, exponent));
    return { lo: values[0], hi: values[values.length - 1], step, values };
  }
}

/** n * 10^exponent, dividing for negative exponents so that 3 * 10^-1 is 0.3 and not 0.30000000000000004. */
function scaled(n: number, exponent: number): number {
  return exponent < 0 ? n / 10 ** -exponent : n * 10 ** exponent;
}

const SUFFIXES = ['', 'k', 'M', 'G', 'T'];

/**
 * Short labels for ticks `step` apart, as few characters as still tell them
 * apart: thousands and up take a suffix (1.5k, 20M), an axis whose values are
 * all below 0.001 uses powers of ten (2e-5), anything else plain decimals.
 * Each label has only the decimals its step needs, without trailing zeros.
 */
export function tickLabels(values: readonly number[], step: number): string[] {
  const largest = Math.max(0, ...values.map(Math.abs));
  // Suffixes only pay off while the step is coarse next to the values: ticks 2
  // apart near 1000 read better as 1002, 1004 than as 1.002k, 1.004k.
  const suffixed = step >= unitOf(largest) / 10;
  return values.map((v) => {
    if (v === 0 || Math.abs(v) < step * 1e-6) return '0';
    if (largest >= 1e15 || largest < 1e-3) return scientific(v, step);
    const unit = suffixed ? unitOf(Math.abs(v)) : 1;
    const suffix = SUFFIXES[Math.round(Math.log10(unit) / 3)];
    return trimZeros((v / unit).toFixed(decimalsFor(step / unit))) + suffix;
  });
}

/** The largest of 1, 1e3, 1e6, ... that is at most `magnitude`, up to the last suffix. */
function unitOf(magnitude: number): number {
  let unit = 1;
  for (let s = 1; s < SUFFIXES.length && magnitude >= unit * 1000 * (1 - EPSILON); s++) unit *= 1000;
  return unit;
}

/** Decimal places that show a multiple of `step` exactly (step is 1, 2 or 5 times a power of ten). */
function decimalsFor(step: number): number {
  return Math.min(20, Math.max(0, -Math.floor(Math.log10(step) + EPSILON)));
}

function scientific(v: number, step: number): string {
  let exponent = Math.floor(Math.log10(Math.abs(v)) + EPSILON);
  let mantissa = trimZeros((v / 10 ** exponent).toFixed(Math.max(0, exponent - Math.floor(Math.log10(step) + EPSILON))));
  // Rounding can carry the mantissa to 10 (9.96e-5 shown with one decimal).
  if (Math.abs(Number(mantissa)) >= 10) {
    exponent++;
    mantissa = trimZeros((Number(mantissa) / 10).toString());
  }
  return `${mantissa}e${exponent}`;
}

function trimZeros(fixed: string): string {
  return fixed.includes('.') ? fixed.replace(/\.?0+$/, '') : fixed;
}
