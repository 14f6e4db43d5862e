import { KindRegistry } from '../../plugins/kind-registry.js';
import { BUILTIN_LEARNER_KINDS, type AdvantageNormalizationSpec, type BuiltinAdvantageNormalization, type PluginKindSpec } from '../../scenario/learner-schema.js';

const EPSILON = 1e-8;

/**
 * Standardizes advantages (subtract the mean, divide by the standard
 * deviation) over a chosen scope, then optionally clamps them, so the policy
 * gradient's step size does not depend on the scale of the rewards. The
 * standard deviation is the sample one (n - 1), as in CleanRL. The scope is
 * where the two hooks differ: `prepare` runs once per update before the
 * epochs, `minibatch` on every minibatch as it is assembled.
 */
export interface AdvantageNormalizer {
  /** Before the epochs, on every training row of the batch; `agents[i]` owns `advantages[i]`. Returns a new array. */
  prepare(advantages: Float32Array, agents: Int32Array): Float32Array;
  /** Within a minibatch; `valid[i]` = 0 marks padding to leave out. May return `advantages` itself when it changes nothing. */
  minibatch(advantages: Float32Array, valid: Float32Array): Float32Array;
}

/** The scopes that work on the whole batch before the epochs: minibatches are left as they are. */
abstract class BatchScope implements AdvantageNormalizer {
  constructor(readonly clamp: number | undefined) {}

  /** Standardizes `out` in place, in this scope. */
  protected abstract standardize(out: Float32Array, agents: Int32Array): void;

  prepare(advantages: Float32Array, agents: Int32Array): Float32Array {
    const out = Float32Array.from(advantages);
    this.standardize(out, agents);
    clampInPlace(out, this.clamp);
    return out;
  }

  minibatch(advantages: Float32Array): Float32Array {
    return advantages;
  }
}

/** `none`: advantages as GAE estimated them (the clamp still applies). */
export class NoAdvantageNormalization extends BatchScope {
  protected standardize(): void {}
}

/** `batch`: one mean and standard deviation for every training row of the batch, whichever agent it is. */
export class BatchAdvantageNormalization extends BatchScope {
  protected standardize(out: Float32Array): void {
    standardizeWhere(out, null);
  }
}

/** `agent`: each agent's rows on their own, so an agent with large rewards does not drown out the others. */
export class AgentAdvantageNormalization extends BatchScope {
  protected standardize(out: Float32Array, agents: Int32Array): void {
    for (const agent of new Set(agents)) standardizeWhere(out, (i) => agents[i] === agent);
  }
}

/** `minibatch`: each minibatch's valid rows (CleanRL's norm_adv), clamped there too. */
export class MinibatchAdvantageNormalization implements AdvantageNormalizer {
  constructor(readonly clamp: number | undefined) {}

  prepare(advantages: Float32Array): Float32Array {
    return Float32Array.from(advantages);
  }

  minibatch(advantages: Float32Array, valid: Float32Array): Float32Array {
    const out = Float32Array.from(advantages);
    standardizeWhere(out, (i) => valid[i] > 0);
    clampInPlace(out, this.clamp);
    return out;
  }
}

/** The advantage normalizations: the built-in kinds, and those plug-ins registered in this thread. */
export const ADVANTAGE_NORMALIZERS = new KindRegistry<AdvantageNormalizer>('advantage normalization', BUILTIN_LEARNER_KINDS.advantageNormalization);

/** The registry: the scenario's `learner.advantageNormalization` to its normalizer. */
export function buildAdvantageNormalizer(spec: AdvantageNormalizationSpec): AdvantageNormalizer {
  if (!ADVANTAGE_NORMALIZERS.isBuiltin(spec.kind)) return ADVANTAGE_NORMALIZERS.buildPlugin(spec as PluginKindSpec, 'learner.advantageNormalization');
  const b = spec as BuiltinAdvantageNormalization;
  switch (b.kind) {
    case 'none':
      return new NoAdvantageNormalization(b.clamp);
    case 'batch':
      return new BatchAdvantageNormalization(b.clamp);
    case 'agent':
      return new AgentAdvantageNormalization(b.clamp);
    case 'minibatch':
      return new MinibatchAdvantageNormalization(b.clamp);
  }
}

function clampInPlace(a: Float32Array, clamp: number | undefined): void {
  if (clamp === undefined) return;
  for (let i = 0; i < a.length; i++) a[i] = Math.max(-clamp, Math.min(clamp, a[i]));
}

/** Standardizes the entries selected by `which` (all when null) in place. */
function standardizeWhere(a: Float32Array, which: ((i: number) => boolean) | null): void {
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
