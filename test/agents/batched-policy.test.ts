import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { useBackend } from '../../src/agents/backend.js';
import { BatchedPolicy } from '../../src/agents/batched-policy.js';
import { NetworkMap } from '../../src/agents/network-map.js';
import { makeEnv, type EnvSpec } from '../../src/env/env-spec.js';
import type { Decision } from '../../src/env/multi-agent/contract.js';
import { Rng } from '../../src/env/rng.js';
import { networksSchema } from '../../src/scenario/networks-schema.js';

const game: EnvSpec = { kind: 'world', world: { name: 'simple-spread' }, options: { agents: 3, maxCycles: 5 } };

/** Each copy's first pending decisions (copies of the environment's buffers, which it reuses). */
function pendingOf(copies: number): Decision[][] {
  return Array.from({ length: copies }, (_, c) =>
    makeEnv(game)
      .reset(100 + c)
      .decisions.map((d) => ({ ...d, obs: Float32Array.from(d.obs), mask: Uint8Array.from(d.mask), state: Float32Array.from(d.state) })),
  );
}

function mapOf(options: { gru?: number; actorSharing?: 'shared' | 'independent' } = {}): NetworkMap {
  const env = makeEnv(game);
  const spec = networksSchema.parse({ actor: { hidden: [8], gru: options.gru ?? 0 }, critic: { hidden: [8] }, actorSharing: options.actorSharing ?? 'shared' });
  return new NetworkMap(env.agents, env.stateSize, spec, Rng.fromSeed(7));
}

/** Queues every copy's pending decisions, each with its own hidden states and its copy's generator. */
function queue(policy: BatchedPolicy, pending: Decision[][], hidden: Float32Array[][], seed: (c: number) => number): void {
  policy.clear();
  pending.forEach((ds, c) => {
    const rng = Rng.fromSeed(seed(c));
    ds.forEach((d, j) => policy.add(c, j, d, hidden[c][d.agent], rng));
  });
}

/** [copy, index, action, logProb] of every queued decision, in queue order per actor. */
function answers(policy: BatchedPolicy): number[][] {
  return policy.batches.flatMap((b) => Array.from({ length: b.count }, (_, i) => [b.copy[i], b.index[i], b.actions[i], b.logProbs?.[i] ?? NaN]));
}

beforeAll(async () => {
  await useBackend('wasm');
});

describe('BatchedPolicy', () => {
  it("samples a copy's decisions as it would alone: its actions depend only on its generator", () => {
    const networks = mapOf();
    const pending = pendingOf(4);
    const hidden = pending.map(() => [0, 1, 2].map(() => new Float32Array(0)));
    const together = new BatchedPolicy(networks, 4);
    queue(together, pending, hidden, (c) => c);
    together.sample(0.7);
    const alone = pending.flatMap((ds, c) => {
      const p = new BatchedPolicy(networks, 1);
      queue(p, [ds], [hidden[c]], () => c);
      p.sample(0.7);
      return answers(p).map(([, j, a, lp]) => [c, j, a, lp]);
    });
    expect(answers(together)).toEqual(alone);
    expect(together.batches[0].count).toBe(12);
    networks.dispose();
  });

  it("takes each decision's most probable allowed action when greedy, with no log-probabilities", () => {
    const networks = mapOf();
    const pending = pendingOf(2);
    const policy = new BatchedPolicy(networks, 2);
    queue(policy, pending, pending.map(() => [0, 1, 2].map(() => new Float32Array(0))), (c) => c);
    policy.greedy();
    const batch = policy.batches[0];
    expect(batch.logProbs).toBeNull();
    const actor = networks.actors[0].network;
    const flat = pending.flat();
    const direct = actor.actGreedy(Float32Array.from(flat.flatMap((d) => [...d.obs])), Uint8Array.from(flat.flatMap((d) => [...d.mask])), flat.length);
    expect(Array.from(batch.actions)).toEqual(Array.from(direct.actions));
    networks.dispose();
  });

  it('routes decisions to their agent’s actor, and grows past the decisions it was sized for', () => {
    const networks = mapOf({ actorSharing: 'independent' });
    const pending = pendingOf(3);
    // Sized for one copy, given three.
    const policy = new BatchedPolicy(networks, 1);
    queue(policy, pending, pending.map(() => [0, 1, 2].map(() => new Float32Array(0))), (c) => c);
    policy.sample(1);
    expect(policy.batches.map((b) => b.count)).toEqual([3, 3, 3]);
    policy.batches.forEach((b, k) => {
      for (let i = 0; i < b.count; i++) expect([b.pending[i].agent, b.copy[i], b.index[i]]).toEqual([networks.actors[k].agents[0], i, k]);
    });
    networks.dispose();
  });

  it("advances each agent's recurrent state in place, and keeps the state each decision was taken in", () => {
    const networks = mapOf({ gru: 4 });
    const pending = pendingOf(2);
    const hidden = pending.map((_, c) => [0, 1, 2].map((a) => Float32Array.from({ length: 4 }, (_, k) => Math.sin(c + a + k))));
    const before = hidden.map((hs) => hs.map((h) => Float32Array.from(h)));
    const policy = new BatchedPolicy(networks, 2);
    queue(policy, pending, hidden, (c) => c);
    policy.sample(1);
    const actor = networks.actors[0].network;
    const flat = pending.flat();
    const direct = actor.act(
      Float32Array.from(flat.flatMap((d) => [...d.obs])),
      Uint8Array.from(flat.flatMap((d) => [...d.mask])),
      flat.length,
      1,
      flat.map((_, i) => Rng.fromSeed(Math.floor(i / 3))),
      Float32Array.from(before.flat().flatMap((h) => [...h])),
    );
    const batch = policy.batches[0];
    for (let i = 0; i < batch.count; i++) {
      const [c, a] = [batch.copy[i], batch.pending[i].agent];
      expect(Array.from(hidden[c][a])).toEqual(Array.from((direct.hidden as Float32Array).subarray(i * 4, i * 4 + 4)));
      expect(hidden[c][a]).not.toEqual(before[c][a]);
      const kept = new Float32Array(4);
      batch.copyHiddenBefore(i, kept, 0);
      expect(kept).toEqual(before[c][a]);
    }
    networks.dispose();
  });

  it('keeps the tensor count flat', () => {
    const networks = mapOf({ gru: 4 });
    const pending = pendingOf(3);
    const hidden = pending.map(() => [0, 1, 2].map(() => new Float32Array(4)));
    const policy = new BatchedPolicy(networks, 3);
    queue(policy, pending, hidden, (c) => c);
    policy.sample(1);
    const before = tf.memory().numTensors;
    for (let k = 0; k < 20; k++) {
      queue(policy, pending, hidden, (c) => c);
      if (k % 2 === 0) policy.sample(1);
      else policy.greedy();
    }
    expect(tf.memory().numTensors).toBe(before);
    networks.dispose();
  });
});
