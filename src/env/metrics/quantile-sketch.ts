/**
 * A streaming quantile sketch with bounded relative error (as in DDSketch and
 * HdrHistogram: buckets whose width grows with the value). Memory is fixed at construction, so recording
 * millions of latencies does not grow the heap, and sketches merge exactly by
 * adding bucket counts. The mean, min and max are exact.
 */
export interface LatencySummary {
  mean: number;
  p50: number;
  p95: number;
  p99: number;
}

/**
 * Buckets are log-linear: each power of two is split into 2^SUB_BITS equal
 * parts, so a bucket spans at most 1/128 of its lower edge and its midpoint is
 * within 0.4% of any value in it. The bucket of a value is read straight from
 * the exponent and top mantissa bits of its IEEE-754 representation, which is
 * several times cheaper than a logarithm per sample.
 */
const SUB_BITS = 7;
const SUBS = 1 << SUB_BITS;
/** Values below 2^MIN_EXP seconds share the lowest bucket; at or above 2^MAX_EXP, the highest. */
const MIN_EXP = -24; // about 6e-8 s
const MAX_EXP = 20; // about 1e6 s
const BUCKETS = (MAX_EXP - MIN_EXP) * SUBS;

const scratch = new Float64Array(1);
const scratchWords = new Uint32Array(scratch.buffer);
const HIGH_WORD = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1 ? 1 : 0; // little-endian: word 1

function bucketOf(value: number): number {
  scratch[0] = value;
  const high = scratchWords[HIGH_WORD];
  const exponent = ((high >>> 20) & 0x7ff) - 1023;
  if (exponent < MIN_EXP) return 0;
  if (exponent >= MAX_EXP) return BUCKETS - 1;
  return (exponent - MIN_EXP) * SUBS + ((high & 0xfffff) >>> (20 - SUB_BITS));
}

/** The midpoint of a bucket. */
function bucketValue(index: number): number {
  const exponent = Math.floor(index / SUBS) + MIN_EXP;
  const sub = index % SUBS;
  return Math.pow(2, exponent) * (1 + (sub + 0.5) / SUBS);
}

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
    this.counts[bucketOf(value)] += weight;
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

  /** The q-quantile (0 <= q <= 1) within 0.4% relative error; 0 when empty. */
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
        return Math.min(Math.max(bucketValue(i), this.min), this.max);
      }
    }
    return this.max;
  }

  summary(): LatencySummary {
    return { mean: this.mean, p50: this.quantile(0.5), p95: this.quantile(0.95), p99: this.quantile(0.99) };
  }
}
