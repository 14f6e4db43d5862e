/**
 * Interpolation from `from` to `to` as progress goes from 0 to 1 (clamped):
 * the shape shared by learning-rate, entropy and KL-coefficient schedules.
 */
export function linearSchedule(from: number, to: number, progress: number): number {
  const p = Math.min(1, Math.max(0, progress));
  return from + (to - from) * p;
}

/** Half a cosine: starts flat, steepest in the middle, flat again at the end. */
export function cosineSchedule(from: number, to: number, progress: number): number {
  const p = Math.min(1, Math.max(0, progress));
  return to + ((from - to) * (1 + Math.cos(Math.PI * p))) / 2;
}

/**
 * Progress of update `update` (1-based) through a run of `total` updates:
 * 0 at the first update, 1 at the last, as CleanRL's annealing uses.
 */
export function runProgress(update: number, total: number): number {
  return total <= 1 ? 1 : (update - 1) / (total - 1);
}
