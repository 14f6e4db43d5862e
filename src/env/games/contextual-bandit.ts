import { LockstepEnv } from './lockstep-env.js';

/**
 * A single-agent contextual bandit: each step shows one of K contexts
 * (one-hot, drawn uniformly) and pays 1 for the one right arm of that
 * context, (3c + 1) mod K, and 0 otherwise. Single-agent PPO must learn the
 * mapping; a policy that ignores the context earns 1/K.
 */
export class ContextualBandit extends LockstepEnv {
  private context = 0;

  constructor(
    readonly contexts = 4,
    steps = 16,
  ) {
    super(1, 'bandit', contexts, contexts, steps);
  }

  static rightArm(context: number, contexts: number): number {
    return (3 * context + 1) % contexts;
  }

  protected override beginStep(): void {
    this.context = this.rng.int(this.contexts);
  }

  protected observe(_agent: number, obs: Float32Array): void {
    obs.fill(0);
    obs[this.context] = 1;
  }

  protected rewards(actions: ArrayLike<number>, out: Float64Array): void {
    out[0] = actions[0] === ContextualBandit.rightArm(this.context, this.contexts) ? 1 : 0;
  }
}
