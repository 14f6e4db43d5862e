import * as tf from '@tensorflow/tfjs-core';
import type { Rng } from '../../env/rng.js';
import type { NetworkSpec } from '../../scenario/networks-schema.js';
import { FoldedTanhChain } from './folded-tanh.js';
import { Dense } from './mlp.js';
import { Torso } from './torso.js';

/** Unit gain: the value head starts on the scale of the (normalised) returns it regresses. */
const VALUE_HEAD_GAIN = 1;

/**
 * Rows per forward pass in `evaluate`. A whole batch at once makes the wasm
 * backend grow its heap each time batches get larger, and each growth cost
 * more than evaluating the batch (measured: 190–660 ms against ~50 ms for
 * 57k–110k rows); chunks keep the heap at one size and the speed per row the same.
 */
const EVALUATE_CHUNK = 4096;

/**
 * The value network V(x): MLP torso, optional GRU, linear head to one value.
 * Its input is MAPPO's global state or IPPO's local observation; the network
 * does not care which. Initial weights are drawn in order (torso, GRU, head)
 * from `rng`, so give each network its own stream.
 */
export class Critic {
  readonly torso: Torso;
  readonly head: Dense;
  readonly recurrent: boolean;
  /** Width of the recurrent state; 0 for a feed-forward critic. */
  readonly hiddenSize: number;
  /** A private copy: the architecture is part of what saveNetwork writes. */
  readonly spec: NetworkSpec;
  /** The rollout's faster forward pass, for a feed-forward tanh critic without LayerNorm. */
  private readonly folded: FoldedTanhChain | null;

  constructor(
    readonly inputSize: number,
    spec: NetworkSpec,
    rng: Rng,
  ) {
    this.spec = { ...spec, hidden: [...spec.hidden] };
    this.torso = new Torso(inputSize, this.spec, rng);
    this.recurrent = this.torso.recurrent;
    this.hiddenSize = this.torso.hiddenSize;
    this.head = new Dense(this.torso.outputSize, 1, VALUE_HEAD_GAIN, rng);
    this.folded = FoldedTanhChain.forNetwork(this.torso, this.head);
  }

  /**
   * One step: x [B, in] → values [B], and for a recurrent critic the next state
   * [B, H] from `hidden` (zeros when omitted). Call inside tf.tidy.
   */
  values(x: tf.Tensor2D, hidden?: tf.Tensor2D): { values: tf.Tensor1D; hidden?: tf.Tensor2D } {
    const step = this.torso.step(x, hidden);
    return { values: tf.reshape(this.head.apply(step.features), [x.shape[0]]), hidden: step.hidden };
  }

  /**
   * Values [B, T] for whole sequences. `h0` and `starts` (see GruLayer.sequence)
   * only matter for a recurrent critic. Call inside tf.tidy.
   */
  valuesSequence(x: tf.Tensor3D, h0?: tf.Tensor2D, starts?: tf.Tensor2D): tf.Tensor2D {
    const [batch, steps] = x.shape;
    return tf.reshape(this.head.apply(this.torso.sequence(x, h0, starts)), [batch, steps]);
  }

  /**
   * Rollout inference: values of `batch` row-major inputs, a forward pass and a
   * readback per chunk of at most EVALUATE_CHUNK rows. For a recurrent critic,
   * `hidden` [batch, H] holds the states before these inputs (zeros when
   * omitted) and is overwritten with the states after them, which keeps the
   * rollout's buffers allocation-free.
   */
  evaluate(x: Float32Array, batch: number, hidden?: Float32Array): Float32Array {
    const h = this.hiddenSize;
    if (x.length !== batch * this.inputSize) throw new Error(`Critic.evaluate: ${x.length} input values for ${batch} rows of ${this.inputSize}`);
    if (hidden !== undefined && hidden.length !== batch * h) throw new Error(`Critic.evaluate: ${hidden.length} hidden values for ${batch} rows of ${h}`);
    const values = new Float32Array(batch);
    for (let from = 0; from < batch; from += EVALUATE_CHUNK) {
      const rows = Math.min(EVALUATE_CHUNK, batch - from);
      this.evaluateChunk(
        x.subarray(from * this.inputSize, (from + rows) * this.inputSize),
        rows,
        values.subarray(from, from + rows),
        hidden?.subarray(from * h, (from + rows) * h),
      );
    }
    return values;
  }

  private evaluateChunk(x: Float32Array, batch: number, values: Float32Array, hidden?: Float32Array): void {
    const h = this.hiddenSize;
    const out = tf.tidy(() => {
      const input = tf.tensor2d(x, [batch, this.inputSize]);
      const state = this.recurrent && hidden !== undefined ? tf.tensor2d(hidden, [batch, h]) : undefined;
      const step = this.folded !== null ? { values: tf.reshape(this.folded.apply(input), [batch]), hidden: undefined } : this.values(input, state);
      // Values and next state side by side, so a single readback serves both.
      return step.hidden ? tf.concat([tf.reshape(step.values, [batch, 1]), step.hidden], 1) : step.values;
    });
    const data = out.dataSync() as Float32Array;
    out.dispose();
    if (!this.recurrent) {
      values.set(data);
      return;
    }
    for (let b = 0; b < batch; b++) {
      values[b] = data[b * (h + 1)];
      if (hidden !== undefined) hidden.set(data.subarray(b * (h + 1) + 1, (b + 1) * (h + 1)), b * h);
    }
  }

  /** Torso (MLP, GRU), then head: the order tfjs-format.ts writes them in. */
  get variables(): tf.Variable[] {
    return [...this.torso.variables, ...this.head.variables];
  }

  dispose(): void {
    this.torso.dispose();
    this.head.dispose();
    this.folded?.dispose();
  }
}
