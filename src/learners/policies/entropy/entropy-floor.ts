import * as tf from '@tensorflow/tfjs-core';

/**
 * An extra loss coef * max(0, min - H) while the policy's mean entropy H is
 * below `min`: it pushes back only when the policy is collapsing, unlike the
 * bonus, which always pulls towards uniform. Call inside tf.tidy.
 */
export function entropyFloorPenalty(meanEntropy: tf.Scalar, min: number, coef: number): tf.Scalar {
  return tf.mul(coef, tf.relu(tf.sub(min, meanEntropy)));
}
