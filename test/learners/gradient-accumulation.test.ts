import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it, vi } from 'vitest';
import { useBackend } from '../../src/agents/backend.js';
import { NetworkMap, type Assigned } from '../../src/agents/network-map.js';
import type { AgentInfo } from '../../src/env/multi-agent/contract.js';
import { Rng } from '../../src/env/rng.js';
import { HostAdam } from '../../src/learners/host-adam.js';
import { PpoLearner } from '../../src/learners/ppo-learner.js';
import { buildUnits } from '../../src/learners/training-units.js';
import type { RolloutBatch } from '../../src/rollout/rollout-batch.js';
import { RowState } from '../../src/rollout/row-state.js';
import { TrajectoryTable } from '../../src/rollout/trajectory-table.js';
import { learnerSchema } from '../../src/scenario/learner-schema.js';
import { networksSchema } from '../../src/scenario/networks-schema.js';

beforeAll(async () => {
  await useBackend('cpu');
});

const OBS = 3;
const STATE = 4;
const ACTIONS = 3;
const agents: AgentInfo[] = [0, 1, 2].map((index) => ({ id: `a/${index}`, role: 'a', index, obsSize: OBS, actionCount: ACTIONS }));
/** Agents 0 and 1 decide at every one of 11 steps; agent 2 only at steps 3 and 8. */
const RARE = 2;
const decides = (agent: number, step: number): boolean => agent !== RARE || step === 3 || step === 8;

/** A hand-built rollout: every row trains, each agent's rows chained by `next`, its last one terminal. */
function rollout(hidden: number): RolloutBatch {
  const rng = Rng.fromSeed(11);
  const table = new TrajectoryTable('a', OBS, ACTIONS, STATE, hidden, hidden);
  const last = [-1, -1, -1];
  for (let step = 0; step < 11; step++) {
    for (let agent = 0; agent < agents.length; agent++) {
      if (!decides(agent, step)) continue;
      const i = table.push(RowState.Ready, 0, agent, step);
      if (last[agent] >= 0) table.next[last[agent]] = i;
      last[agent] = i;
      for (let k = 0; k < OBS; k++) table.obs[i * OBS + k] = rng.normal();
      for (let k = 0; k < STATE; k++) table.state[i * STATE + k] = rng.normal();
      table.mask.fill(1, i * ACTIONS, (i + 1) * ACTIONS);
      table.action[i] = rng.int(ACTIONS);
      // Old log-probs near uniform's, so most ratios sit inside the clip and carry gradient.
      table.logProb[i] = Math.log(1 / ACTIONS) + 0.1 * rng.normal();
      table.temperature[i] = 1;
      table.value[i] = rng.normal();
      table.reward[i] = rng.normal();
      table.elapsed[i] = 1;
    }
  }
  // Hidden states stay zero: every chain starts an episode.
  return { tables: [table], tableOf: new Int32Array(3), steps: table.length, decisions: table.length, actionCounts: [], episodes: [] };
}

/** Each variable's gradient as handed to Adam during `run` (scaled by the clipping, zeros where it had none), by variable name. */
function gradientsSeenBy(run: () => void): Map<string, Float32Array> {
  const seen = new Map<string, Float32Array>();
  const original = HostAdam.prototype.step;
  const spy = vi.spyOn(HostAdam.prototype, 'step').mockImplementation(function (this: HostAdam, grads, scale) {
    this.variables.forEach((v, i) => {
      expect(seen.has(v.name)).toBe(false); // one optimizer step per update in these runs
      const g = grads[i];
      seen.set(v.name, g === null ? new Float32Array(v.size) : g.map((x) => Math.fround(x * scale)));
    });
    original.call(this, grads, scale);
  });
  try {
    run();
  } finally {
    spy.mockRestore();
  }
  return seen;
}

const maxAbs = (a: Float32Array): number => a.reduce((m, x) => Math.max(m, Math.abs(x)), 0);

describe('gradient accumulation', () => {
  it.each([
    // [what, recurrent chunk, GRU units, learner seed]: the seeds put the rare agent's rows outside the first minibatch.
    ['feed-forward', 1, 0, 2],
    ['GRU, chunks of 2', 2, 4, 4],
  ] as const)(
    '%s: minibatches of 5 accumulated over the epoch step every network as one batch of all rows does, the rare agent absent from the first minibatch included',
    (_, chunk, gru, seed) => {
      const networks = networksSchema.parse({ actor: { hidden: [8], gru }, critic: { hidden: [8], gru }, actorSharing: 'independent', criticSharing: 'independent' });
      const batch = rollout(gru);
      const units = buildUnits(batch.tables, chunk);
      // A huge clip norm: clipping would rescale both runs alike and hide a wrong scale.
      const base = { epochs: 1, recurrentChunk: chunk, maxGradNorm: 1e9, entropy: { coef: 0.01 }, valueClip: 0.5 };
      const oneBatch = learnerSchema.parse({ ...base, minibatchSize: 1000, gradientAccumulation: 1 });
      const perMinibatch = 5;
      const minibatches = Math.ceil(units.count / perMinibatch);
      const accumulated = learnerSchema.parse({ ...base, minibatchSize: perMinibatch * chunk, gradientAccumulation: minibatches });

      // The premise: the accumulating learner's shuffle (the same generator it is given) leaves the rare
      // agent out of the first minibatch, and gives the other agents different row counts per minibatch, so
      // neither dropping keys nor dividing by a count of minibatches can pass by luck.
      const order = Rng.fromSeed(seed).shuffle(Array.from({ length: units.count }, (_, i) => i));
      const rowsOf = (agent: number, us: number[]): number =>
        us.reduce((n, u) => (batch.tables[0].agent[units.rows[u * chunk]] === agent ? n + units.rows.subarray(u * chunk, (u + 1) * chunk).filter((r) => r >= 0).length : n), 0);
      const perAgent = [0, 1, 2].map((agent) => Array.from({ length: minibatches }, (_, m) => rowsOf(agent, order.slice(m * perMinibatch, (m + 1) * perMinibatch))));
      expect(perAgent[RARE][0]).toBe(0);
      expect(perAgent[RARE].reduce((a, b) => a + b)).toBe(2);
      expect(new Set(perAgent[0].filter((n) => n > 0)).size).toBeGreaterThan(1);

      const mapA = new NetworkMap(agents, STATE, networks, Rng.fromSeed(3));
      const mapB = new NetworkMap(agents, STATE, networks, Rng.fromSeed(3));
      const learnerA = new PpoLearner(mapA, oneBatch, Rng.fromSeed(seed));
      const learnerB = new PpoLearner(mapB, accumulated, Rng.fromSeed(seed));
      const big = gradientsSeenBy(() => learnerA.update(batch, 1));
      let metrics: Record<string, number> = {};
      const summed = gradientsSeenBy(() => {
        metrics = learnerB.update(batch, 1);
      });
      expect(metrics['train/minibatches']).toBe(minibatches);

      const pairs = (m: NetworkMap): Assigned<{ variables: tf.Variable[] }>[] => [...m.actors, ...m.critics];
      expect(pairs(mapA).map((n) => n.name)).toEqual(['actor/a/0', 'actor/a/1', 'actor/a/2', 'critic/a/0', 'critic/a/1', 'critic/a/2']);
      pairs(mapA).forEach((a, k) => {
        const b = pairs(mapB)[k];
        a.network.variables.forEach((va, i) => {
          const ga = big.get(va.name);
          const gb = summed.get(b.network.variables[i].name);
          expect(ga, `${a.name} variable ${i} in the one-batch step`).toBeDefined();
          expect(gb, `${a.name} variable ${i} in the accumulated step`).toBeDefined();
          const one = ga as Float32Array;
          const acc = gb as Float32Array;
          expect(acc.length).toBe(one.length);
          const scale = maxAbs(one);
          const worst = one.reduce((m, x, j) => Math.max(m, Math.abs(x - acc[j])), 0);
          expect(worst, `${a.name} variable ${i}: largest difference, against a largest entry of ${scale}`).toBeLessThanOrEqual(1e-6 * (1 + scale));
        });
        // Gradients that could pass by being zero would prove nothing.
        expect(Math.max(...a.network.variables.map((v) => maxAbs(big.get(v.name) as Float32Array))), a.name).toBeGreaterThan(1e-3);
      });

      // A second accumulated update allocates nothing that outlives it.
      const before = tf.memory().numTensors;
      learnerB.update(batch, 2);
      expect(tf.memory().numTensors).toBe(before);

      learnerA.dispose();
      learnerB.dispose();
      mapA.dispose();
      mapB.dispose();
    },
  );
});
