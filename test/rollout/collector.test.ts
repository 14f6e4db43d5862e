import * as tf from '@tensorflow/tfjs-core';
import { produce } from 'immer';
import { beforeAll, describe, expect, it } from 'vitest';
import { useBackend } from '../../src/agents/backend.js';
import { NetworkMap } from '../../src/agents/network-map.js';
import { makeEnv, type EnvSpec } from '../../src/env/env-spec.js';
import type { AgentInfo, MultiAgentEnv, StepOutcome } from '../../src/env/multi-agent/contract.js';
import { Rng } from '../../src/env/rng.js';
import { ParallelCollector } from '../../src/rollout/parallel-collector.js';
import type { RolloutBatch } from '../../src/rollout/rollout-batch.js';
import { RolloutCollector } from '../../src/rollout/rollout-collector.js';
import { RowState } from '../../src/rollout/row-state.js';
import { loadScenario } from '../../src/scenario/load.js';
import type { NetworksSpec } from '../../src/scenario/networks-schema.js';

const networksSpec: NetworksSpec = loadScenario('scenarios/default.json').agents.networks;
const clusterSpec: EnvSpec = {
  kind: 'cluster',
  scenario: produce(loadScenario('scenarios/default.json'), (s) => {
    s.horizon = 20;
    s.agents.scheduler.policy = 'learned';
    s.agents.replica.policy = 'learned';
  }),
};

function networksFor(env: MultiAgentEnv, seed = 1): NetworkMap {
  return new NetworkMap(env.agents, env.stateSize, networksSpec, Rng.fromSeed(seed));
}

/** Every row's fields as a comparable record (rows in table order). */
function rows(batch: RolloutBatch): string[] {
  const out: string[] = [];
  for (const t of batch.tables) {
    for (let i = 0; i < t.length; i++) {
      out.push(
        [t.role, t.env[i], t.agent[i], t.rowState[i], t.time[i], t.action[i], t.logProb[i], t.value[i], t.reward[i], t.elapsed[i], t.next[i], t.obs.slice(i * t.obsSize, (i + 1) * t.obsSize).join(',')].join('|'),
      );
    }
  }
  return out;
}

beforeAll(async () => {
  await useBackend('wasm');
});

describe('RolloutCollector', () => {
  it("links each agent's rows into its own trajectory", () => {
    const env = makeEnv(clusterSpec);
    const collector = new RolloutCollector([env, makeEnv(clusterSpec)], networksFor(env));
    const batch = collector.collect(200);
    expect(batch.steps).toBeGreaterThan(100);
    for (const t of batch.tables) {
      const pointedTo = new Set<number>();
      for (let i = 0; i < t.length; i++) {
        const next = t.next[i];
        if (t.rowState[i] === RowState.Ready && next >= 0) {
          expect(next).toBeGreaterThan(i); // rows of one copy are in decision order
          expect(t.env[next]).toBe(t.env[i]);
          expect(t.agent[next]).toBe(t.agent[i]);
          expect(t.time[next] >= t.time[i] || t.rowState[next] === RowState.BootstrapOnly).toBe(true);
          expect(pointedTo.has(next)).toBe(false);
          pointedTo.add(next);
        }
        if (t.rowState[i] === RowState.Ready) expect(t.elapsed[i]).toBeGreaterThanOrEqual(0);
        const waitsForNextDecision = t.rowState[i] === RowState.AwaitingNextDecision || t.rowState[i] === RowState.AwaitingNextDecisionAndCredit;
        if (waitsForNextDecision) expect(t.next[i]).toBe(-1);
      }
      // At most one row per (copy, agent) waits for the agent's next decision: its latest one.
      const open = new Set<string>();
      for (let i = 0; i < t.length; i++) {
        if (t.rowState[i] !== RowState.AwaitingNextDecision && t.rowState[i] !== RowState.AwaitingNextDecisionAndCredit) continue;
        const key = `${t.env[i]}/${t.agent[i]}`;
        expect(open.has(key)).toBe(false);
        open.add(key);
      }
    }
  });

  it('carries open decisions into the next batch, where they train', () => {
    const env = makeEnv({ kind: 'world', world: { name: 'coordination-game' }, options: { agents: 2, actions: 2, steps: 50 } });
    const collector = new RolloutCollector([env], networksFor(env));
    const first = collector.collect(5);
    const t1 = first.tables[0];
    const openTimes = [...t1.rowState.subarray(0, t1.length)].flatMap((s, i) => (s === RowState.AwaitingNextDecision ? [t1.time[i]] : []));
    expect(openTimes).toEqual([4, 4]);
    const second = collector.collect(5);
    const t2 = second.tables[0];
    // The carried rows come first, now complete, with the rewards paid at the agents' next decisions.
    expect([t2.time[0], t2.rowState[0], t2.time[1], t2.rowState[1]]).toEqual([4, RowState.Ready, 4, RowState.Ready]);
    expect(t2.elapsed[0]).toBe(1);
  });

  it('closes a truncated episode with a bootstrap row, and reports the episode', () => {
    const env = makeEnv({ kind: 'world', world: { name: 'coordination-game' }, options: { agents: 2, actions: 2, steps: 3 } });
    const collector = new RolloutCollector([env], networksFor(env));
    const batch = collector.collect(3);
    const t = batch.tables[0];
    expect(batch.episodes).toHaveLength(1);
    expect(batch.episodes[0]).toMatchObject({ env: 0, ended: 'truncated', decisions: 6 });
    const states = [...t.rowState.subarray(0, t.length)];
    expect(states.filter((s) => s === RowState.BootstrapOnly)).toHaveLength(2);
    expect(states.filter((s) => s === RowState.Ready)).toHaveLength(6);
    let rewards = 0;
    for (let i = 0; i < t.length; i++) if (t.rowState[i] === RowState.Ready) rewards += t.reward[i];
    expect(rewards).toBe(batch.episodes[0].reward);
  });

  it('never samples a masked action', () => {
    const env = new MaskedGame();
    const collector = new RolloutCollector([env, new MaskedGame(), new MaskedGame()], networksFor(env));
    const batch = collector.collect(300);
    const t = batch.tables[0];
    let checked = 0;
    for (let i = 0; i < t.length; i++) {
      if (t.rowState[i] === RowState.BootstrapOnly) continue;
      expect(t.mask[i * t.actionCount + t.action[i]]).toBe(1);
      checked++;
    }
    expect(checked).toBeGreaterThan(800);
  });

  it('gives a copy the same trajectory alone as in a vector of copies', () => {
    const env = makeEnv(clusterSpec);
    const vector = new RolloutCollector([0, 1, 2].map(() => makeEnv(clusterSpec)), networksFor(env));
    const together = rows(vector.collect(150));
    const alone = [0, 1, 2].flatMap((i) =>
      rows(new RolloutCollector([makeEnv(clusterSpec)], networksFor(env), { envIds: [i], totalCopies: 3 }).collect(150)),
    );
    const byCopy = (r: string[]): string[] => [...r].sort((a, b) => Number(a.split('|')[1]) - Number(b.split('|')[1]));
    expect(together.length).toBeGreaterThan(300);
    // Next links are table positions, which differ between one table and three: compare without them.
    const strip = (r: string[]): string[] => r.map((x) => x.split('|').filter((_, k) => k !== 10).join('|'));
    expect(new Set(strip(byCopy(together)))).toEqual(new Set(strip(alone)));
    expect(strip(together).length).toBe(strip(alone).length);
  });

  it('keeps the tensor count flat over many collections', () => {
    const env = makeEnv(clusterSpec);
    const collector = new RolloutCollector([env, makeEnv(clusterSpec)], networksFor(env));
    collector.collect(20);
    const before = tf.memory().numTensors;
    for (let k = 0; k < 20; k++) collector.collect(20);
    expect(tf.memory().numTensors).toBe(before);
  });
});

describe('ParallelCollector', () => {
  it('collects the same batch with 1 and 2 threads', async () => {
    const env = makeEnv(clusterSpec);
    const a = await ParallelCollector.start(networksFor(env), { envSpec: clusterSpec, copies: 4, threads: 1 });
    const b = await ParallelCollector.start(networksFor(env), { envSpec: clusterSpec, copies: 4, threads: 2 });
    expect(b.threads).toBe(2);
    try {
      for (let k = 0; k < 2; k++) {
        const one = await a.collect(60);
        const two = await b.collect(60);
        expect(rows(two)).toEqual(rows(one));
        expect(two.episodes).toEqual(one.episodes);
      }
    } finally {
      await a.close();
      await b.close();
    }
  }, 60_000);

  it('refills the same tables with reused batches, and they hold what new ones would', async () => {
    const env = makeEnv(clusterSpec);
    const fresh = await ParallelCollector.start(networksFor(env), { envSpec: clusterSpec, copies: 4, threads: 2 });
    const reused = [
      await ParallelCollector.start(networksFor(env), { envSpec: clusterSpec, copies: 4, threads: 1, reuseBatches: true }),
      await ParallelCollector.start(networksFor(env), { envSpec: clusterSpec, copies: 4, threads: 2, reuseBatches: true }),
    ];
    try {
      const first = await Promise.all(reused.map((c) => c.collect(60)));
      const expected = rows(await fresh.collect(60));
      for (const batch of first) expect(rows(batch)).toEqual(expected);
      // Longer collections than the first: the refilled tables have to grow.
      for (let k = 0; k < 2; k++) {
        const again = await Promise.all(reused.map((c) => c.collect(150)));
        const want = rows(await fresh.collect(150));
        again.forEach((batch, c) => {
          expect(rows(batch)).toEqual(want);
          batch.tables.forEach((t, r) => expect(t).toBe(first[c].tables[r]));
        });
      }
    } finally {
      await fresh.close();
      for (const c of reused) await c.close();
    }
  }, 60_000);
});

/** A lockstep game whose allowed actions change every step (drawn from the seed). */
class MaskedGame implements MultiAgentEnv {
  readonly agents: AgentInfo[] = [{ id: 'p/0', role: 'p', index: 0, obsSize: 5, actionCount: 5 }];
  readonly stateSize = 5;
  private rng = Rng.fromSeed(0);
  private t = 0;
  private readonly d = { agent: 0, obs: new Float32Array(5), mask: new Uint8Array(5), state: new Float32Array(5), reward: 0, elapsed: 1, time: 0, id: 0, awaitsCredit: false };

  reset(seed: number): StepOutcome {
    this.rng = Rng.fromSeed(seed);
    this.t = 0;
    return this.next();
  }

  step(actions: ArrayLike<number>): StepOutcome {
    if (this.d.mask[actions[0]] !== 1) throw new Error('masked action taken');
    if (++this.t === 20) return { decisions: [], ended: 'truncated', final: [{ agent: 0, reward: 0, elapsed: 1, obs: this.d.obs, state: this.d.state }], credits: [] };
    return this.next();
  }

  private next(): StepOutcome {
    const allowed = 1 + this.rng.int(5);
    this.d.mask.fill(0);
    for (let k = 0; k < allowed; k++) this.d.mask[this.rng.int(5)] = 1;
    this.d.obs.set(this.d.mask);
    this.d.state.set(this.d.mask);
    this.d.time = this.t;
    this.d.id = this.t;
    return { decisions: [this.d], ended: null, final: [], credits: [] };
  }
}
