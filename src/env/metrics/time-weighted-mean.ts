/**
 * The time average of a piecewise-constant quantity (queue length, KV usage):
 * the area under its curve divided by the time observed.
 */
export class TimeWeightedMean {
  private area = 0;
  private value = 0;
  private since = 0;

  /** The quantity takes `value` from time `now` on. */
  set(now: number, value: number): void {
    this.area += this.value * (now - this.since);
    this.value = value;
    this.since = now;
  }

  /** Average over [0, now]. */
  mean(now: number): number {
    if (now <= 0) return this.value;
    return (this.area + this.value * (now - this.since)) / now;
  }
}
