import * as tf from '@tensorflow/tfjs-core';
import type { Rng } from '../../env/rng.js';
import type { NetworkSpec } from '../../scenario/networks-schema.js';
import { GruLayer } from './gru.js';
import { Mlp } from './mlp.js';

/**
 * The body an actor or a critic puts its head on: an MLP, optionally followed
 * by a GRU. Weights are drawn in order (MLP, then GRU) from `rng`.
 */
export class Torso {
  readonly mlp: Mlp;
  readonly gru: GruLayer | null;
  readonly recurrent: boolean;
  /** Width of the recurrent state; 0 for a feed-forward torso. */
  readonly hiddenSize: number;
  readonly outputSize: number;

  constructor(
    readonly inputSize: number,
    spec: NetworkSpec,
    rng: Rng,
  ) {
    this.mlp = new Mlp(inputSize, spec, rng);
    this.gru = spec.gru > 0 ? new GruLayer(this.mlp.outputSize, spec.gru, rng) : null;
    this.recurrent = this.gru !== null;
    this.hiddenSize = this.gru?.units ?? 0;
    this.outputSize = this.gru?.units ?? this.mlp.outputSize;
  }

  /** One step: x [B, in] → features [B, out], and the next state from `hidden` (zeros when omitted). Call inside tf.tidy. */
  step(x: tf.Tensor2D, hidden?: tf.Tensor2D): { features: tf.Tensor2D; hidden?: tf.Tensor2D } {
    const features = this.mlp.apply(x);
    if (this.gru === null) return { features };
    const h = this.gru.step(features, hidden ?? tf.zeros([x.shape[0], this.hiddenSize]));
    return { features: h, hidden: h };
  }

  /**
   * Whole sequences: x [B, T, in] → features [B·T, out], batch-major. `h0` [B, H]
   * (zeros if omitted) and `starts` [B, T] (1 where an episode begins) matter
   * only for a recurrent torso; a feed-forward one treats steps independently.
   * Call inside tf.tidy.
   */
  sequence(x: tf.Tensor3D, h0?: tf.Tensor2D, starts?: tf.Tensor2D): tf.Tensor2D {
    const [batch, steps, inputSize] = x.shape;
    const features = this.mlp.apply(tf.reshape(x, [batch * steps, inputSize]));
    if (this.gru === null) return features;
    const { outputs } = this.gru.sequence(
      tf.reshape(features, [batch, steps, this.mlp.outputSize]),
      h0 ?? tf.zeros([batch, this.hiddenSize]),
      starts ?? tf.zeros([batch, steps]),
    );
    return tf.reshape(outputs, [batch * steps, this.hiddenSize]);
  }

  /** MLP, then GRU: the order tfjs-format.ts writes them in. */
  get variables(): tf.Variable[] {
    return [...this.mlp.variables, ...(this.gru?.variables ?? [])];
  }

  dispose(): void {
    this.mlp.dispose();
    this.gru?.dispose();
  }
}
