import * as tf from '@tensorflow/tfjs-core';
import type { Rng } from '../../env/rng.js';
import type { NetworkSpec } from '../../scenario/networks-schema.js';
import { sampleMasked } from './categorical.js';
import { FoldedTanhChain } from './folded-tanh.js';
import { Dense } from './mlp.js';
import { Torso } from './torso.js';

/** Small enough that the initial policy is near uniform over allowed actions (Andrychowicz et al., 2021). */
const POLICY_HEAD_GAIN = 0.01;

/**
 * The policy network π(a|o): MLP torso, optional GRU, linear head to one logit
 * per action. Masking and temperature are applied outside (categorical.ts), so
 * the same logits serve sampling, PPO's ratio and the exported model.
 *
 * Initial weights are drawn in order (torso, GRU, head) from `rng`, so give each
 * network its own stream (`rng.derive('actor/0')`).
 */
export class Actor {
  readonly torso: Torso;
  readonly head: Dense;
  readonly recurrent: boolean;
  /** Width of the recurrent state; 0 for a feed-forward actor. */
  readonly hiddenSize: number;
  /** A private copy: the architecture is part of what saveNetwork writes. */
  readonly spec: NetworkSpec;
  /** The rollout's faster forward pass, for a feed-forward tanh actor without LayerNorm. */
  private readonly folded: FoldedTanhChain | null;

  constructor(
    readonly obsSize: number,
    readonly actionCount: number,
    spec: NetworkSpec,
    rng: Rng,
  ) {
    this.spec = { ...spec, hidden: [...spec.hidden] };
    this.torso = new Torso(obsSize, this.spec, rng);
    this.recurrent = this.torso.recurrent;
    this.hiddenSize = this.torso.hiddenSize;
    this.head = new Dense(this.torso.outputSize, actionCount, POLICY_HEAD_GAIN, rng);
    this.folded = FoldedTanhChain.forNetwork(this.torso, this.head);
  }

  /**
   * One step: obs [B, obs] → logits [B, A], and for a recurrent actor the next
   * state [B, H] from `hidden` (zeros, i.e. an episode start, when omitted).
   * Call inside tf.tidy.
   */
  logits(obs: tf.Tensor2D, hidden?: tf.Tensor2D): { logits: tf.Tensor2D; hidden?: tf.Tensor2D } {
    const step = this.torso.step(obs, hidden);
    return { logits: this.head.apply(step.features), hidden: step.hidden };
  }

  /**
   * Logits [B, T, A] for whole sequences, as recurrent PPO needs to recompute
   * log-probabilities with gradients. `h0` [B, H] (zeros if omitted) and
   * `starts` [B, T] (1 where an episode begins; none if omitted) only matter
   * for a recurrent actor; a feed-forward one treats the steps independently.
   * Call inside tf.tidy.
   */
  logitsSequence(obs: tf.Tensor3D, h0?: tf.Tensor2D, starts?: tf.Tensor2D): tf.Tensor3D {
    const [batch, steps] = obs.shape;
    return tf.reshape(this.head.apply(this.torso.sequence(obs, h0, starts)), [batch, steps, this.actionCount]);
  }

  /**
   * Rollout inference for `batch` rows at once: one forward pass, one readback,
   * then a masked, tempered draw per row from that row's own generator (so a
   * row's actions do not depend on how rows are batched). `obs` is row-major
   * [batch, obsSize], `mask` [batch, actionCount] with 1 = allowed, `hidden`
   * [batch, hiddenSize] (zeros when omitted). Returns the actions, their
   * log-probabilities under the tempered policy and, for a recurrent actor,
   * the next states.
   */
  act(
    obs: Float32Array,
    mask: Uint8Array,
    batch: number,
    temperature: number,
    rngs: Rng[],
    hidden?: Float32Array,
  ): { actions: Int32Array; logProbs: Float32Array; hidden?: Float32Array } {
    if (rngs.length !== batch) throw new Error(`Actor.act: ${rngs.length} generators for ${batch} rows`);
    const a = this.actionCount;
    const { data, width, next } = this.forwardRows(obs, mask, batch, hidden);
    const actions = new Int32Array(batch);
    const logProbs = new Float32Array(batch);
    for (let b = 0; b < batch; b++) {
      const drawn = sampleMasked(data.subarray(b * width, b * width + a), mask.subarray(b * a, (b + 1) * a), temperature, rngs[b]);
      actions[b] = drawn.action;
      logProbs[b] = drawn.logProb;
    }
    return { actions, logProbs, hidden: next };
  }

  /** Like `act`, but each row takes its most probable allowed action (ties: the lowest index); for evaluation. */
  actGreedy(obs: Float32Array, mask: Uint8Array, batch: number, hidden?: Float32Array): { actions: Int32Array; hidden?: Float32Array } {
    const a = this.actionCount;
    const { data, width, next } = this.forwardRows(obs, mask, batch, hidden);
    const actions = new Int32Array(batch);
    for (let b = 0; b < batch; b++) {
      let best = -1;
      for (let k = 0; k < a; k++) {
        if (mask[b * a + k] === 0) continue;
        if (best < 0 || data[b * width + k] > data[b * width + best]) best = k;
      }
      if (best < 0) throw new Error('Actor.actGreedy: a row has no allowed action');
      actions[b] = best;
    }
    return { actions, hidden: next };
  }

  /** One forward pass and one readback: per row, the logits then (recurrent) the next state. */
  private forwardRows(
    obs: Float32Array,
    mask: Uint8Array,
    batch: number,
    hidden?: Float32Array,
  ): { data: Float32Array; width: number; next?: Float32Array } {
    const a = this.actionCount;
    const h = this.hiddenSize;
    if (obs.length !== batch * this.obsSize) throw new Error(`Actor.act: ${obs.length} observation values for ${batch} rows of ${this.obsSize}`);
    if (mask.length !== batch * a) throw new Error(`Actor.act: ${mask.length} mask values for ${batch} rows of ${a}`);
    if (hidden !== undefined && hidden.length !== batch * h) throw new Error(`Actor.act: ${hidden.length} hidden values for ${batch} rows of ${h}`);
    const out = tf.tidy(() => {
      const x = tf.tensor2d(obs, [batch, this.obsSize]);
      const state = this.recurrent && hidden !== undefined ? tf.tensor2d(hidden, [batch, h]) : undefined;
      const step = this.folded !== null ? { logits: this.folded.apply(x), hidden: undefined } : this.logits(x, state);
      // Logits and next state side by side, so a single readback serves both.
      return step.hidden ? tf.concat([step.logits, step.hidden], 1) : step.logits;
    });
    const data = out.dataSync() as Float32Array;
    out.dispose();
    const width = a + h;
    if (!this.recurrent) return { data, width };
    const next = new Float32Array(batch * h);
    for (let b = 0; b < batch; b++) next.set(data.subarray(b * width + a, (b + 1) * width), b * h);
    return { data, width, next };
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
