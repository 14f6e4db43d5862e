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
    it(`computes the same actor logits as plain JS (${JSON.stringify(overrides)})`, () => {
      expect(tf.getBackend()).toBe('wasm');
      const s = spec({ hidden: [32, 64], ...overrides });
      const actor = new Actor(12, 5, s, Rng.fromSeed(1));
      const batch = 9;
      const obs = gaussian(batch * 12, 2);
      const logits = read(() => actor.logits(tf.tensor2d(obs, [batch, 12])).logits);
      expect(maxAbsDiff(logits, referenceForward(actor, obs, batch).outputs)).toBeLessThan(1e-5);

      const mask = new Uint8Array(batch * 5).fill(1);
      mask[0] = 0;
      const rngs = Array.from({ length: batch }, (_, b) => Rng.fromSeed(b));
      const before = tf.memory().numTensors;
      let hidden: Float32Array | undefined;
      for (let i = 0; i < 20; i++) {
        const out = actor.act(obs, mask, batch, 1, rngs, hidden);
        expect(out.actions[0]).not.toBe(0);
        hidden = out.hidden;
      }
      expect(tf.memory().numTensors).toBe(before);
      actor.dispose();
    });
  }

  it('evaluates a critic', () => {
    const critic = new Critic(7, spec({ layerNorm: true }), Rng.fromSeed(3));
    const x = gaussian(4 * 7, 4);
    expect(maxAbsDiff(critic.evaluate(x, 4), referenceForward(critic, x, 4).outputs)).toBeLessThan(1e-5);
    critic.dispose();
  });
});
