/**
 * Running mean and variance over every value ever seen, merged batch by batch
 * (Chan et al.'s parallel update), as used for reward scaling. Plain numbers,
 * so it checkpoints as JSON.
 */
export class RunningMoments {
  count = 0;
  mean = 0;
  /** Population variance of everything seen. */
  variance = 0;

  update(values: ArrayLike<number>): void {
    const n = values.length;
    if (n === 0) return;
    let sum = 0;
    for (let i = 0; i < n; i++) sum += values[i];
    const batchMean = sum / n;
    let sq = 0;
    for (let i = 0; i < n; i++) sq += (values[i] - batchMean) ** 2;
    const batchVariance = sq / n;
    const total = this.count + n;
    const delta = batchMean - this.mean;
    const m2 = this.variance * this.count + batchVariance * n + (delta * delta * this.count * n) / total;
    this.mean += (delta * n) / total;
    this.variance = m2 / total;
    this.count = total;
  }

  state(): { count: number; mean: number; variance: number } {
    return { count: this.count, mean: this.mean, variance: this.variance };
  }

  restore(s: { count: number; mean: number; variance: number }): void {
    this.count = s.count;
    this.mean = s.mean;
    this.variance = s.variance;
  }
}
