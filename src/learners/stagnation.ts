/**
 * Whether a learning signal (each update's reward per decision) has stopped
 * improving: the best of the last `memory` values beats the best before them by
 * less than `threshold`, relative to the earlier best's magnitude. Used by the
 * temperature pulses and by the plateau learning-rate schedule.
 */
export class StagnationDetector {
  private history: number[] = [];

  constructor(
    readonly memory: number,
    readonly threshold: number,
  ) {}

  observe(value: number): void {
    if (Number.isFinite(value)) this.history.push(value);
  }

  /** True once there is enough history and the recent window did not improve on what came before. */
  stagnant(): boolean {
    const h = this.history;
    if (h.length <= this.memory) return false;
    const recent = Math.max(...h.slice(-this.memory));
    const before = Math.max(...h.slice(0, -this.memory));
    return recent - before < this.threshold * Math.max(Math.abs(before), 1e-8);
  }

  /** Forget the past (after acting on a stagnation, judge the new regime afresh). */
  reset(): void {
    this.history = [];
  }

  state(): number[] {
    return [...this.history];
  }

  restore(history: number[]): void {
    this.history = [...history];
  }
}
