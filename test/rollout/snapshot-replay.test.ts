import { produce } from 'immer';
import { beforeAll, describe, expect, it } from 'vitest';
import { useBackend } from '../../src/agents/backend.js';
import { NetworkMap } from '../../src/agents/network-map.js';
import { makeEnv, type EnvSpec } from '../../src/env/env-spec.js';
import { Rng } from '../../src/env/rng.js';
import { ParallelCollector } from '../../src/rollout/parallel-collector.js';
import type { RolloutBatch } from '../../src/rollout/rollout-batch.js';
import { RolloutCollector } from '../../src/rollout/rollout-collector.js';
import { RowState } from '../../src/rollout/row-state.js';
import { fromCheckpoint, toCheckpoint, type CollectorSnapshot } from '../../src/rollout/snapshot-replay.js';
import { TrajectoryTable } from '../../src/rollout/trajectory-table.js';
import { loadScenario } from '../../src/scenario/load.js';
import { pack, unpack } from '../../src/storage/msgpack.js';

/** Schedulers learned under the default scenario's NPV reward: routing decisions await credit, so rows in every state. */
const scenario = produce(loadScenario('scenarios/default.json'), (s) => {
  s.horizon = 2;
  s.agents.scheduler.policy = 'learned';
  s.agents.replica.policy = 'learned';
});
const spec: EnvSpec = { kind: 'cluster', scenario };
const networks = (): NetworkMap => {
  const env = makeEnv(spec);
  return new NetworkMap(env.agents, env.stateSize, scenario.agents.networks, Rng.fromSeed(4));
};

/** Everything a batch holds, comparable. */
function contents(b: RolloutBatch): unknown {
  return {
    tables: b.tables.map((t) => t.toMessage()),
    steps: b.steps,
    decisions: b.decisions,
    actionCounts: b.actionCounts,
    episodes: b.episodes,
  };
}

/** Through msgpack, as a checkpoint stores it. */
const throughCheckpoint = (s: CollectorSnapshot): CollectorSnapshot => unpack(pack(s));

beforeAll(async () => {
  await useBackend('wasm');
});

describe('the checkpoint encoding of rows', () => {
  it('keeps the columns rows had before RowState, in their places, and reads every state back', () => {
    const t = new TrajectoryTable('r', 1, 2, 1, 0, 0);
    const states = [RowState.Ready, RowState.AwaitingNextDecision, RowState.AwaitingCredit, RowState.AwaitingNextDecisionAndCredit, RowState.BootstrapOnly, RowState.BootstrapOnly];
    states.forEach((s, i) => {
      const row = t.push(s, 0, 0, i);
      // The last row is a truncated episode's end, which was never a decision.
      if (i < 5) t.decision[row] = 10 + i;
      t.reward[row] = i;
    });
    const m = toCheckpoint(t);
    expect(Object.keys(m.columns)).toEqual(
      ['env', 'agent', 'kind', 'time', 'obs', 'mask', 'state', 'action', 'logProb', 'temperature', 'value', 'reward', 'elapsed', 'next', 'actorHidden', 'criticHidden', 'decision', 'awaiting', 'closed'],
    );
    // kind 0 trains, 1 awaits, 2 bootstraps only; awaiting: credit may still come; closed: the agent decided again.
    expect(Array.from(m.columns.kind)).toEqual([0, 1, 1, 1, 2, 2]);
    expect(Array.from(m.columns.awaiting)).toEqual([0, 0, 1, 1, 0, 0]);
    expect(Array.from(m.columns.closed)).toEqual([1, 0, 1, 0, 1, 0]);
    const back = fromCheckpoint(unpack(pack(m)));
    expect(Array.from(back.rowState.subarray(0, back.length))).toEqual(states);
    expect(Array.from(back.reward.subarray(0, back.length))).toEqual([0, 1, 2, 3, 4, 5]);
  });

  it('refuses a row in no state', () => {
    const m = toCheckpoint(new TrajectoryTable('r', 1, 2, 1, 0, 0));
    const bad = { ...m, length: 1, columns: { ...m.columns, kind: Uint8Array.of(1), awaiting: Uint8Array.of(0), closed: Uint8Array.of(1) } };
    expect(() => fromCheckpoint(bad)).toThrow(/kind 1, awaiting 0, closed 1: no row is in that state/);
  });
});

describe('a collector restored from its snapshot', () => {
  it('continues exactly as the collector it was taken from', () => {
    const shared = networks();
    const original = new RolloutCollector([makeEnv(spec), makeEnv(spec)], shared, { baseSeed: 5 });
    for (let k = 0; k < 3; k++) original.collect(40);
    original.setLoadScale(1.5);
    original.collect(40);
    const snapshot = throughCheckpoint(original.snapshot());
    // Rows in every awaiting state were carried, so the snapshot exercises the whole encoding.
    const kinds = snapshot.copies.flatMap((c) => c.segments.flatMap((s) => Array.from(s.columns.kind)));
    expect(new Set(kinds)).toEqual(new Set([0, 1, 2]));
    expect(snapshot.copies.some((c) => c.awaiting.length > 0)).toBe(true);
    const restored = new RolloutCollector([makeEnv(spec), makeEnv(spec)], shared, { baseSeed: 5 });
    restored.restore(snapshot);
    for (const rounds of [30, 60]) expect(contents(restored.collect(rounds))).toEqual(contents(original.collect(rounds)));
    expect(throughCheckpoint(restored.snapshot())).toEqual(throughCheckpoint(original.snapshot()));
  });

  it('refuses a snapshot whose episode replays to other decisions', () => {
    const shared = networks();
    const original = new RolloutCollector([makeEnv(spec)], shared);
    original.collect(20);
    const snapshot = throughCheckpoint(original.snapshot());
    snapshot.copies[0].pending = [...snapshot.copies[0].pending, 123_456];
    expect(() => new RolloutCollector([makeEnv(spec)], shared).restore(snapshot)).toThrow(/did not reach the same decisions/);
  });

  it('continues exactly over two threads, the load scale set in the worker too', async () => {
    // Short episodes, so that some start at each load scale.
    const game: EnvSpec = { kind: 'world', world: { name: 'coordination-game' }, options: { agents: 2, actions: 3, steps: 7 } };
    const env = makeEnv(game);
    const shared = new NetworkMap(env.agents, env.stateSize, scenario.agents.networks, Rng.fromSeed(4));
    const one = await ParallelCollector.start(shared, { envSpec: game, copies: 3, threads: 1, baseSeed: 2 });
    const two = await ParallelCollector.start(shared, { envSpec: game, copies: 3, threads: 2, baseSeed: 2 });
    try {
      await one.setLoadScale(1.5);
      await one.collect(50);
      // Taken with one thread, restored into two: the worker's copy replays its episode, at the load it started with.
      await two.restore(throughCheckpoint(await one.snapshot()));
      await one.setLoadScale(0.75);
      await two.setLoadScale(0.75);
      for (const rounds of [10, 25]) expect(contents(await two.collect(rounds))).toEqual(contents(await one.collect(rounds)));
      // Every copy, the worker's included, started its current episode at the new load.
      expect((await two.snapshot()).copies.map((c) => c.loadScale)).toEqual([0.75, 0.75, 0.75]);
    } finally {
      await one.close();
      await two.close();
    }
  }, 60_000);
});
