import type { EntropySpec } from '../../../scenario/learner-schema.js';
import { cosineSchedule, linearSchedule, runProgress } from '../../schedule.js';

/**
 * The entropy bonus coefficient of an update: constant, or scheduled from
 * `coef` to `finalCoef` (linear or cosine) over the run; during a warm-up the
 * warm-up coefficient replaces it (a boost that keeps a fresh or cloned policy
 * exploring).
 */
export function entropyCoefficient(spec: EntropySpec, update: number, totalUpdates: number): number {
  if (spec.warmup !== undefined && update <= spec.warmup.updates) return spec.warmup.coef;
  const p = runProgress(update, totalUpdates);
  switch (spec.schedule) {
    case 'constant':
      return spec.coef;
    case 'linear':
      return linearSchedule(spec.coef, spec.finalCoef, p);
    case 'cosine':
      return cosineSchedule(spec.coef, spec.finalCoef, p);
  }
}
