import * as tf from '@tensorflow/tfjs-core';
import type { Actor } from '../agents/networks/actor.js';
import { MASKED_LOGIT } from '../agents/networks/categorical.js';
import type { Critic } from '../agents/networks/critic.js';
import type { LearnerSpec } from '../scenario/learner-schema.js';
import type { LossStatTensors } from './loss-stats.js';
import type { ActorSlice, CriticSlice } from './minibatch.js';
import { entropyFloorPenalty } from './policies/entropy.js';

/** The coefficients of one update, from the learner policies. */
export interface LossCoefficients {
  entropy: number;
  klPenalty: number;
  referenceKl: number;
  floor: { min: number; coef: number } | null;
}

/** The loss of one minibatch and what to log about it. */
export interface MinibatchLoss {
  total: tf.Scalar;
  /** Row-weighted sums by name, to be averaged over the update (see LossStats). */
  stats: LossStatTensors;
}

function maskedMean(x: tf.Tensor1D, valid: tf.Tensor1D, count: number): tf.Scalar {
  return tf.div(tf.sum(tf.mul(x, valid)), Math.max(count, 1));
}

/** Log-probabilities of every action under the masked policy at each row's sampling temperature. */
function maskedLogProbs(logits: tf.Tensor2D, mask: tf.Tensor2D, temperatures: tf.Tensor2D | null): tf.Tensor2D {
  const scaled = temperatures === null ? logits : tf.div(logits, temperatures);
  return tf.logSoftmax(tf.where(tf.greater(mask, 0), scaled, tf.fill(scaled.shape, MASKED_LOGIT)) as tf.Tensor2D);
}

/**
 * PPO's losses for one minibatch, in the paper's terms (Schulman et al., 2017;
 * the details as in CleanRL's ppo.py):
 *   ratio = exp(log π(a|s) − log π_old(a|s))
 *   L_clip = −E[min(ratio · A, clip(ratio, 1 − ε, 1 + ε) · A)]
 *   L_value = E[max(ℓ(V − R), ℓ(V_clipped − R))], ℓ squared (halved) or Huber
 *   loss = Σ_actors (L_clip − c_H · H + β · KL_approx + β_ref · KL(π‖π_ref) + floor)
 *        + c_V · Σ_critics L_value
 * Each actor and critic averages over its own rows, so networks that serve few
 * agents are not drowned by networks that serve many. Call inside a gradient tape.
 */
export function ppoMinibatchLoss(
  actors: { actor: Actor; reference: Actor | null; slice: ActorSlice }[],
  critics: { critic: Critic; slice: CriticSlice }[],
  spec: LearnerSpec,
  coefs: LossCoefficients,
): MinibatchLoss {
  let total: tf.Scalar = tf.scalar(0);
  const zero = tf.scalar(0);
  const sums = { policyLoss: zero, valueLoss: zero, entropy: zero, approxKl: zero, clipfrac: zero, referenceKl: zero };
  /** Adds a network's mean over its `rows` rows to the row-weighted sum of that name. */
  const addWeighted = (name: keyof typeof sums, mean: tf.Scalar, rows: number): void => {
    sums[name] = tf.add(sums[name], tf.mul(mean, rows));
  };
  let actorRows = 0;
  for (const { actor, reference, slice: s } of actors) {
    const n = s.units * s.steps;
    const logits = tf.reshape(actor.logitsSequence(s.input, s.h0), [n, actor.actionCount]) as tf.Tensor2D;
    const logp = maskedLogProbs(logits, s.mask, s.temperatures);
    const newLogProbs = tf.sum(tf.mul(logp, tf.oneHot(s.actions, actor.actionCount)), 1) as tf.Tensor1D;
    const logRatio = tf.sub(newLogProbs, s.oldLogProbs);
    const ratio = tf.exp(logRatio);
    const surrogate = tf.minimum(tf.mul(ratio, s.advantages), tf.mul(tf.clipByValue(ratio, 1 - spec.clip, 1 + spec.clip), s.advantages));
    const pgLoss = tf.neg(maskedMean(surrogate as tf.Tensor1D, s.valid, s.validCount));
    const entropyRows = tf.neg(tf.sum(tf.mul(tf.exp(logp), logp), 1)) as tf.Tensor1D;
    const entropy = maskedMean(entropyRows, s.valid, s.validCount);
    // Schulman's k3 estimator of KL(π_old ‖ π): unbiased and never negative.
    const approxKl = maskedMean(tf.sub(tf.sub(ratio, 1), logRatio) as tf.Tensor1D, s.valid, s.validCount);
    const clipfrac = maskedMean(tf.cast(tf.greater(tf.abs(tf.sub(ratio, 1)), spec.clip), 'float32') as tf.Tensor1D, s.valid, s.validCount);
    let loss = tf.sub(pgLoss, tf.mul(coefs.entropy, entropy));
    if (coefs.klPenalty > 0) loss = tf.add(loss, tf.mul(coefs.klPenalty, approxKl));
    let referenceKl: tf.Scalar = zero;
    if (reference !== null) {
      const refLogits = tf.reshape(reference.logitsSequence(s.input, s.h0), [n, actor.actionCount]) as tf.Tensor2D;
      // KL between the policies themselves, not between their tempered sampling distributions.
      const untempered = maskedLogProbs(logits, s.mask, null);
      const refLogp = maskedLogProbs(refLogits, s.mask, null);
      const klRows = tf.sum(tf.mul(tf.exp(untempered), tf.sub(untempered, refLogp)), 1) as tf.Tensor1D;
      referenceKl = maskedMean(klRows, s.valid, s.validCount);
      if (coefs.referenceKl > 0) loss = tf.add(loss, tf.mul(coefs.referenceKl, referenceKl));
    }
    if (coefs.floor !== null) loss = tf.add(loss, entropyFloorPenalty(entropy, coefs.floor.min, coefs.floor.coef));
    total = tf.add(total, loss);
    addWeighted('policyLoss', pgLoss, s.validCount);
    addWeighted('entropy', entropy, s.validCount);
    addWeighted('approxKl', approxKl, s.validCount);
    addWeighted('clipfrac', clipfrac, s.validCount);
    addWeighted('referenceKl', referenceKl, s.validCount);
    actorRows += s.validCount;
  }
  let criticRows = 0;
  for (const { critic, slice: s } of critics) {
    const n = s.units * s.steps;
    const values = tf.reshape(critic.valuesSequence(s.input, s.h0), [n]) as tf.Tensor1D;
    const error = tf.sub(values, s.returns) as tf.Tensor1D;
    let rows = valueLoss(error, spec);
    if (spec.valueClip !== undefined) {
      const clippedValues = tf.add(s.oldValues, tf.clipByValue(tf.sub(values, s.oldValues), -spec.valueClip, spec.valueClip));
      rows = tf.maximum(rows, valueLoss(tf.sub(clippedValues, s.returns) as tf.Tensor1D, spec)) as tf.Tensor1D;
    }
    const vLoss = maskedMean(rows, s.valid, s.validCount);
    total = tf.add(total, tf.mul(spec.valueCoef, vLoss));
    addWeighted('valueLoss', vLoss, s.validCount);
    criticRows += s.validCount;
  }
  return { total, stats: { ...sums, actorRows: tf.scalar(actorRows), criticRows: tf.scalar(criticRows) } };
}

/**
 * Per-row value loss: half the squared error, or Huber with `huberDelta`,
 * written as 0.5·m² + δ·(|e| − m) with m = min(|e|, δ): the same function as the
 * two-branch form, but without a comparison op, which tfjs cannot differentiate.
 */
function valueLoss(error: tf.Tensor1D, spec: LearnerSpec): tf.Tensor1D {
  if (spec.valueLoss === 'mse') return tf.mul(0.5, tf.square(error));
  const d = spec.huberDelta;
  const a = tf.abs(error);
  const m = tf.minimum(a, d);
  return tf.add(tf.mul(0.5, tf.square(m)), tf.mul(d, tf.sub(a, m))) as tf.Tensor1D;
}
