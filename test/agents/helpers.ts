import * as tf from '@tensorflow/tfjs-core';
import { Rng } from '../../src/env/rng.js';
import type { NetworkSpec } from '../../src/scenario/networks-schema.js';

export function spec(overrides: Partial<NetworkSpec> = {}): NetworkSpec {
  return { hidden: [16, 16], activation: 'tanh', layerNorm: false, gru: 0, ...overrides };
}

/** Standard normal values from a seeded stream. */
export function gaussian(n: number, seed: number): Float32Array {
  const rng = Rng.fromSeed(seed);
  return Float32Array.from({ length: n }, () => rng.normal());
}

/** Largest absolute elementwise difference. */
export function maxAbsDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  if (a.length !== b.length) throw new Error(`lengths differ: ${a.length} vs ${b.length}`);
  let d = 0;
  for (let i = 0; i < a.length; i++) d = Math.max(d, Math.abs(a[i] - b[i]));
  return d;
}

/** Runs f inside tidy and reads the resulting tensor back. */
export function read(f: () => tf.Tensor): Float32Array {
  const t = tf.tidy(f);
  const data = t.dataSync() as Float32Array;
  t.dispose();
  return Float32Array.from(data);
}


/**
 * The actor/critic forward pass in float64 plain JS, read from the network's
 * variables: an independent check of the tfjs implementation (and of backends).
 */
export function referenceForward(
  net: { variables: tf.Variable[]; spec: NetworkSpec },
  inputs: Float32Array,
  batch: number,
  hidden?: Float32Array,
): { outputs: Float64Array; hidden?: Float64Array } {
  const vars = net.variables.map((v) => ({ shape: v.shape, data: Float64Array.from(v.dataSync() as Float32Array) }));
  let next = 0;
  const take = () => vars[next++];
  let x: Float64Array = Float64Array.from(inputs);
  const dense = (input: Float64Array, w: { shape: number[]; data: Float64Array }, b: { data: Float64Array }): Float64Array => {
    const [n, m] = w.shape;
    const out = new Float64Array(batch * m);
    for (let r = 0; r < batch; r++) {
      for (let j = 0; j < m; j++) {
        let s = b.data[j];
        for (let i = 0; i < n; i++) s += input[r * n + i] * w.data[i * m + j];
        out[r * m + j] = s;
      }
    }
    return out;
  };
  for (const units of net.spec.hidden) {
    let h = dense(x, take(), take());
    if (net.spec.layerNorm) {
      const gamma = take().data;
      const beta = take().data;
      const normed = new Float64Array(h.length);
      for (let r = 0; r < batch; r++) {
        const row = h.subarray(r * units, (r + 1) * units);
        const mean = row.reduce((s, v) => s + v, 0) / units;
        const variance = row.reduce((s, v) => s + (v - mean) ** 2, 0) / units;
        for (let j = 0; j < units; j++) normed[r * units + j] = ((row[j] - mean) / Math.sqrt(variance + 1e-3)) * gamma[j] + beta[j];
      }
      h = normed;
    }
    x = h.map((v) => (net.spec.activation === 'relu' ? Math.max(0, v) : Math.tanh(v)));
  }
  let nextHidden: Float64Array | undefined;
  if (net.spec.gru > 0) {
    const u = net.spec.gru;
    const kernel = take();
    const recurrent = take();
    const bias = take();
    const h0 = hidden ? Float64Array.from(hidden) : new Float64Array(batch * u);
    const xp = dense(x, kernel, bias);
    const sigmoid = (v: number) => 1 / (1 + Math.exp(-v));
    nextHidden = new Float64Array(batch * u);
    for (let r = 0; r < batch; r++) {
      const hz = new Float64Array(u);
      const hr = new Float64Array(u);
      for (let j = 0; j < u; j++) {
        for (let i = 0; i < u; i++) {
          hz[j] += h0[r * u + i] * recurrent.data[i * 3 * u + j];
          hr[j] += h0[r * u + i] * recurrent.data[i * 3 * u + u + j];
        }
      }
      const z = Array.from({ length: u }, (_, j) => sigmoid(xp[r * 3 * u + j] + hz[j]));
      const reset = Array.from({ length: u }, (_, j) => sigmoid(xp[r * 3 * u + u + j] + hr[j]));
      for (let j = 0; j < u; j++) {
        let c = xp[r * 3 * u + 2 * u + j];
        for (let i = 0; i < u; i++) c += reset[i] * h0[r * u + i] * recurrent.data[i * 3 * u + 2 * u + j];
        const candidate = Math.tanh(c);
        nextHidden[r * u + j] = z[j] * h0[r * u + j] + (1 - z[j]) * candidate;
      }
    }
    x = nextHidden;
  }
  const outputs = dense(x, take(), take());
  return { outputs, hidden: nextHidden };
}
