import { KindRegistry } from '../../plugins/kind-registry.js';
import { BUILTIN_LEARNER_KINDS, type BuiltinValueNormalization, type PluginKindSpec, type ValueNormalizationSpec } from '../../scenario/learner-schema.js';
import type { Stateful } from '../stateful.js';

const DEBIAS_FLOOR = 1e-5;
const VARIANCE_FLOOR = 1e-2;

/**
 * The scale critics predict in. With normalization, critics regress
 * standardized returns and their outputs are de-normalized for GAE, so the
 * critic's targets stay near unit scale however large the returns grow.
 */
export interface ValueNormalizer extends Stateful {
  /** Takes a batch of returns into the running statistics. */
  update(returns: ArrayLike<number>): void;
  normalize(x: number): number;
  denormalize(x: number): number;
}

/** `none`: critics predict returns as they are. */
export class NoValueNormalization implements ValueNormalizer {
  update(): void {}

  normalize(x: number): number {
    return x;
  }

  denormalize(x: number): number {
    return x;
  }

  state(): unknown {
    return null;
  }

  restore(): void {}
}

/**
 * `running`: MAPPO's ValueNorm. Exponential moving averages of the returns'
 * mean and mean square with weight `beta`, de-biased like Adam's moments (so
 * early batches count fully rather than being pulled towards the initial 0),
 * variance floored at 1e-2 (so near-constant returns do not blow the targets
 * up).
 */
export class RunningValueNorm implements ValueNormalizer {
  private mean = 0;
  private meanSq = 0;
  private debias = 0;

  constructor(readonly beta: number) {}

  update(returns: ArrayLike<number>): void {
    const n = returns.length;
    if (n === 0) return;
    let sum = 0;
    let sq = 0;
    for (let i = 0; i < n; i++) {
      sum += returns[i];
      sq += returns[i] * returns[i];
    }
    const b = this.beta;
    this.mean = b * this.mean + (1 - b) * (sum / n);
    this.meanSq = b * this.meanSq + (1 - b) * (sq / n);
    this.debias = b * this.debias + (1 - b);
  }

  /** The de-biased mean and variance. */
  moments(): { mean: number; variance: number } {
    const d = Math.max(this.debias, DEBIAS_FLOOR);
    const mean = this.mean / d;
    return { mean, variance: Math.max(this.meanSq / d - mean * mean, VARIANCE_FLOOR) };
  }

  normalize(x: number): number {
    const { mean, variance } = this.moments();
    return (x - mean) / Math.sqrt(variance);
  }

  denormalize(x: number): number {
    const { mean, variance } = this.moments();
    return x * Math.sqrt(variance) + mean;
  }

  state(): unknown {
    return { mean: this.mean, meanSq: this.meanSq, debias: this.debias };
  }

  restore(s: unknown): void {
    ({ mean: this.mean, meanSq: this.meanSq, debias: this.debias } = s as { mean: number; meanSq: number; debias: number });
  }
}

/** The value normalizations: the built-in kinds, and those plug-ins registered in this thread. */
export const VALUE_NORMALIZERS = new KindRegistry<ValueNormalizer>('value normalization', BUILTIN_LEARNER_KINDS.valueNormalization);

/** The registry: the scenario's `learner.valueNormalization` to its normalizer. */
export function buildValueNormalizer(spec: ValueNormalizationSpec): ValueNormalizer {
  if (!VALUE_NORMALIZERS.isBuiltin(spec.kind)) return VALUE_NORMALIZERS.buildPlugin(spec as PluginKindSpec, 'learner.valueNormalization');
  const b = spec as BuiltinValueNormalization;
  switch (b.kind) {
    case 'none':
      return new NoValueNormalization();
    case 'running':
      return new RunningValueNorm(b.beta);
  }
}
