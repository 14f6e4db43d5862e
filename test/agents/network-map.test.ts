import * as tf from '@tensorflow/tfjs-core';
import { produce } from 'immer';
import { beforeAll, describe, expect, it } from 'vitest';
import { useBackend } from '../../src/agents/backend.js';
import { NetworkMap } from '../../src/agents/network-map.js';
import { ClusterEnv } from '../../src/env/cluster-env.js';
import { Rng } from '../../src/env/rng.js';
import { loadScenario } from '../../src/scenario/load.js';
import type { NetworksSpec } from '../../src/scenario/networks-schema.js';
import { InputError } from '../../src/errors.js';

const scenario = produce(loadScenario('scenarios/default.json'), (s) => {
  s.agents.scheduler.policy = 'learned';
  s.agents.replica.policy = 'learned';
});
const env = new ClusterEnv(scenario); // agents: scheduler/0 and replica/r0..r3

function map(overrides: Partial<NetworksSpec>): NetworkMap {
  return new NetworkMap(env.agents, env.stateSize, { ...scenario.agents.networks, ...overrides }, Rng.fromSeed(1));
}

beforeAll(async () => {
  await useBackend('cpu');
});

describe('NetworkMap: the sharing ablation as settings', () => {
  it.each([
    ['shared', 'shared', 'global', 2, 1],
    ['shared', 'shared', 'local', 2, 2],
    ['independent', 'shared', 'global', 5, 1],
    ['shared', 'independent', 'global', 2, 5],
    ['independent', 'independent', 'local', 5, 5],
  ] as const)('actors %s, critic %s on %s input: %i actors and %i critics', (actorSharing, criticSharing, criticInput, actors, critics) => {
    const m = map({ actorSharing, criticSharing, criticInput });
    expect(m.actors).toHaveLength(actors);
    expect(m.critics).toHaveLength(critics);
    for (const c of m.critics) expect(c.network.inputSize).toBe(criticInput === 'global' ? env.stateSize : env.agents[c.agents[0]].obsSize);
    expect(new Set(m.actors.flatMap((a) => a.agents))).toEqual(new Set([0, 1, 2, 3, 4]));
    m.dispose();
  });

  it('independent actors start with different weights, drawn from their own named streams', () => {
    const m = map({ actorSharing: 'independent' });
    const [w1, w2] = [m.actorFor(1), m.actorFor(2)].map((a) => a.variables[0].dataSync());
    expect(Array.from(w1)).not.toEqual(Array.from(w2));
    // The same network gets the same weights whatever else exists.
    const again = map({ actorSharing: 'independent', criticSharing: 'independent' });
    expect(Array.from(again.actorFor(1).variables[0].dataSync())).toEqual(Array.from(w1));
    m.dispose();
    again.dispose();
  });

  it("gradients of one agent's loss reach its own actor and no other; shared actors take every member's", () => {
    const loss = (m: NetworkMap, agent: number) => () =>
      tf.tidy(() => {
        const a = m.actorFor(agent);
        return tf.sum(tf.square(a.logits(tf.ones([2, a.obsSize])).logits)) as tf.Scalar;
      });
    const independent = map({ actorSharing: 'independent' });
    const { grads } = tf.variableGrads(loss(independent, 2));
    const own = new Set(independent.actorFor(2).variables.map((v) => v.name));
    expect(new Set(Object.keys(grads))).toEqual(own);
    tf.dispose(Object.values(grads));

    const shared = map({ actorSharing: 'shared' });
    expect(shared.actorFor(1)).toBe(shared.actorFor(4));
    const g1 = tf.variableGrads(loss(shared, 1)).grads;
    const g4 = tf.variableGrads(loss(shared, 4)).grads;
    expect(Object.keys(g1).sort()).toEqual(Object.keys(g4).sort());
    expect(Object.keys(g1).some((n) => shared.actorFor(0).variables.some((v) => v.name === n))).toBe(false);
    tf.dispose([...Object.values(g1), ...Object.values(g4)]);
    independent.dispose();
    shared.dispose();
  });

  it('weights round-trip through exportWeights/importWeights', () => {
    const a = map({});
    const b = new NetworkMap(env.agents, env.stateSize, scenario.agents.networks, Rng.fromSeed(99));
    b.importWeights(a.exportWeights());
    expect(Array.from(b.exportWeights())).toEqual(Array.from(a.exportWeights()));
    a.dispose();
    b.dispose();
  });
});

describe('tensor backends', () => {
  it('a missing --backend tensorflow package gives a clear error', async () => {
    const err = await useBackend('tensorflow').catch((e: unknown) => e);
    expect(err).toBeInstanceOf(InputError);
    expect((err as Error).message).toMatch(/needs @tensorflow\/tfjs-node-gpu .* or @tensorflow\/tfjs-node/);
    expect(tf.getBackend()).toBe('cpu'); // the previous backend is still in use
  });
});
