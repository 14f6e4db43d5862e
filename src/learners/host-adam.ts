import * as tf from '@tensorflow/tfjs-core';

const f32 = Math.fround;

/** A checkpointed Adam state, in tfjs's own layout (`iter`, then every `<variable>/m`, then every `<variable>/v`). */
export interface AdamWeights {
  weights: { name: string; shape: number[]; values: Float32Array }[];
  accBeta: [number, number];
}

/**
 * Adam (Kingma & Ba, 2015) for one network, stepped on the host: the same
 * float32 arithmetic as tfjs's AdamOptimizer, operation by operation, each
 * result rounded to float32 (Math.fround) in the order tfjs's kernels compute
 * it, so parameters come out bit for bit as tfjs's would
 * (test/learners/host-adam.test.ts). Why: tfjs runs Adam as about 14 kernels
 * per variable, 170 for the actor and critic of a small MLP, and at these
 * sizes each kernel costs more to launch than to compute; here a step is one
 * read of each gradient and parameter and one write of each parameter
 * (docs/performance.md).
 *
 * Its checkpoint layout is tfjs's, so checkpoints written before it existed
 * resume with it, and the other way round.
 */
export class HostAdam {
  learningRate: number;
  private iterations = 0;
  private accBeta1: number;
  private accBeta2: number;
  /** First and second moments per variable, made at the first step (as tfjs makes them). */
  private m: Float32Array[] | null = null;
  private v: Float32Array[] | null = null;

  constructor(
    learningRate: number,
    readonly variables: readonly tf.Variable[],
    readonly beta1 = 0.9,
    readonly beta2 = 0.999,
    readonly epsilon = 1e-7,
  ) {
    this.learningRate = learningRate;
    this.accBeta1 = f32(beta1);
    this.accBeta2 = f32(beta2);
  }

  /**
   * One step: each variable's gradient (null: none this step, stepped as a
   * zero gradient, as the learner hands tfjs zeros) times `scale` (gradient
   * clipping), then Adam's update of the variable.
   */
  step(grads: readonly (Float32Array | null)[], scale: number): void {
    const { m, v } = this.moments();
    const b1 = f32(this.beta1);
    const oneMinusB1 = f32(1 - this.beta1);
    const b2 = f32(this.beta2);
    const oneMinusB2 = f32(1 - this.beta2);
    const eps = f32(this.epsilon);
    const negLr = f32(-this.learningRate);
    const s = f32(scale);
    const c1 = f32(1 - this.accBeta1);
    const c2 = f32(1 - this.accBeta2);
    this.variables.forEach((variable, i) => {
      const grad = grads[i];
      // A copy: on the cpu backend dataSync hands out the variable's own storage.
      const value = Float32Array.from(variable.dataSync() as Float32Array);
      const mi = m[i];
      const vi = v[i];
      for (let j = 0; j < value.length; j++) {
        const g = grad === null ? 0 : f32(grad[j] * s);
        const m1 = f32(f32(mi[j] * b1) + f32(g * oneMinusB1));
        const v1 = f32(f32(vi[j] * b2) + f32(f32(g * g) * oneMinusB2));
        mi[j] = m1;
        vi[j] = v1;
        const mHat = f32(m1 / c1);
        const vHat = f32(v1 / c2);
        value[j] = f32(f32(f32(mHat / f32(f32(Math.sqrt(vHat)) + eps)) * negLr) + value[j]);
      }
      tf.tidy(() => variable.assign(tf.tensor(value, variable.shape, 'float32')));
    });
    this.accBeta1 = f32(this.accBeta1 * b1);
    this.accBeta2 = f32(this.accBeta2 * b2);
    this.iterations++;
  }

  /** The state for a checkpoint, as tfjs's getWeights lays it out (no moments before the first step, as there). */
  state(): AdamWeights {
    const iter = { name: 'iter', shape: [], values: Float32Array.of(this.iterations) };
    const moments = (which: 'm' | 'v', arrays: Float32Array[] | null): AdamWeights['weights'] =>
      arrays === null ? [] : this.variables.map((variable, i) => ({ name: `${variable.name}/${which}`, shape: [...variable.shape], values: Float32Array.from(arrays[i]) }));
    return { weights: [iter, ...moments('m', this.m), ...moments('v', this.v)], accBeta: [this.accBeta1, this.accBeta2] };
  }

  /**
   * Restores a checkpointed state. Without saved powers (checkpoints from
   * before they were saved), they are beta^(t+1) by pow, as tfjs's setWeights
   * computes them.
   */
  restore(saved: { weights: AdamWeights['weights']; accBeta?: [number, number] }): void {
    const [iter, ...moments] = saved.weights;
    if (iter?.name !== 'iter') throw new Error(`an Adam state starts with its step count, got ${iter?.name ?? 'nothing'}`);
    this.iterations = iter.values[0];
    const count = moments.length / 2;
    if (count !== 0 && count !== this.variables.length) throw new Error(`an Adam state has moments for ${count} variables, the network ${this.variables.length}`);
    this.m = count === 0 ? null : moments.slice(0, count).map((w) => Float32Array.from(w.values));
    this.v = count === 0 ? null : moments.slice(count).map((w) => Float32Array.from(w.values));
    // tfjs's own pow, in float32, for the last bit.
    const power = (beta: number): number => tf.tidy(() => tf.pow(tf.scalar(beta), this.iterations + 1).dataSync()[0]);
    this.accBeta1 = saved.accBeta?.[0] ?? power(this.beta1);
    this.accBeta2 = saved.accBeta?.[1] ?? power(this.beta2);
  }

  private moments(): { m: Float32Array[]; v: Float32Array[] } {
    this.m ??= this.variables.map((variable) => new Float32Array(variable.size));
    this.v ??= this.variables.map((variable) => new Float32Array(variable.size));
    return { m: this.m, v: this.v };
  }
}
