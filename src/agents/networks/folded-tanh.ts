import * as tf from '@tensorflow/tfjs-core';
import type { Dense } from './mlp.js';
import type { Torso } from './torso.js';

/**
 * Rollout inference for a tanh MLP and its linear head, one fused op per layer.
 *
 * tanh(z) = 2σ(2z) − 1. Carrying s = σ(2z) from layer to layer instead of
 * tanh(z), the factors fold into the weights: the first layer computes
 * σ(x·2W + 2b); a layer that reads s computes z' = (2s − 1)W' + b' =
 * s·2W' + (b' − Σᵢ W'ᵢ), so its output is σ(s·4W' + 2(b' − Σᵢ W'ᵢ)); the head
 * reads s the same way, without the sigmoid. tfjs-wasm fuses matMul, bias and
 * sigmoid into one op, where the training graph runs five per layer
 * (matMul+bias, 2z, σ, ×2, −1); for the bench's actor at batch 1 that took a
 * forward pass from 0.073–0.079 ms to 0.034–0.060 ms (measured). Results
 * agree with the training graph to float rounding.
 */
export class FoldedTanhChain {
  private folded: { kernel: tf.Tensor2D; bias: tf.Tensor1D }[] = [];
  /** The weights' data the folded ones were made from: assigning a variable (an optimizer step, an import) replaces its data. */
  private foldedFrom: object[] = [];

  /** `layers`: the hidden layers in order, then the head. */
  constructor(private readonly layers: readonly Dense[]) {}

  /** The chain for a torso and its head, when the torso is plain tanh and feed-forward; else null. */
  static forNetwork(torso: Torso, head: Dense): FoldedTanhChain | null {
    const hidden = torso.recurrent ? null : torso.mlp.tanhLayers;
    return hidden === null ? null : new FoldedTanhChain([...hidden, head]);
  }

  /** x [B, in] → the head's output [B, out]. Call inside tf.tidy. */
  apply(x: tf.Tensor2D): tf.Tensor2D {
    this.refresh();
    const last = this.folded.length - 1;
    let h = x;
    this.folded.forEach((layer, i) => {
      h = tf.fused.matMul({ a: h, b: layer.kernel, bias: layer.bias, activation: i < last ? 'sigmoid' : 'linear' }) as tf.Tensor2D;
    });
    return h;
  }

  dispose(): void {
    tf.dispose(this.folded.flatMap((l) => [l.kernel, l.bias]));
    this.folded = [];
    this.foldedFrom = [];
  }

  /** Whether the folded weights were made from the variables' current data (checked on every forward pass, so without allocating). */
  private current(): boolean {
    if (this.foldedFrom.length !== 2 * this.layers.length) return false;
    for (let i = 0; i < this.layers.length; i++) {
      if (this.foldedFrom[2 * i] !== this.layers[i].kernel.dataId || this.foldedFrom[2 * i + 1] !== this.layers[i].bias.dataId) return false;
    }
    return true;
  }

  private refresh(): void {
    if (this.current()) return;
    const sources = this.layers.flatMap((d) => [d.kernel.dataId, d.bias.dataId]);
    this.dispose();
    const last = this.layers.length - 1;
    this.folded = this.layers.map((d, i) =>
      tf.tidy(() => {
        let kernel: tf.Tensor2D = d.kernel as tf.Tensor2D;
        let bias: tf.Tensor1D = d.bias as tf.Tensor1D;
        if (i > 0) {
          // The input is s, not 2s − 1.
          bias = tf.sub(bias, tf.sum(kernel, 0));
          kernel = tf.mul(kernel, 2);
        }
        if (i < last) {
          // σ(2z), not σ(z).
          kernel = tf.mul(kernel, 2);
          bias = tf.mul(bias, 2);
        }
        // Kept, so the tidy this may run inside (apply's caller) does not dispose them; copies, so they outlive the variables' data.
        return { kernel: tf.keep(tf.clone(kernel)), bias: tf.keep(tf.clone(bias)) };
      }),
    );
    this.foldedFrom = sources;
  }
}
