import * as tf from '@tensorflow/tfjs-core';
import type { NetworkMap } from '../agents/network-map.js';
import { logProbOf, logProbs, maskedLogits } from '../agents/networks/categorical.js';
import type { Rng } from '../env/rng.js';
import { InputError } from '../errors.js';
import type { ActorDemos, DemonstrationSplit } from '../recording/demonstrations.js';

/** `mappo bc`'s label smoothing: see CloningOptions.labelSmoothing and the README's warm-start figures. */
export const DEFAULT_LABEL_SMOOTHING = 0.4;
/** Smoothed targets leave smaller margins between actions, so the clone needs more passes to rank them as the demonstrator does. */
export const DEFAULT_CLONING_EPOCHS = 40;

export interface CloningOptions {
  epochs: number;
  batchSize: number;
  lr: number;
  /**
   * Label smoothing ε: the target puts 1 − ε on the demonstrated action and
   * spreads ε over every allowed action. A clone fitted to hard targets is
   * nearly deterministic, and PPO barely moves a deterministic policy: it
   * never samples the alternatives, so their advantages are never seen.
   */
  labelSmoothing: number;
}

/** One epoch of behavior cloning: cross-entropy and agreement with the demonstrator, on training and held-out decisions. */
export interface CloningEpoch {
  epoch: number;
  trainLoss: number;
  trainAccuracy: number;
  /** NaN when nothing was held out. */
  validationLoss: number;
  validationAccuracy: number;
  learningRate: number;
}

/**
 * Behavior cloning: each actor is fitted by maximum likelihood to the actions
 * its agents' demonstrator took (cross-entropy of the masked policy, Adam,
 * shuffled minibatches), so PPO can start from a policy that already acts
 * like a good heuristic. Accuracy is agreement: the share of decisions where
 * the actor's most probable allowed action is the demonstrated one.
 */
export function cloneBehavior(networks: NetworkMap, demos: DemonstrationSplit, o: CloningOptions, rng: Rng, onEpoch?: (e: CloningEpoch) => void): CloningEpoch[] {
  for (const { name, network } of networks.actors) {
    if (network.recurrent) throw new InputError(`behavior cloning trains feed-forward actors; ${name} has a GRU (set agents.networks.actor.gru to 0)`);
  }
  const optimizers = networks.actors.map(() => tf.train.adam(o.lr));
  const history: CloningEpoch[] = [];
  try {
    for (let epoch = 1; epoch <= o.epochs; epoch++) {
      // The rate decays linearly to zero over the epochs: the last epochs settle the close comparisons instead of jittering across them.
      const learningRate = o.lr * (1 - (epoch - 1) / o.epochs);
      for (const opt of optimizers) (opt as unknown as { learningRate: number }).learningRate = learningRate;
      networks.actors.forEach(({ network: actor }, k) => {
        const data = demos.train[k];
        const order = rng.shuffle(Array.from({ length: data.count }, (_, i) => i));
        for (let from = 0; from < data.count; from += o.batchSize) {
          const rows = order.slice(from, from + o.batchSize);
          const batch = gather(data, rows, actor.obsSize, actor.actionCount);
          tf.tidy(() => {
            const obs = tf.tensor2d(batch.obs, [rows.length, actor.obsSize]);
            const mask = tf.tensor2d(batch.mask, [rows.length, actor.actionCount], 'int32');
            const actions = tf.tensor1d(batch.action, 'int32');
            optimizers[k].minimize(() => smoothedCrossEntropy(maskedLogits(actor.logits(obs).logits, mask, 1), mask, actions, o.labelSmoothing), false, actor.variables);
          });
        }
      });
      const train = score(networks, demos.train);
      const validation = score(networks, demos.validation);
      const e = { epoch, trainLoss: train.loss, trainAccuracy: train.accuracy, validationLoss: validation.loss, validationAccuracy: validation.accuracy, learningRate };
      history.push(e);
      onEpoch?.(e);
    }
  } finally {
    for (const opt of optimizers) opt.dispose();
  }
  return history;
}

/** Mean cross-entropy against targets of 1 − ε on the action and ε spread evenly over the allowed actions. */
function smoothedCrossEntropy(masked: tf.Tensor2D, mask: tf.Tensor2D, actions: tf.Tensor1D, epsilon: number): tf.Scalar {
  const demonstrated = logProbOf(masked, actions);
  if (epsilon === 0) return tf.neg(tf.mean(demonstrated));
  const allowed = tf.cast(mask, 'float32');
  const uniform = tf.div(tf.sum(tf.mul(logProbs(masked), allowed), 1), tf.sum(allowed, 1));
  return tf.neg(tf.mean(tf.add(tf.mul(demonstrated, 1 - epsilon), tf.mul(uniform, epsilon))));
}

/** Mean cross-entropy and agreement over every actor's decisions (NaN when there are none). */
export function score(networks: NetworkMap, demos: readonly ActorDemos[]): { loss: number; accuracy: number; count: number } {
  let loss = 0;
  let agree = 0;
  let count = 0;
  networks.actors.forEach(({ network: actor }, k) => {
    const data = demos[k];
    const chunk = 4096;
    for (let from = 0; from < data.count; from += chunk) {
      const n = Math.min(chunk, data.count - from);
      const [l, hits] = tf.tidy(() => {
        const obs = tf.tensor2d(data.obs.subarray(from * actor.obsSize, (from + n) * actor.obsSize), [n, actor.obsSize]);
        const mask = tf.tensor2d(data.mask.subarray(from * actor.actionCount, (from + n) * actor.actionCount), [n, actor.actionCount], 'int32');
        const actions = tf.tensor1d(data.action.subarray(from, from + n), 'int32');
        const masked = maskedLogits(actor.logits(obs).logits, mask, 1);
        return [tf.sum(tf.neg(logProbOf(masked, actions))).dataSync()[0], tf.sum(tf.cast(tf.equal(tf.argMax(masked, 1), actions), 'float32')).dataSync()[0]];
      });
      loss += l;
      agree += hits;
      count += n;
    }
  });
  return { loss: count > 0 ? loss / count : NaN, accuracy: count > 0 ? agree / count : NaN, count };
}

function gather(data: ActorDemos, rows: readonly number[], obsSize: number, actionCount: number): { obs: Float32Array; mask: Int32Array; action: Int32Array } {
  const obs = new Float32Array(rows.length * obsSize);
  const mask = new Int32Array(rows.length * actionCount);
  const action = new Int32Array(rows.length);
  rows.forEach((r, i) => {
    obs.set(data.obs.subarray(r * obsSize, (r + 1) * obsSize), i * obsSize);
    for (let a = 0; a < actionCount; a++) mask[i * actionCount + a] = data.mask[r * actionCount + a];
    action[i] = data.action[r];
  });
  return { obs, mask, action };
}
