import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { useBackend } from '../../src/agents/backend.js';
import { Rng } from '../../src/env/rng.js';
import { HostAdam } from '../../src/learners/host-adam.js';

const SHAPES = [[32, 64], [64], [64, 8], [8]];

function variables(rng: Rng, prefix: string): tf.Variable[] {
  return SHAPES.map((shape, i) => tf.variable(tf.tensor(Float32Array.from({ length: shape.reduce((a, b) => a * b, 1) }, () => rng.normal()), shape), true, `${prefix}/v${i}`));
}

/** The step the learner used to take with tfjs's Adam: gradients times the clipping scale, zeros where a variable has none. */
function tfjsStep(adam: tf.AdamOptimizer, vars: tf.Variable[], grads: (Float32Array | null)[], scale: number): void {
  const named = vars.map((v, i) => {
    const g = grads[i];
    return { name: v.name, tensor: g === null ? tf.zerosLike(v) : tf.mul(tf.tensor(g, v.shape), scale) };
  });
  adam.applyGradients(named);
  tf.dispose(named.map((n) => n.tensor));
}

function randomGrads(rng: Rng, step: number): (Float32Array | null)[] {
  // Every third step one variable has no gradient; magnitudes of 1 and 10.
  return SHAPES.map((shape, i) => (step % 3 === 0 && i === 2 ? null : Float32Array.from({ length: shape.reduce((a, b) => a * b, 1) }, () => rng.normal() * 10 ** rng.int(2))));
}

const bits = (vars: tf.Variable[]): Uint32Array[] => vars.map((v) => new Uint32Array(Float32Array.from(v.dataSync()).buffer));

describe('HostAdam', () => {
  beforeAll(async () => {
    await useBackend('wasm');
  });

  it('steps bit for bit as tfjs\'s Adam, with clipping scales, missing gradients and a changing learning rate', () => {
    const theirs = variables(Rng.fromSeed(1), 'tfjs');
    const ours = variables(Rng.fromSeed(1), 'host');
    const adam = tf.train.adam(3e-4, 0.9, 0.999, 1e-5);
    const host = new HostAdam(3e-4, ours, 0.9, 0.999, 1e-5);
    const rng = Rng.fromSeed(2);
    for (let step = 1; step <= 30; step++) {
      const lr = step > 15 ? 3e-4 * (1 - step / 40) : 3e-4;
      (adam as unknown as { learningRate: number }).learningRate = lr;
      host.learningRate = lr;
      const grads = randomGrads(rng, step);
      const scale = step % 2 === 0 ? 1 : 0.5 / (1 + step);
      tfjsStep(adam, theirs, grads, scale);
      host.step(grads, scale);
      expect(bits(ours), `step ${step}`).toEqual(bits(theirs));
    }
    adam.dispose();
    tf.dispose([...theirs, ...ours]);
  });

  it('keeps tfjs\'s checkpoint layout: restores from tfjs\'s weights and from its own, and continues the same', async () => {
    const theirs = variables(Rng.fromSeed(3), 'tfjs2');
    const ours = variables(Rng.fromSeed(3), 'host2');
    const again = variables(Rng.fromSeed(3), 'again2');
    const adam = tf.train.adam(1e-3, 0.9, 0.999, 1e-5);
    const host = new HostAdam(1e-3, ours, 0.9, 0.999, 1e-5);
    const rng = Rng.fromSeed(4);
    for (let step = 1; step <= 5; step++) {
      const grads = randomGrads(rng, step);
      tfjsStep(adam, theirs, grads, 1);
      host.step(grads, 1);
    }
    const weights = await adam.getWeights();
    const accBeta = adam as unknown as { accBeta1: tf.Variable; accBeta2: tf.Variable };
    const fromTfjs = {
      weights: weights.map((w) => ({ name: w.name, shape: [...w.tensor.shape], values: Float32Array.from(w.tensor.dataSync()) })),
      accBeta: [accBeta.accBeta1.dataSync()[0], accBeta.accBeta2.dataSync()[0]] as [number, number],
    };
    // The same layout and numbers, but for the variables' names.
    const own = host.state();
    expect(own.weights.map((w) => w.name.replace('host2', 'tfjs2'))).toEqual(fromTfjs.weights.map((w) => w.name));
    expect(own.weights.map((w) => [...w.values])).toEqual(fromTfjs.weights.map((w) => [...w.values]));
    expect(own.accBeta).toEqual(fromTfjs.accBeta);

    again.forEach((v, i) => v.assign(ours[i]));
    const restored = new HostAdam(1e-3, again, 0.9, 0.999, 1e-5);
    restored.restore(fromTfjs);
    for (let step = 6; step <= 10; step++) {
      const grads = randomGrads(rng, step);
      tfjsStep(adam, theirs, grads, 1);
      host.step(grads, 1);
      restored.step(grads, 1);
    }
    expect(bits(ours)).toEqual(bits(theirs));
    expect(bits(again)).toEqual(bits(theirs));
    adam.dispose();
    tf.dispose([...theirs, ...ours, ...again]);
  });

  it('has no moments before its first step, as tfjs, and refuses a state of another network', () => {
    const vars = variables(Rng.fromSeed(5), 'fresh');
    const host = new HostAdam(1e-3, vars);
    expect(host.state().weights.map((w) => w.name)).toEqual(['iter']);
    expect(() => host.restore({ weights: [{ name: 'iter', shape: [], values: Float32Array.of(3) }, { name: 'x/m', shape: [1], values: Float32Array.of(0) }, { name: 'x/v', shape: [1], values: Float32Array.of(0) }] })).toThrow(/moments for 1 variables, the network 4/);
    tf.dispose(vars);
  });
});
