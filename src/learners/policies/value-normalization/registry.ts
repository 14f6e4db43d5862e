import type { ValueNormalizationSpec } from '../../../scenario/learner-schema.js';
import { RunningValueNorm } from './running-value-norm.js';
import { identityValues, type ValueNormalizer } from './value-normalizer.js';

export function buildValueNormalizer(spec: ValueNormalizationSpec): ValueNormalizer {
  return spec.kind === 'running' ? new RunningValueNorm(spec.beta) : identityValues();
}
