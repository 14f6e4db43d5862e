import type { AdvantageNormalizationSpec } from '../../scenario/learner-schema.js';

const EPSILON = 1e-8;

/**
 * Standardizes advantages (subtract the mean, divide by the standard deviation)
 * over a chosen scope: the whole batch, each minibatch, or each agent's own
 * rows (so an agent with large rewards does not drown out the others); then
 * optionally clamps them. The standard deviation is the sample one (n - 1), as
 * in CleanRL.
 */
export class AdvantageNormalizer {
  constructor(readonly spec: AdvantageNormalizationSpec) {}

  /** Before the epochs: scope 'batch' or 'agent' (else only the clamp). `agents[i]` owns `advantages[i]`. */
  prepare(advantages: Float32Array, agents: Int32Array): Float32Array {
    const out = Float32Array.from(advantages);
    if (this.spec.kind === 'batch') standardize(out, null);
    if (this.spec.kind === 'agent') {
      for (const agent of new Set(agents)) standardize(out, (i) => agents[i] === agent);
    }
    if (this.spec.kind !== 'minibatch') this.clampInPlace(out);
    return out;
  }

  /** Within a minibatch: scope 'minibatch' only. `valid[i]` = 0 marks padding to leave out. */
  minibatch(advantages: Float32Array, valid: Float32Array): Float32Array {
    if (this.spec.kind !== 'minibatch') return advantages;
    const out = Float32Array.from(advantages);
    standardize(out, (i) => valid[i] > 0);
    this.clampInPlace(out);
    return out;
  }

  private clampInPlace(a: Float32Array): void {
    const c = this.spec.clamp;
    if (c === undefined) return;
    for (let i = 0; i < a.length; i++) a[i] = Math.max(-c, Math.min(c, a[i]));
  }
}

/** Standardizes the entries selected by `which` (all when null) in place. */
function standardize(a: Float32Array, which: ((i: number) => boolean) | null): void {
  let n = 0;
  let sum = 0;
  for (let i = 0; i < a.length; i++) {
    if (which !== null && !which(i)) continue;
    n++;
    sum += a[i];
  }
  if (n === 0) return;
  const mean = sum / n;
  let sq = 0;
  for (let i = 0; i < a.length; i++) if (which === null || which(i)) sq += (a[i] - mean) ** 2;
  const std = n > 1 ? Math.sqrt(sq / (n - 1)) : 0;
  for (let i = 0; i < a.length; i++) if (which === null || which(i)) a[i] = (a[i] - mean) / (std + EPSILON);
}
