/**
 * A streaming quantile sketch with bounded relative error (the DDSketch idea:
 * logarithmically spaced buckets). Memory is fixed at construction, so recording
 * millions of latencies does not grow the heap, and sketches merge exactly by
 * adding bucket counts. The mean, min and max are exact.
 */
export interface LatencySummary {
  mean: number;
  p50: number;
  p95: number;
  p99: number;
}

const RELATIVE_ACCURACY = 0.005;
const GAMMA = (1 + RELATIVE_ACCURACY) / (1 - RELATIVE_ACCURACY);
const LOG_GAMMA = Math.log(GAMMA);
/** Values below this (seconds) share the lowest bucket; above MAX_VALUE, the highest. */
const MIN_VALUE = 1e-7;
const MAX_VALUE = 1e6;
const MIN_INDEX = Math.ceil(Math.log(MIN_VALUE) / LOG_GAMMA);
const MAX_INDEX = Math.ceil(Math.log(MAX_VALUE) / LOG_GAMMA);
const BUCKETS = MAX_INDEX - MIN_INDEX + 1;

export class QuantileSketch {
  private readonly counts = new Float64Array(BUCKETS);
  /** Zero or negative values (a request served the instant it arrived). */
  private zeros = 0;
  count = 0;
  sum = 0;
  min = Infinity;
  max = -Infinity;

  /** Records `value` `weight` times. */
  record(value: number, weight = 1): void {
    this.count += weight;
    this.sum += value * weight;
    if (value < this.min) this.min = value;
    if (value > this.max) this.max = value;
    if (value <= 0) {
      this.zeros += weight;
      return;
    }
    let index = Math.ceil(Math.log(value) / LOG_GAMMA);
    if (index < MIN_INDEX) index = MIN_INDEX;
    else if (index > MAX_INDEX) index = MAX_INDEX;
    this.counts[index - MIN_INDEX] += weight;
  }

  merge(other: QuantileSketch): void {
    for (let i = 0; i < BUCKETS; i++) this.counts[i] += other.counts[i];
    this.zeros += other.zeros;
    this.count += other.count;
    this.sum += other.sum;
    if (other.min < this.min) this.min = other.min;
    if (other.max > this.max) this.max = other.max;
  }

  get mean(): number {
    return this.count > 0 ? this.sum / this.count : 0;
  }

  /** The q-quantile (0 <= q <= 1) within 0.5% relative error; 0 when empty. */
  quantile(q: number): number {
    if (this.count === 0) return 0;
    if (q <= 0) return this.min;
    if (q >= 1) return this.max;
    const rank = q * (this.count - 1);
    let seen = this.zeros;
    if (seen > rank) return Math.max(this.min, 0);
    for (let i = 0; i < BUCKETS; i++) {
      seen += this.counts[i];
      if (seen > rank) {
        // The bucket's midpoint in relative terms: within RELATIVE_ACCURACY of any value in it.
        const estimate = (2 * Math.pow(GAMMA, i + MIN_INDEX)) / (GAMMA + 1);
        return Math.min(Math.max(estimate, this.min), this.max);
      }
    }
    return this.max;
  }

  summary(): LatencySummary {
    return { mean: this.mean, p50: this.quantile(0.5), p95: this.quantile(0.95), p99: this.quantile(0.99) };
  }
}
