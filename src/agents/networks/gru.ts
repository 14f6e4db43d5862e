import * as tf from '@tensorflow/tfjs-core';
import { linear, product } from './linear.js';
import { tanh } from './mlp.js';
import type { Rng } from '../../env/rng.js';
import { checkLayerSize, variableFrom } from './mlp.js';
import { orthogonal } from './orthogonal.js';

/**
 * A gated recurrent unit (Cho et al., 2014) with the same weights layout and
 * math as tfjs-layers' GRU (reset_after = false, Keras 2's formulation), so it
 * exports to a `tf.layers.gru` unchanged:
 *
 *   [xz | xr | xh] = x·kernel + bias             (gate blocks in order z, r, h)
 *   z  = σ(xz + h·Uz)                             (update gate)
 *   r  = σ(xr + h·Ur)                             (reset gate)
 *   h̃  = tanh(xh + (r ⊙ h)·Uh)                    (reset applied before the matmul)
 *   h' = z ⊙ h + (1 − z) ⊙ h̃
 *
 * σ is the logistic sigmoid, not tfjs-layers' default hardSigmoid (a piecewise
 * linear clip whose gradient is zero outside |x| < 2.5, which can freeze a gate
 * for good); the export sets `recurrentActivation: 'sigmoid'` explicitly.
 */
export class GruLayer {
  /** [in, 3·units], gate blocks z | r | h. */
  readonly kernel: tf.Variable;
  /** [units, 3·units], gate blocks z | r | h. */
  readonly recurrentKernel: tf.Variable;
  /** [3·units], zeros. */
  readonly bias: tf.Variable;

  constructor(
    readonly inputSize: number,
    readonly units: number,
    rng: Rng,
  ) {
    checkLayerSize('input', inputSize);
    checkLayerSize('GRU', units);
    // Each gate is its own linear map, so each block gets its own orthogonal
    // matrix. For the recurrent kernel this makes every Uz, Ur, Uh square
    // orthogonal (all singular values 1: the state neither blows up nor fades
    // through h̃ at the start); one orthogonal [units, 3·units] matrix would
    // instead share unit row norms among the three blocks and leave each block
    // contracting. The input kernel gets the same treatment so the three gate
    // pre-activations start on the same scale as an orthogonal dense layer.
    // Gain 1 because sigmoid and tanh follow (no ReLU halving to undo).
    this.kernel = variableFrom(blockOrthogonal(inputSize, units, rng), [inputSize, 3 * units]);
    this.recurrentKernel = variableFrom(blockOrthogonal(units, units, rng), [units, 3 * units]);
    this.bias = variableFrom(new Float32Array(3 * units), [3 * units]);
  }

  /** One step: x [B, in], h [B, units] → h' [B, units]. Call inside tf.tidy. */
  step(x: tf.Tensor2D, h: tf.Tensor2D): tf.Tensor2D {
    const [zr, candidate] = this.recurrentBlocks();
    return this.recur(this.project(x), h, zr, candidate);
  }

  /**
   * Runs a [B, T, in] sequence from h0 [B, units]. `starts` [B, T] is 1 where
   * an episode begins at that step: the state carried into it is zeroed, so one
   * sequence may span episode boundaries (recurrent PPO's chunked rollouts).
   * Returns every step's state [B, T, units] and the last one [B, units].
   * Call inside tf.tidy.
   */
  sequence(x: tf.Tensor3D, h0: tf.Tensor2D, starts: tf.Tensor2D): { outputs: tf.Tensor3D; last: tf.Tensor2D } {
    const [batch, steps, inputSize] = x.shape;
    if (steps === 0) throw new Error('GruLayer.sequence needs at least one step');
    // The input projection has no time dependence: one matmul for all steps.
    const projected = tf.reshape(this.project(tf.reshape(x, [batch * steps, inputSize])), [batch, steps, 3 * this.units]);
    const xs = tf.unstack(projected, 1) as tf.Tensor2D[];
    const keep = tf.unstack(tf.sub(1, starts), 1).map((k) => tf.reshape(k, [batch, 1]));
    const [zr, candidate] = this.recurrentBlocks();
    const outputs: tf.Tensor2D[] = [];
    let h = h0;
    for (let t = 0; t < steps; t++) {
      h = this.recur(xs[t], tf.mul(h, keep[t]), zr, candidate);
      outputs.push(h);
    }
    return { outputs: tf.stack(outputs, 1) as tf.Tensor3D, last: h };
  }

  get variables(): tf.Variable[] {
    return [this.kernel, this.recurrentKernel, this.bias];
  }

  dispose(): void {
    this.kernel.dispose();
    this.recurrentKernel.dispose();
    this.bias.dispose();
  }

  private project(x: tf.Tensor2D): tf.Tensor2D {
    return linear(x, this.kernel as tf.Tensor2D, this.bias as tf.Tensor1D);
  }

  /** [Uz | Ur] and Uh: the gates read h directly, the candidate reads r ⊙ h. */
  private recurrentBlocks(): [tf.Tensor2D, tf.Tensor2D] {
    const [zr, candidate] = tf.split(this.recurrentKernel, [2 * this.units, this.units], 1);
    return [zr as tf.Tensor2D, candidate as tf.Tensor2D];
  }

  private recur(projected: tf.Tensor2D, h: tf.Tensor2D, zrKernel: tf.Tensor2D, candidateKernel: tf.Tensor2D): tf.Tensor2D {
    const [xz, xr, xh] = tf.split(projected, 3, 1);
    const [hz, hr] = tf.split(product(h, zrKernel), 2, 1);
    const z = tf.sigmoid(tf.add(xz, hz));
    const r = tf.sigmoid(tf.add(xr, hr));
    const candidate = tanh(tf.add(xh, product(tf.mul(r, h), candidateKernel)));
    // z·h + (1 − z)·h̃ written as h̃ + z·(h − h̃): one op fewer, same value up to rounding.
    return tf.add(candidate, tf.mul(z, tf.sub(h, candidate)));
  }
}

/** Three orthogonal [rows, units] blocks side by side: a row-major [rows, 3·units] matrix. */
function blockOrthogonal(rows: number, units: number, rng: Rng): Float32Array {
  const out = new Float32Array(rows * 3 * units);
  for (let block = 0; block < 3; block++) {
    const w = orthogonal(rows, units, 1, rng);
    for (let i = 0; i < rows; i++) out.set(w.subarray(i * units, (i + 1) * units), i * 3 * units + block * units);
  }
  return out;
}
