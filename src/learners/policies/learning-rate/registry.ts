import type { LearningRateSpec } from '../../../scenario/learner-schema.js';
import { constantLr } from './constant-lr.js';
import { cosineLr } from './cosine-lr.js';
import { linearLr } from './linear-lr.js';
import type { LrSchedule } from './lr-schedule.js';
import { plateauLr } from './plateau-lr.js';

export function buildLrSchedule(spec: LearningRateSpec): LrSchedule {
  switch (spec.kind) {
    case 'constant':
      return constantLr();
    case 'linear':
      return linearLr(spec.final);
    case 'cosine':
      return cosineLr(spec.warmupUpdates, spec.final);
    case 'plateau':
      return plateauLr(spec.factor, spec.patience, spec.threshold, spec.min);
  }
}
