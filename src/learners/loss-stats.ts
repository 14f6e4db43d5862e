import * as tf from '@tensorflow/tfjs-core';

/**
 * What PPO's loss reports about a minibatch, by name, in CleanRL's ppo.py
 * vocabulary:
 *   policyLoss   pg_loss, L_clip
 *   valueLoss    v_loss, L_value
 *   entropy      the policy's mean entropy H
 *   approxKl     approx_kl, Schulman's k3 estimate of KL(π_old ‖ π)
 *   clipfrac     the fraction of rows whose ratio left [1 − ε, 1 + ε]
 *   referenceKl  KL(π ‖ π_ref) to the frozen reference policy (0 without one)
 *   actorRows    rows the actor terms are weighted by
 *   criticRows   rows the value loss is weighted by
 * Each term is a sum over networks of rows · the network's mean, not a mean:
 * summed over an update's minibatches and divided by the rows, it gives the
 * update's mean whatever the minibatch sizes and each network's share of them.
 */
const NAMES = ['policyLoss', 'valueLoss', 'entropy', 'approxKl', 'clipfrac', 'referenceKl', 'actorRows', 'criticRows'] as const;

export type LossStatName = (typeof NAMES)[number];
/** Row-weighted sums on the host, by name (see NAMES above). */
export type LossStats = Record<LossStatName, number>;
/** The same as scalars on the device, as the loss computes them. */
export type LossStatTensors = Record<LossStatName, tf.Scalar>;
/** An update's means: actor terms per actor row, the value loss per critic row. */
export type LossMeans = Omit<LossStats, 'actorRows' | 'criticRows'>;

/**
 * Reads the scalars back to the host: stacked first, so it is one transfer
 * from the device instead of one per name. Leaves the scalars to the caller.
 */
export function readLossStats(stats: LossStatTensors): LossStats {
  const values = tf.tidy(() => tf.stack(NAMES.map((name) => stats[name])).dataSync());
  const out = {} as LossStats;
  NAMES.forEach((name, i) => (out[name] = values[i]));
  return out;
}

export function zeroLossStats(): LossStats {
  const out = {} as LossStats;
  for (const name of NAMES) out[name] = 0;
  return out;
}

/** Adds `stats` into `sums`, name by name. */
export function addLossStats(sums: LossStats, stats: LossStats): void {
  for (const name of NAMES) sums[name] += stats[name];
}

/** Sums divided by their rows; 0 where there were no rows. */
export function lossMeans(sums: LossStats): LossMeans {
  const perActorRow = (x: number): number => (sums.actorRows > 0 ? x / sums.actorRows : 0);
  return {
    policyLoss: perActorRow(sums.policyLoss),
    valueLoss: sums.criticRows > 0 ? sums.valueLoss / sums.criticRows : 0,
    entropy: perActorRow(sums.entropy),
    approxKl: perActorRow(sums.approxKl),
    clipfrac: perActorRow(sums.clipfrac),
    referenceKl: perActorRow(sums.referenceKl),
  };
}
