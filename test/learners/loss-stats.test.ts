import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { useBackend } from '../../src/agents/backend.js';
import { Actor } from '../../src/agents/networks/actor.js';
import { Critic } from '../../src/agents/networks/critic.js';
import { Rng } from '../../src/env/rng.js';
import { addLossStats, lossMeans, readLossStats, zeroLossStats, type LossStats } from '../../src/learners/loss-stats.js';
import { actorSlice, criticSlice } from '../../src/learners/minibatch.js';
import { ppoMinibatchLoss } from '../../src/learners/ppo-loss.js';
import { buildUnits } from '../../src/learners/training-units.js';
import { learnerSchema } from '../../src/scenario/learner-schema.js';
import { networksSchema } from '../../src/scenario/networks-schema.js';
import { tableOf } from './table-builder.js';

beforeAll(async () => {
  await useBackend('cpu');
});

describe('loss statistics by name', () => {
  it('reads every scalar back under its own name, in one transfer, leaving the scalars to the caller', () => {
    const values: LossStats = { policyLoss: 1, valueLoss: 2, entropy: 3, approxKl: 4, clipfrac: 5, referenceKl: 6, actorRows: 7, criticRows: 8 };
    const scalars = Object.fromEntries(Object.entries(values).map(([name, v]) => [name, tf.scalar(v)])) as Record<keyof LossStats, tf.Scalar>;
    const before = tf.memory().numTensors;
    expect(readLossStats(scalars)).toEqual(values);
    expect(tf.memory().numTensors).toBe(before);
    expect(Object.values(scalars).every((t) => !t.isDisposed)).toBe(true);
    tf.dispose(Object.values(scalars));
  });

  it('sums name by name; means divide actor terms by actor rows and the value loss by critic rows', () => {
    const sums = zeroLossStats();
    addLossStats(sums, { policyLoss: -2, valueLoss: 9, entropy: 4, approxKl: 0.2, clipfrac: 1, referenceKl: 0.4, actorRows: 4, criticRows: 3 });
    addLossStats(sums, { policyLoss: 1, valueLoss: 3, entropy: 2, approxKl: 0.1, clipfrac: 2, referenceKl: 0.2, actorRows: 2, criticRows: 1 });
    expect(sums).toEqual({ policyLoss: -1, valueLoss: 12, entropy: 6, approxKl: 0.2 + 0.1, clipfrac: 3, referenceKl: 0.4 + 0.2, actorRows: 6, criticRows: 4 });
    expect(lossMeans(sums)).toEqual({ policyLoss: -1 / 6, valueLoss: 3, entropy: 1, approxKl: (0.2 + 0.1) / 6, clipfrac: 0.5, referenceKl: (0.4 + 0.2) / 6 });
    expect(lossMeans(zeroLossStats())).toEqual({ policyLoss: 0, valueLoss: 0, entropy: 0, approxKl: 0, clipfrac: 0, referenceKl: 0 });
  });

  it("ppoMinibatchLoss names what it computes: each statistic against CleanRL's formulas on the host", () => {
    const spec = learnerSchema.parse({ clip: 0.2 });
    const net = networksSchema.parse({ actor: { hidden: [4] }, critic: { hidden: [4] } });
    const actor = new Actor(1, 2, net.actor, Rng.fromSeed(1));
    const critic = new Critic(1, net.critic, Rng.fromSeed(2));
    const obs = [0.5, -1, 2, 0.1, -0.3, 1.5];
    const actions = [0, 1, 1, 0, 1, 0];
    // Old log-probs off by these from the current policy's: ratio = exp(-shift), two rows outside 1 ± 0.2.
    const shifts = [0, 0.5, 0, -0.5, 0.05, 0];
    const advantages = Float32Array.from([1, -2, 0.5, 3, -1, 0.25]);
    const returns = Float32Array.from([0.3, -0.2, 1, 0, 2, -1]);
    const table = tableOf(obs.map((_, i) => ({ action: actions[i], next: -1 })));
    const input = tf.tensor2d(obs, [obs.length, 1]);
    const logp = tf.tidy(() => tf.logSoftmax(actor.logits(input).logits).arraySync() as number[][]);
    const values = tf.tidy(() => Array.from(critic.values(input).values.dataSync()));
    input.dispose();
    obs.forEach((o, i) => {
      table.obs[i] = o;
      table.state[i] = o;
      table.temperature[i] = 1;
      table.logProb[i] = logp[i][actions[i]] + shifts[i];
    });
    const units = buildUnits([table], 1);
    const all = Array.from({ length: units.count }, (_, u) => u);
    const targets = [{ advantages, returns }];

    const before = tf.memory().numTensors;
    const stats = tf.tidy(() => {
      const loss = ppoMinibatchLoss(
        [{ actor, reference: null, slice: actorSlice([table], targets, units, all, (a) => a) }],
        [{ critic, slice: criticSlice([table], targets, units, all, 'state') }],
        spec,
        { entropy: 0.01, klPenalty: 0, referenceKl: 0, floor: null },
      );
      return readLossStats(loss.stats);
    });
    expect(tf.memory().numTensors).toBe(before);

    let pgLoss = 0;
    let approxKl = 0;
    let clipfrac = 0;
    let entropy = 0;
    let vLoss = 0;
    obs.forEach((_, i) => {
      const ratio = Math.exp(-shifts[i]);
      const a = advantages[i];
      pgLoss -= Math.min(ratio * a, Math.min(1.2, Math.max(0.8, ratio)) * a);
      approxKl += ratio - 1 - Math.log(ratio);
      clipfrac += Math.abs(ratio - 1) > 0.2 ? 1 : 0;
      entropy -= logp[i].reduce((h, l) => h + Math.exp(l) * l, 0);
      vLoss += 0.5 * (values[i] - returns[i]) ** 2;
    });
    expect(clipfrac).toBe(2);
    expect(stats.actorRows).toBe(6);
    expect(stats.criticRows).toBe(6);
    expect(stats.policyLoss).toBeCloseTo(pgLoss, 5);
    expect(stats.approxKl).toBeCloseTo(approxKl, 5);
    expect(stats.clipfrac).toBe(clipfrac);
    expect(stats.entropy).toBeCloseTo(entropy, 5);
    expect(stats.valueLoss).toBeCloseTo(vLoss, 5);
    expect(stats.referenceKl).toBe(0);
  });
});
