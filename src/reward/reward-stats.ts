/**
 * What a reward term paid, summarized per reward window: the total, and the
 * mean, spread and range of the per-window sums. It answers "is this reward
 * informative?": a term that is constant, or negative in every window, teaches
 * an agent little beyond "lose less".
 */
export interface RewardSummary {
  total: number;
  windows: number;
  mean: number;
  std: number;
  min: number;
  max: number;
  /** Fraction of windows whose sum was positive. */
  positive: number;
}

export class RewardStats {
  total = 0;
  private current = 0;
  private windows = 0;
  private mean = 0;
  private m2 = 0;
  private min = Infinity;
  private max = -Infinity;
  private positives = 0;

  add(amount: number): void {
    this.total += amount;
    this.current += amount;
  }

  /** Closes the current window (Welford's running mean and variance of window sums). */
  closeWindow(): void {
    const x = this.current;
    this.current = 0;
    this.windows++;
    const delta = x - this.mean;
    this.mean += delta / this.windows;
    this.m2 += delta * (x - this.mean);
    if (x < this.min) this.min = x;
    if (x > this.max) this.max = x;
    if (x > 0) this.positives++;
  }

  summary(): RewardSummary {
    const n = this.windows;
    return {
      total: this.total,
      windows: n,
      mean: n > 0 ? this.mean : 0,
      std: n > 1 ? Math.sqrt(this.m2 / (n - 1)) : 0,
      min: n > 0 ? this.min : 0,
      max: n > 0 ? this.max : 0,
      positive: n > 0 ? this.positives / n : 0,
    };
  }
}
