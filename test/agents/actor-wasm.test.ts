import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { useBackend } from '../../src/agents/backend.js';
import { Actor } from '../../src/agents/networks/actor.js';
import { Critic } from '../../src/agents/networks/critic.js';
import { Rng } from '../../src/env/rng.js';
import { gaussian, maxAbsDiff, read, referenceForward, spec } from './helpers.js';

beforeAll(async () => {
  await useBackend('wasm');
});

describe('networks on the wasm backend', () => {
  for (const overrides of [{}, { activation: 'relu' as const, layerNorm: true }, { gru: 6 }]) {
    it(`computes the same actor logits as plain JS, in training and in rollouts (${JSON.stringify(overrides)})`, () => {
      expect(tf.getBackend()).toBe('wasm');
      const start = tf.memory().numTensors;
      const s = spec({ hidden: [32, 64], ...overrides });
      const actor = new Actor(12, 5, s, Rng.fromSeed(1));
      const batch = 9;
      const obs = gaussian(batch * 12, 2);
      const logits = read(() => actor.logits(tf.tensor2d(obs, [batch, 12])).logits);
      expect(maxAbsDiff(logits, referenceForward(actor, obs, batch).outputs)).toBeLessThan(1e-5);

      const mask = new Uint8Array(batch * 5).fill(1);
      mask[0] = 0;
      const rngs = Array.from({ length: batch }, (_, b) => Rng.fromSeed(b));
      // The rollout's forward pass (folded for a plain tanh actor) gives the log-probabilities of the reference logits.
      const first = actor.act(obs, mask, batch, 1, rngs);
      expect(maxAbsDiff(first.logProbs, referenceLogProbs(referenceForward(actor, obs, batch).outputs, mask, first.actions, 5))).toBeLessThan(1e-5);
      const before = tf.memory().numTensors;
      let hidden = first.hidden;
      for (let i = 0; i < 20; i++) {
        const out = actor.act(obs, mask, batch, 1, rngs, hidden);
        expect(out.actions[0]).not.toBe(0);
        hidden = out.hidden;
      }
      expect(tf.memory().numTensors).toBe(before);
      actor.dispose();
      expect(tf.memory().numTensors).toBe(start);
    });
  }

  it('follows new weights in rollouts, as an optimizer step or an import assigns them', () => {
    const actor = new Actor(12, 5, spec({ hidden: [16] }), Rng.fromSeed(4));
    const obs = gaussian(3 * 12, 5);
    const mask = new Uint8Array(3 * 5).fill(1);
    const rngs = (): Rng[] => [0, 1, 2].map((b) => Rng.fromSeed(b));
    actor.act(obs, mask, 3, 1, rngs());
    const before = tf.memory().numTensors;
    for (const v of actor.variables) tf.tidy(() => v.assign(tf.add(tf.mul(v, 3), 0.1)));
    const out = actor.act(obs, mask, 3, 1, rngs());
    expect(maxAbsDiff(out.logProbs, referenceLogProbs(referenceForward(actor, obs, 3).outputs, mask, out.actions, 5))).toBeLessThan(1e-5);
    expect(tf.memory().numTensors).toBe(before);
    actor.dispose();
  });

  for (const overrides of [{ layerNorm: true }, {}]) {
    it(`evaluates a critic (${JSON.stringify(overrides)})`, () => {
      const critic = new Critic(7, spec(overrides), Rng.fromSeed(3));
      const x = gaussian(4 * 7, 4);
      expect(maxAbsDiff(critic.evaluate(x, 4), referenceForward(critic, x, 4).outputs)).toBeLessThan(1e-5);
      critic.dispose();
    });
  }
});

/** log π(a|o) of each row's action under softmax over the allowed actions of `logits` [batch, n]. */
function referenceLogProbs(logits: ArrayLike<number>, mask: Uint8Array, actions: Int32Array, n: number): number[] {
  return Array.from(actions, (a, b) => {
    let max = -Infinity;
    for (let k = 0; k < n; k++) if (mask[b * n + k] === 1) max = Math.max(max, logits[b * n + k]);
    let sum = 0;
    for (let k = 0; k < n; k++) if (mask[b * n + k] === 1) sum += Math.exp(logits[b * n + k] - max);
    return logits[b * n + a] - max - Math.log(sum);
  });
}
