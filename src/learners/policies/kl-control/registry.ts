import type { KlControlSpec } from '../../../scenario/learner-schema.js';
import { adaptivePenalty } from './adaptive-penalty.js';
import { earlyStop } from './early-stop.js';
import { fixedPenalty } from './fixed-penalty.js';
import { combineKlControllers, NO_KL_CONTROL, type KlController } from './kl-controller.js';
import { referenceKl } from './reference-kl.js';

function build(spec: KlControlSpec): KlController {
  switch (spec.kind) {
    case 'none':
      return NO_KL_CONTROL;
    case 'early-stop':
      return earlyStop(spec.target);
    case 'fixed-penalty':
      return fixedPenalty(spec.coef);
    case 'adaptive-penalty':
      return adaptivePenalty(spec.target, spec.initialCoef);
    case 'reference':
      return referenceKl(spec.initialCoef, spec.finalCoef, spec.decayUpdates);
  }
}

export function buildKlController(spec: KlControlSpec | KlControlSpec[]): KlController {
  return Array.isArray(spec) ? combineKlControllers(spec.map(build)) : build(spec);
}

/** Whether any controller needs a frozen reference policy. */
export function needsReference(spec: KlControlSpec | KlControlSpec[]): boolean {
  return (Array.isArray(spec) ? spec : [spec]).some((s) => s.kind === 'reference');
}
