import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { useBackend } from '../../src/agents/backend.js';
import { Actor } from '../../src/agents/networks/actor.js';
import { logProbOf, maskedLogits } from '../../src/agents/networks/categorical.js';
import { Critic } from '../../src/agents/networks/critic.js';
import { Mlp } from '../../src/agents/networks/mlp.js';
import { Rng } from '../../src/env/rng.js';
import type { NetworkSpec } from '../../src/scenario/networks-schema.js';
import { gaussian, maxAbsDiff, read, referenceForward, spec } from './helpers.js';

beforeAll(async () => {
  await useBackend('cpu');
});

const variants: [string, Partial<NetworkSpec>][] = [
  ['tanh', { activation: 'tanh' }],
  ['relu', { activation: 'relu' }],
  ['tanh + LayerNorm', { activation: 'tanh', layerNorm: true }],
  ['relu + LayerNorm', { activation: 'relu', layerNorm: true }],
];

function values(vars: tf.Variable[]): Float32Array[] {
  return vars.map((v) => Float32Array.from(v.dataSync() as Float32Array));
}

describe('Mlp', () => {
  it('is the identity without hidden layers', () => {
    const mlp = new Mlp(5, spec({ hidden: [] }), Rng.fromSeed(1));
    const x = gaussian(15, 2);
    expect(mlp.outputSize).toBe(5);
    expect(mlp.variables).toEqual([]);
    expect(read(() => mlp.apply(tf.tensor2d(x, [3, 5])))).toEqual(x);
    mlp.dispose();
  });

  for (const [name, overrides] of variants) {
    it(`computes dense → ${overrides.layerNorm ? 'LayerNorm → ' : ''}${overrides.activation} per layer (${name})`, () => {
      const s = spec({ hidden: [12, 7], ...overrides });
      const mlp = new Mlp(6, s, Rng.fromSeed(3));
      expect(mlp.outputSize).toBe(7);
      expect(mlp.variables.length).toBe(s.layerNorm ? 8 : 4);
      const x = gaussian(4 * 6, 4);
      const got = read(() => mlp.apply(tf.tensor2d(x, [4, 6])));
      expect(got.length).toBe(4 * 7);
      // The reference reads variables as torso + head; give it an identity-like view of the torso alone.
      const dense = mlp.variables;
      const fake = { variables: [...dense, ...identityHead(7)], spec: s };
      const want = referenceForward(fake, x, 4).outputs;
      expect(maxAbsDiff(got, want)).toBeLessThan(1e-5);
      if (s.activation === 'relu' && !s.layerNorm) expect(Math.min(...got)).toBeGreaterThanOrEqual(0);
      if (s.activation === 'tanh') expect(Math.max(...got.map(Math.abs))).toBeLessThanOrEqual(1);
      mlp.dispose();
      tf.dispose(fake.variables.slice(dense.length));
    });
  }

  it('is determined by the seed', () => {
    const a = new Mlp(8, spec({ layerNorm: true }), Rng.fromSeed(7));
    const b = new Mlp(8, spec({ layerNorm: true }), Rng.fromSeed(7));
    const c = new Mlp(8, spec({ layerNorm: true }), Rng.fromSeed(8));
    expect(values(a.variables)).toEqual(values(b.variables));
    expect(values(a.variables)).not.toEqual(values(c.variables));
    [a, b, c].forEach((m) => m.dispose());
  });

  it('starts LayerNorm at gamma 1, beta 0 and biases at 0', () => {
    const mlp = new Mlp(4, spec({ hidden: [3], layerNorm: true }), Rng.fromSeed(1));
    const [, bias, gamma, beta] = values(mlp.variables);
    expect(Array.from(bias)).toEqual([0, 0, 0]);
    expect(Array.from(gamma)).toEqual([1, 1, 1]);
    expect(Array.from(beta)).toEqual([0, 0, 0]);
    mlp.dispose();
  });
});

/** A [n, n] identity kernel and zero bias, so referenceForward's "head" passes the torso output through. */
function identityHead(n: number): tf.Variable[] {
  return [tf.variable(tf.eye(n)), tf.variable(tf.zeros([n]))];
}

describe('Actor', () => {
  for (const [name, overrides] of [...variants, ['GRU', { gru: 8 }] as [string, Partial<NetworkSpec>], ['GRU + LayerNorm', { gru: 8, layerNorm: true }] as [string, Partial<NetworkSpec>]]) {
    it(`has the right shapes and matches a plain-JS forward pass (${name})`, () => {
      const s = spec(overrides);
      const actor = new Actor(10, 4, s, Rng.fromSeed(11));
      expect(actor.recurrent).toBe(s.gru > 0);
      expect(actor.hiddenSize).toBe(s.gru);
      const obs = gaussian(3 * 10, 12);
      const hidden = actor.recurrent ? gaussian(3 * s.gru, 13).map((v) => 0.5 * Math.tanh(v)) : undefined;
      const out = tf.tidy(() => {
        const r = actor.logits(tf.tensor2d(obs, [3, 10]), hidden ? tf.tensor2d(hidden, [3, s.gru]) : undefined);
        return r.hidden ? [r.logits, r.hidden] : [r.logits];
      });
      expect(out[0].shape).toEqual([3, 4]);
      const ref = referenceForward(actor, obs, 3, hidden);
      expect(maxAbsDiff(out[0].dataSync(), ref.outputs)).toBeLessThan(1e-5);
      if (actor.recurrent) {
        expect(out[1].shape).toEqual([3, s.gru]);
        expect(maxAbsDiff(out[1].dataSync(), ref.hidden!)).toBeLessThan(1e-5);
      } else {
        expect(out.length).toBe(1);
      }
      tf.dispose(out);
      const seq = tf.tidy(() => actor.logitsSequence(tf.tensor3d(gaussian(3 * 5 * 10, 14), [3, 5, 10])));
      expect(seq.shape).toEqual([3, 5, 4]);
      seq.dispose();
      actor.dispose();
    });
  }

  it('starts near the uniform policy (policy head gain 0.01)', () => {
    const actor = new Actor(10, 6, spec(), Rng.fromSeed(1));
    const logits = read(() => actor.logits(tf.tensor2d(gaussian(50 * 10, 2), [50, 10])).logits);
    expect(Math.max(...logits.map(Math.abs))).toBeLessThan(0.1);
    actor.dispose();
  });

  it('is determined by the seed', () => {
    const make = (seed: number) => new Actor(10, 4, spec({ gru: 4 }), Rng.fromSeed(seed));
    const [a, b, c] = [make(5), make(5), make(6)];
    expect(values(a.variables)).toEqual(values(b.variables));
    expect(values(a.variables)).not.toEqual(values(c.variables));
    [a, b, c].forEach((n) => n.dispose());
  });

  it('gives a feed-forward actor the same logits per step and per sequence', () => {
    const actor = new Actor(7, 3, spec({ layerNorm: true }), Rng.fromSeed(2));
    const obs = gaussian(2 * 4 * 7, 3);
    const seq = read(() => actor.logitsSequence(tf.tensor3d(obs, [2, 4, 7]), tf.zeros([2, 1]), tf.ones([2, 4])));
    const flat = read(() => actor.logits(tf.tensor2d(obs, [8, 7])).logits);
    expect(maxAbsDiff(seq, flat)).toBeLessThan(1e-6);
    actor.dispose();
  });

  it('acts: valid actions, logProbs as logProbOf gives them, per-row generators', () => {
    const batch = 16;
    const obsSize = 9;
    const actionCount = 5;
    const actor = new Actor(obsSize, actionCount, spec(), Rng.fromSeed(3));
    // Sharpen the policy so that the log-probabilities are not all log(1/k).
    tf.tidy(() => actor.head.kernel.assign(tf.mul(actor.head.kernel, 300)));
    const obs = gaussian(batch * obsSize, 4);
    const maskRng = Rng.fromSeed(5);
    const mask = Uint8Array.from({ length: batch * actionCount }, () => (maskRng.next() < 0.6 ? 1 : 0));
    for (let b = 0; b < batch; b++) mask[b * actionCount + (b % actionCount)] = 1;
    const rngs = (seed: number) => Array.from({ length: batch }, (_, b) => Rng.fromSeed(seed).derive(`row/${b}`));
    for (const temperature of [0.5, 1, 3]) {
      const out = actor.act(obs, mask, batch, temperature, rngs(6));
      expect(out.hidden).toBeUndefined();
      for (let b = 0; b < batch; b++) expect(mask[b * actionCount + out.actions[b]]).toBe(1);
      const want = read(() =>
        logProbOf(
          maskedLogits(actor.logits(tf.tensor2d(obs, [batch, obsSize])).logits, tf.tensor2d(Float32Array.from(mask), [batch, actionCount]), temperature),
          tf.tensor1d(out.actions, 'int32'),
        ),
      );
      expect(maxAbsDiff(out.logProbs, want)).toBeLessThan(1e-5);
      // Same generators, same actions; a row's draw does not depend on its batch.
      expect(actor.act(obs, mask, batch, temperature, rngs(6)).actions).toEqual(out.actions);
      const single = actor.act(obs.subarray(3 * obsSize, 4 * obsSize), mask.subarray(3 * actionCount, 4 * actionCount), 1, temperature, [rngs(6)[3]]);
      expect(single.actions[0]).toBe(out.actions[3]);
      expect(single.logProbs[0]).toBeCloseTo(out.logProbs[3], 5);
    }
    expect(() => actor.act(obs, mask, batch, 1, rngs(6).slice(1))).toThrow();
    actor.dispose();
  });

  it('acts recurrently: returns the next hidden state logits() computes', () => {
    const batch = 4;
    const actor = new Actor(6, 3, spec({ gru: 5 }), Rng.fromSeed(8));
    const obs = gaussian(batch * 6, 9);
    const mask = new Uint8Array(batch * 3).fill(1);
    const rngs = Array.from({ length: batch }, (_, b) => Rng.fromSeed(b));
    const first = actor.act(obs, mask, batch, 1, rngs);
    const second = actor.act(obs, mask, batch, 1, rngs, first.hidden);
    const want = tf.tidy(() => {
      const h1 = actor.logits(tf.tensor2d(obs, [batch, 6])).hidden!;
      return actor.logits(tf.tensor2d(obs, [batch, 6]), h1).hidden!;
    });
    expect(first.hidden!.length).toBe(batch * 5);
    expect(maxAbsDiff(second.hidden!, want.dataSync())).toBeLessThan(1e-6);
    want.dispose();
    actor.dispose();
  });
});

describe('Critic', () => {
  for (const [name, overrides] of [...variants, ['GRU', { gru: 6 }] as [string, Partial<NetworkSpec>]]) {
    it(`has the right shapes and matches a plain-JS forward pass (${name})`, () => {
      const s = spec(overrides);
      const critic = new Critic(12, s, Rng.fromSeed(21));
      const x = gaussian(5 * 12, 22);
      const out = tf.tidy(() => {
        const r = critic.values(tf.tensor2d(x, [5, 12]));
        return r.hidden ? [r.values, r.hidden] : [r.values];
      });
      expect(out[0].shape).toEqual([5]);
      const ref = referenceForward(critic, x, 5);
      expect(maxAbsDiff(out[0].dataSync(), ref.outputs)).toBeLessThan(1e-5);
      expect(maxAbsDiff(critic.evaluate(x, 5), ref.outputs)).toBeLessThan(1e-5);
      if (critic.recurrent) expect(out[1].shape).toEqual([5, s.gru]);
      tf.dispose(out);
      const seq = tf.tidy(() => critic.valuesSequence(tf.tensor3d(gaussian(5 * 3 * 12, 23), [5, 3, 12])));
      expect(seq.shape).toEqual([5, 3]);
      seq.dispose();
      critic.dispose();
    });
  }

  it('is determined by the seed', () => {
    const a = new Critic(8, spec(), Rng.fromSeed(1));
    const b = new Critic(8, spec(), Rng.fromSeed(1));
    expect(values(a.variables)).toEqual(values(b.variables));
    expect(a.evaluate(gaussian(16, 2), 2)).toEqual(b.evaluate(gaussian(16, 2), 2));
    a.dispose();
    b.dispose();
  });

  it('evaluates recurrently, advancing the hidden state in place', () => {
    const critic = new Critic(4, spec({ gru: 3 }), Rng.fromSeed(2));
    const x = gaussian(2 * 4, 3);
    const hidden = new Float32Array(2 * 3);
    const v1 = critic.evaluate(x, 2, hidden);
    const h1 = Float32Array.from(hidden);
    const v2 = critic.evaluate(x, 2, hidden);
    const want = tf.tidy(() => {
      const first = critic.values(tf.tensor2d(x, [2, 4]));
      const second = critic.values(tf.tensor2d(x, [2, 4]), first.hidden);
      return [first.values, first.hidden!, second.values, second.hidden!];
    });
    expect(maxAbsDiff(v1, want[0].dataSync())).toBeLessThan(1e-6);
    expect(maxAbsDiff(h1, want[1].dataSync())).toBeLessThan(1e-6);
    expect(maxAbsDiff(v2, want[2].dataSync())).toBeLessThan(1e-6);
    expect(maxAbsDiff(hidden, want[3].dataSync())).toBeLessThan(1e-6);
    tf.dispose(want);
    critic.dispose();
  });
});

describe('gradients', () => {
  it('reach exactly the variables of the network the loss depends on', () => {
    for (const overrides of [{}, { layerNorm: true, activation: 'relu' as const }, { gru: 4 }]) {
      const s = spec(overrides);
      const a = new Actor(6, 3, s, Rng.fromSeed(1));
      const b = new Actor(6, 3, s, Rng.fromSeed(2));
      const obs = tf.tensor3d(gaussian(2 * 3 * 6, 3), [2, 3, 6]);
      const { value, grads } = tf.variableGrads(() => tf.sum(tf.square(a.logitsSequence(obs))) as tf.Scalar);
      expect(new Set(Object.keys(grads))).toEqual(new Set(a.variables.map((v) => v.name)));
      for (const v of b.variables) expect(grads[v.name]).toBeUndefined();
      for (const v of a.variables) expect(grads[v.name].shape).toEqual(v.shape);
      tf.dispose([value, obs, ...Object.values(grads)]);

      const c = new Critic(6, s, Rng.fromSeed(3));
      const x = tf.tensor2d(gaussian(4 * 6, 4), [4, 6]);
      const critic = tf.variableGrads(() => tf.mean(tf.square(c.values(x).values)) as tf.Scalar);
      expect(new Set(Object.keys(critic.grads))).toEqual(new Set(c.variables.map((v) => v.name)));
      tf.dispose([critic.value, x, ...Object.values(critic.grads)]);
      [a, b, c].forEach((n) => n.dispose());
    }
  });
});
