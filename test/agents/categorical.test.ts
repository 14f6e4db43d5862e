import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { useBackend } from '../../src/agents/backend.js';
import { entropy, logProbOf, logProbs, maskedLogits, sampleMasked } from '../../src/agents/networks/categorical.js';
import { Rng } from '../../src/env/rng.js';
import { read } from './helpers.js';

beforeAll(async () => {
  await useBackend('cpu');
});

/** Random logits and masks with at least one allowed action per row. */
function problem(batch: number, actions: number, seed: number): { logits: Float32Array; mask: Uint8Array } {
  const rng = Rng.fromSeed(seed);
  const logits = Float32Array.from({ length: batch * actions }, () => 3 * rng.normal());
  const mask = Uint8Array.from({ length: batch * actions }, () => (rng.next() < 0.5 ? 1 : 0));
  for (let b = 0; b < batch; b++) mask[b * actions + rng.int(actions)] = 1;
  return { logits, mask };
}

function tensors(logits: Float32Array, mask: Uint8Array, actions: number): { l: tf.Tensor2D; m: tf.Tensor2D } {
  const batch = logits.length / actions;
  return { l: tf.tensor2d(logits, [batch, actions]), m: tf.tensor2d(Float32Array.from(mask), [batch, actions]) };
}

describe('masked categorical', () => {
  it('never samples a masked action', () => {
    const actions = 7;
    const { logits, mask } = problem(10_000, actions, 1);
    const rng = Rng.fromSeed(2);
    for (let b = 0; b < 10_000; b++) {
      const row = logits.subarray(b * actions, (b + 1) * actions);
      const m = mask.subarray(b * actions, (b + 1) * actions);
      const { action } = sampleMasked(row, m, 1, rng);
      expect(m[action]).toBe(1);
    }
  });

  it('gives masked actions probability exactly 0 and a log-probability below -1e8, with finite entropy', () => {
    const actions = 6;
    const { logits, mask } = problem(64, actions, 3);
    const batch = 64;
    const probs = read(() => {
      const { l, m } = tensors(logits, mask, actions);
      return tf.softmax(maskedLogits(l, m, 1));
    });
    const masked: number[] = [];
    const maskedActions = new Int32Array(batch);
    for (let b = 0; b < batch; b++) {
      let first = -1;
      for (let a = 0; a < actions; a++) {
        if (mask[b * actions + a] === 0) {
          expect(probs[b * actions + a]).toBe(0);
          if (first < 0) first = a;
        }
      }
      maskedActions[b] = first < 0 ? 0 : first;
      if (first >= 0) masked.push(b);
    }
    expect(masked.length).toBeGreaterThan(40);
    const lp = read(() => {
      const { l, m } = tensors(logits, mask, actions);
      return logProbOf(maskedLogits(l, m, 1), tf.tensor1d(maskedActions, 'int32'));
    });
    for (const b of masked) expect(lp[b]).toBeLessThan(-1e8);
    const h = read(() => {
      const { l, m } = tensors(logits, mask, actions);
      return entropy(maskedLogits(l, m, 1));
    });
    for (let b = 0; b < batch; b++) {
      expect(Number.isFinite(h[b])).toBe(true);
      const allowed = mask.subarray(b * actions, (b + 1) * actions).reduce((n, v) => n + v, 0);
      expect(h[b]).toBeGreaterThanOrEqual(-1e-6);
      expect(h[b]).toBeLessThanOrEqual(Math.log(allowed) + 1e-5);
    }
  });

  it('computes entropy from the allowed actions only, with finite gradients', () => {
    const l = tf.tensor2d([[0, 0, 5, 0]]);
    const m = tf.tensor2d([[1, 1, 0, 0]]);
    expect(read(() => entropy(maskedLogits(l, m, 1)))[0]).toBeCloseTo(Math.log(2), 6);
    const grad = tf.tidy(() => tf.grad((x: tf.Tensor) => tf.sum(entropy(maskedLogits(x as tf.Tensor2D, m, 1))))(l));
    const g = grad.dataSync();
    expect(Array.from(g).every(Number.isFinite)).toBe(true);
    // A masked logit does not influence the policy, so it gets no gradient.
    expect(g[2]).toBe(0);
    expect(g[3]).toBe(0);
    tf.dispose([l, m, grad]);
  });

  it('samples uniformly over allowed actions as the temperature goes to infinity', () => {
    const logits = Float32Array.from([5, -3, 0, 8, 1]);
    const mask = Uint8Array.from([1, 1, 0, 1, 1]);
    const rng = Rng.fromSeed(4);
    const counts = new Array(5).fill(0);
    const n = 20_000;
    for (let i = 0; i < n; i++) counts[sampleMasked(logits, mask, Infinity, rng).action]++;
    expect(counts[2]).toBe(0);
    for (const a of [0, 1, 3, 4]) expect(Math.abs(counts[a] - n / 4)).toBeLessThan(5 * Math.sqrt((n * 3) / 16));
    expect(sampleMasked(logits, mask, Infinity, rng).logProb).toBeCloseTo(Math.log(1 / 4), 6);
  });

  it('samples the best allowed action at a small temperature', () => {
    const logits = Float32Array.from([5, -3, 0, 8, 7.5]);
    const mask = Uint8Array.from([1, 1, 1, 0, 1]);
    const rng = Rng.fromSeed(5);
    for (let i = 0; i < 1000; i++) expect(sampleMasked(logits, mask, 1e-3, rng).action).toBe(4);
  });

  it('samples with the softmax probabilities at temperature 1', () => {
    const logits = Float32Array.from([1, 0, -1, 2]);
    const mask = Uint8Array.from([1, 1, 1, 1]);
    const z = logits.reduce((s, x) => s + Math.exp(x), 0);
    const rng = Rng.fromSeed(6);
    const counts = new Array(4).fill(0);
    const n = 40_000;
    for (let i = 0; i < n; i++) counts[sampleMasked(logits, mask, 1, rng).action]++;
    for (let a = 0; a < 4; a++) {
      const p = Math.exp(logits[a]) / z;
      expect(Math.abs(counts[a] / n - p)).toBeLessThan(5 * Math.sqrt((p * (1 - p)) / n));
    }
  });

  it('reports the log-probability logProbOf gives, at several temperatures', () => {
    const actions = 9;
    const batch = 50;
    const { logits, mask } = problem(batch, actions, 7);
    for (const temperature of [0.1, 0.5, 1, 2, 10, Infinity]) {
      const rng = Rng.fromSeed(8);
      const sampled = new Int32Array(batch);
      const jsLogProbs = new Float64Array(batch);
      for (let b = 0; b < batch; b++) {
        const s = sampleMasked(logits.subarray(b * actions, (b + 1) * actions), mask.subarray(b * actions, (b + 1) * actions), temperature, rng);
        sampled[b] = s.action;
        jsLogProbs[b] = s.logProb;
      }
      const tfLogProbs = read(() => {
        const { l, m } = tensors(logits, mask, actions);
        return logProbOf(maskedLogits(l, m, temperature), tf.tensor1d(sampled, 'int32'));
      });
      for (let b = 0; b < batch; b++) expect(Math.abs(jsLogProbs[b] - tfLogProbs[b])).toBeLessThan(1e-5 * Math.max(1, Math.abs(jsLogProbs[b])));
    }
  });

  it('agrees with logProbs row by row', () => {
    const l = tf.tensor2d([[0.3, -1.2, 2.0]]);
    const m = tf.tensor2d([[1, 1, 1]]);
    const all = read(() => logProbs(maskedLogits(l, m, 1)));
    const one = read(() => logProbOf(maskedLogits(l, m, 1), tf.tensor1d([2], 'int32')));
    expect(one[0]).toBeCloseTo(all[2], 6);
    expect(all.reduce((s, x) => s + Math.exp(x), 0)).toBeCloseTo(1, 6);
    tf.dispose([l, m]);
  });

  it('uses exactly one rng.next() per draw', () => {
    const rng = Rng.fromSeed(11);
    const twin = Rng.fromSeed(11);
    sampleMasked([1, 2, 3], Uint8Array.from([1, 0, 1]), 0.7, rng);
    twin.next();
    expect(rng.state()).toEqual(twin.state());
  });

  it('throws on a row with no allowed action and on a bad temperature', () => {
    expect(() => sampleMasked([1, 2], Uint8Array.from([0, 0]), 1, Rng.fromSeed(1))).toThrow(/every action is masked/);
    expect(() => sampleMasked([1, 2], Uint8Array.from([1, 0]), 0, Rng.fromSeed(1))).toThrow(RangeError);
    expect(() => sampleMasked([1, 2], Uint8Array.from([1]), 1, Rng.fromSeed(1))).toThrow();
  });
});
