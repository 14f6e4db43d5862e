import * as tf from '@tensorflow/tfjs-core';
import type { Rng } from '../../env/rng.js';

/**
 * The logit given to a masked (invalid) action. exp(-1e9 - max) underflows to
 * exactly 0 in float32, so a masked action has probability 0 and log-probability
 * about -1e9, yet every quantity stays finite: no -Infinity reaches the
 * gradients, and p·log p is 0·(-1e9) = 0 rather than 0·(-∞) = NaN.
 * (This assumes the allowed scaled logits stay far above -1e9, which holds for
 * any sensible network output and temperature.)
 */
export const MASKED_LOGIT = -1e9;

/**
 * Invalid-action masking (Huang & Ontañón, 2022) with a softmax temperature:
 * allowed logits [B, A] are divided by `temperature` (Infinity gives the uniform
 * policy over allowed actions), masked ones (mask 0) are replaced by
 * MASKED_LOGIT. Replacing rather than adding keeps the gradient of a masked
 * logit exactly zero. Call inside tf.tidy.
 */
export function maskedLogits(logits: tf.Tensor2D, mask: tf.Tensor2D, temperature: number): tf.Tensor2D {
  checkTemperature(temperature);
  const scaled = temperature === 1 ? logits : tf.div(logits, temperature);
  return tf.where(tf.greater(mask, 0), scaled, tf.fill(logits.shape, MASKED_LOGIT)) as tf.Tensor2D;
}

/** log π(·|s) [B, A] from masked logits. */
export function logProbs(masked: tf.Tensor2D): tf.Tensor2D {
  return tf.logSoftmax(masked, -1);
}

/** log π(a|s) [B] of the given actions (int32 [B]). */
export function logProbOf(masked: tf.Tensor2D, actions: tf.Tensor1D): tf.Tensor1D {
  const actionCount = masked.shape[1];
  return tf.sum(tf.mul(logProbs(masked), tf.oneHot(actions, actionCount)), 1);
}

/** H(π(·|s)) [B]; masked actions contribute exactly 0 (see MASKED_LOGIT). */
export function entropy(masked: tf.Tensor2D): tf.Tensor1D {
  const logp = logProbs(masked);
  return tf.neg(tf.sum(tf.mul(tf.exp(logp), logp), 1));
}

/**
 * Draws one action from the masked, tempered softmax of one row of logits,
 * using exactly one `rng.next()` (inverse CDF over the allowed actions in index
 * order), and returns it with its log-probability. The arithmetic mirrors
 * `maskedLogits` + `logProbOf` (float32 scaling, then a max-shifted
 * log-sum-exp), so the two agree to float32 rounding. A masked action is never
 * returned; a row with no allowed action is a bug in the caller's mask and throws.
 */
export function sampleMasked(
  logitsRow: Float32Array | number[],
  maskRow: Uint8Array,
  temperature: number,
  rng: Rng,
): { action: number; logProb: number } {
  checkTemperature(temperature);
  const n = logitsRow.length;
  if (maskRow.length !== n) throw new Error(`sampleMasked: ${n} logits but ${maskRow.length} mask entries`);
  let max = -Infinity;
  for (let i = 0; i < n; i++) {
    if (maskRow[i] !== 0) max = Math.max(max, scale(logitsRow[i], temperature));
  }
  if (max === -Infinity) throw new Error('sampleMasked: every action is masked');
  let total = 0;
  for (let i = 0; i < n; i++) {
    if (maskRow[i] !== 0) total += Math.exp(scale(logitsRow[i], temperature) - max);
  }
  const target = rng.next() * total;
  let cumulative = 0;
  // Only reached if rounding puts target at the very top of the CDF: the last
  // action with positive weight is then the one the draw belongs to.
  let action = -1;
  for (let i = 0; i < n; i++) {
    if (maskRow[i] === 0) continue;
    const weight = Math.exp(scale(logitsRow[i], temperature) - max);
    if (weight === 0) continue;
    action = i;
    cumulative += weight;
    if (cumulative > target) break;
  }
  return { action, logProb: scale(logitsRow[action], temperature) - max - Math.log(total) };
}

/** The float32 value tfjs computes for logit / temperature, so both paths start from the same numbers. */
function scale(logit: number, temperature: number): number {
  return temperature === 1 ? Math.fround(logit) : Math.fround(Math.fround(logit) / Math.fround(temperature));
}

function checkTemperature(temperature: number): void {
  if (!(temperature > 0)) throw new RangeError(`the sampling temperature must be positive, got ${temperature}`);
}
