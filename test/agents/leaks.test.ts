import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { useBackend } from '../../src/agents/backend.js';
import { Actor } from '../../src/agents/networks/actor.js';
import { entropy, logProbOf, maskedLogits } from '../../src/agents/networks/categorical.js';
import { Critic } from '../../src/agents/networks/critic.js';
import { loadActor, loadCritic, saveNetwork } from '../../src/agents/networks/tfjs-format.js';
import { Rng } from '../../src/env/rng.js';
import { gaussian, spec } from './helpers.js';

let root: string;
beforeAll(async () => {
  await useBackend('cpu');
  root = await mkdtemp(join(tmpdir(), 'mappo-leaks-'));
});
afterAll(async () => {
  await rm(root, { recursive: true, force: true });
});

const B = 8;

describe('tensor count stays flat', () => {
  for (const gru of [0, 4]) {
    const kind = gru > 0 ? 'recurrent' : 'feed-forward';

    it(`across 100 act / evaluate calls (${kind})`, () => {
      const actor = new Actor(6, 3, spec({ gru, layerNorm: true }), Rng.fromSeed(1));
      const critic = new Critic(6, spec({ gru }), Rng.fromSeed(2));
      const obs = gaussian(B * 6, 3);
      const mask = new Uint8Array(B * 3).fill(1);
      const rngs = Array.from({ length: B }, (_, b) => Rng.fromSeed(b));
      let hidden: Float32Array | undefined = gru > 0 ? new Float32Array(B * gru) : undefined;
      const criticHidden = gru > 0 ? new Float32Array(B * gru) : undefined;
      actor.act(obs, mask, B, 1, rngs, hidden);
      critic.evaluate(obs, B, criticHidden);
      const before = tf.memory().numTensors;
      for (let i = 0; i < 100; i++) {
        hidden = actor.act(obs, mask, B, 1, rngs, hidden).hidden;
        critic.evaluate(obs, B, criticHidden);
      }
      expect(tf.memory().numTensors).toBe(before);
      actor.dispose();
      critic.dispose();
    });

    it(`across 100 tidied forward passes and policy computations (${kind})`, () => {
      // Sequences are run every 10th pass only, to keep the test fast.
      const actor = new Actor(6, 3, spec({ gru }), Rng.fromSeed(1));
      const critic = new Critic(6, spec({ gru }), Rng.fromSeed(2));
      const obs = tf.tensor2d(gaussian(B * 6, 3), [B, 6]);
      const seq = tf.tensor3d(gaussian(B * 5 * 6, 4), [B, 5, 6]);
      const mask = tf.ones([B, 3]) as tf.Tensor2D;
      const actions = tf.zeros([B], 'int32') as tf.Tensor1D;
      const before = tf.memory().numTensors;
      for (let i = 0; i < 100; i++) {
        tf.tidy(() => {
          const { logits } = actor.logits(obs);
          const masked = maskedLogits(logits, mask, 0.7);
          logProbOf(masked, actions);
          entropy(masked);
          critic.values(obs);
          if (i % 10 === 0) {
            actor.logitsSequence(seq);
            critic.valuesSequence(seq);
          }
        });
      }
      expect(tf.memory().numTensors).toBe(before);
      tf.dispose([obs, seq, mask, actions]);
      actor.dispose();
      critic.dispose();
    });

    it(`across save / load round trips (${kind})`, async () => {
      const actor = new Actor(6, 3, spec({ gru, layerNorm: true }), Rng.fromSeed(1));
      const critic = new Critic(6, spec({ gru }), Rng.fromSeed(2));
      const dirA = join(root, `actor-${gru}`);
      const dirC = join(root, `critic-${gru}`);
      const roundTrip = async () => {
        await saveNetwork(actor, dirA, { gru });
        await saveNetwork(critic, dirC, { gru });
        (await loadActor(dirA, Rng.fromSeed(3))).dispose();
        (await loadCritic(dirC, Rng.fromSeed(4))).dispose();
      };
      await roundTrip(); // tfjs-layers caches a few constants on first use
      const before = tf.memory().numTensors;
      for (let i = 0; i < 5; i++) await roundTrip();
      expect(tf.memory().numTensors).toBe(before);
      actor.dispose();
      critic.dispose();
    });
  }

  it('returns to the starting count when networks are disposed', () => {
    const before = tf.memory().numTensors;
    const nets = [new Actor(5, 2, spec({ gru: 3, layerNorm: true }), Rng.fromSeed(1)), new Critic(5, spec({ gru: 3 }), Rng.fromSeed(2))];
    expect(tf.memory().numTensors).toBeGreaterThan(before);
    nets.forEach((n) => n.dispose());
    expect(tf.memory().numTensors).toBe(before);
  });
});
