import * as tf from '@tensorflow/tfjs-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { useBackend } from '../../src/agents/backend.js';
import { GruLayer } from '../../src/agents/networks/gru.js';
import { Rng } from '../../src/env/rng.js';
import { gaussian, maxAbsDiff, read } from './helpers.js';

const B = 3;
const T = 6;
const IN = 5;
const U = 4;
let gru: GruLayer;

beforeAll(async () => {
  await useBackend('cpu');
  gru = new GruLayer(IN, U, Rng.fromSeed(1));
  // Non-zero biases, so that the test exercises the bias's gate layout too.
  tf.tidy(() => gru.bias.assign(tf.tensor1d(gaussian(3 * U, 2))));
});
afterAll(() => gru.dispose());

/** Runs `step` T times, zeroing the state where starts[b][t] = 1. */
function stepwise(x: Float32Array, h0: Float32Array, starts: Float32Array): { outputs: Float32Array; last: Float32Array } {
  const outputs = new Float32Array(B * T * U);
  let h: Float32Array = Float32Array.from(h0);
  for (let t = 0; t < T; t++) {
    const xt = new Float32Array(B * IN);
    for (let b = 0; b < B; b++) {
      xt.set(x.subarray((b * T + t) * IN, (b * T + t + 1) * IN), b * IN);
      if (starts[b * T + t] === 1) h.fill(0, b * U, (b + 1) * U);
    }
    const hPrev = h;
    h = read(() => gru.step(tf.tensor2d(xt, [B, IN]), tf.tensor2d(hPrev, [B, U])));
    for (let b = 0; b < B; b++) outputs.set(h.subarray(b * U, (b + 1) * U), (b * T + t) * U);
  }
  return { outputs, last: h };
}

function sequence(x: Float32Array, h0: Float32Array, starts: Float32Array): { outputs: Float32Array; last: Float32Array } {
  const r = tf.tidy(() => {
    const s = gru.sequence(tf.tensor3d(x, [B, T, IN]), tf.tensor2d(h0, [B, U]), tf.tensor2d(starts, [B, T]));
    return [s.outputs, s.last];
  });
  expect(r[0].shape).toEqual([B, T, U]);
  expect(r[1].shape).toEqual([B, U]);
  const out = { outputs: Float32Array.from(r[0].dataSync()), last: Float32Array.from(r[1].dataSync()) };
  tf.dispose(r);
  return out;
}

describe('GruLayer', () => {
  it('has tfjs-layers’ weight shapes: kernel [in, 3u], recurrent kernel [u, 3u], bias [3u]', () => {
    expect(gru.variables.map((v) => v.shape)).toEqual([[IN, 3 * U], [U, 3 * U], [3 * U]]);
  });

  it('initialises each gate block of the recurrent kernel as an orthogonal matrix', () => {
    const fresh = new GruLayer(IN, U, Rng.fromSeed(9));
    const rk = fresh.recurrentKernel.dataSync();
    for (let block = 0; block < 3; block++) {
      for (let i = 0; i < U; i++) {
        for (let j = 0; j < U; j++) {
          let dot = 0;
          for (let r = 0; r < U; r++) dot += rk[r * 3 * U + block * U + i] * rk[r * 3 * U + block * U + j];
          expect(dot).toBeCloseTo(i === j ? 1 : 0, 5);
        }
      }
    }
    expect(Array.from(fresh.bias.dataSync())).toEqual(new Array(3 * U).fill(0));
    fresh.dispose();
  });

  it('runs a sequence exactly as repeated steps', () => {
    const x = gaussian(B * T * IN, 3);
    const h0 = gaussian(B * U, 4).map(Math.tanh);
    const starts = new Float32Array(B * T);
    const a = sequence(x, h0, starts);
    const b = stepwise(x, h0, starts);
    expect(maxAbsDiff(a.outputs, b.outputs)).toBeLessThan(1e-6);
    expect(maxAbsDiff(a.last, b.last)).toBeLessThan(1e-6);
    // The state does carry information: a different h0 changes the outputs.
    const c = sequence(x, new Float32Array(B * U), starts);
    expect(maxAbsDiff(a.outputs, c.outputs)).toBeGreaterThan(1e-3);
  });

  it('resets the state where an episode starts', () => {
    const x = gaussian(B * T * IN, 5);
    const h0 = gaussian(B * U, 6).map(Math.tanh);
    const starts = new Float32Array(B * T);
    starts[0 * T + 0] = 1; // row 0: h0 ignored
    starts[1 * T + 3] = 1; // row 1: new episode at step 3
    const a = sequence(x, h0, starts);
    const b = stepwise(x, h0, starts);
    expect(maxAbsDiff(a.outputs, b.outputs)).toBeLessThan(1e-6);
    // Row 0 equals a run from the zero state.
    const zero = sequence(x, new Float32Array(B * U), new Float32Array(B * T));
    expect(maxAbsDiff(a.outputs.subarray(0, T * U), zero.outputs.subarray(0, T * U))).toBeLessThan(1e-6);
    // Row 1 from step 3 on equals a fresh run of steps 3.. from zero: compare to a sequence whose
    // row 1 holds steps 3..5 first.
    const shifted = new Float32Array(x);
    for (let t = 0; t < 3; t++) shifted.set(x.subarray((1 * T + 3 + t) * IN, (1 * T + 4 + t) * IN), (1 * T + t) * IN);
    const fresh = sequence(shifted, new Float32Array(B * U), new Float32Array(B * T));
    expect(maxAbsDiff(a.outputs.subarray((1 * T + 3) * U, (2 * T) * U), fresh.outputs.subarray(1 * T * U, (1 * T + 3) * U))).toBeLessThan(1e-6);
    // Before the start, row 1 still depends on h0.
    expect(maxAbsDiff(a.outputs.subarray(1 * T * U, (1 * T + 3) * U), zero.outputs.subarray(1 * T * U, (1 * T + 3) * U))).toBeGreaterThan(1e-4);
  });

  it('keeps the state bounded in (-1, 1)', () => {
    const x = gaussian(B * T * IN, 7).map((v) => 10 * v);
    const { outputs } = sequence(x, new Float32Array(B * U), new Float32Array(B * T));
    expect(Math.max(...outputs.map(Math.abs))).toBeLessThanOrEqual(1);
  });
});
