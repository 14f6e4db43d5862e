import { produce } from 'immer';
import { beforeAll, describe, expect, it } from 'vitest';
import { useBackend } from '../../src/agents/backend.js';
import { NetworkMap } from '../../src/agents/network-map.js';
import { ClusterEnv } from '../../src/env/cluster-env.js';
import { makeEnv, type EnvSpec } from '../../src/env/env-spec.js';
import { Rng } from '../../src/env/rng.js';
import { runEpisodes } from '../../src/evaluation/run-episodes.js';
import { EpisodeRecorder } from '../../src/recording/episode-recorder.js';
import type { DecisionRecord, RolloutRecord } from '../../src/recording/rollout-records.js';
import { loadScenario } from '../../src/scenario/load.js';
import { networksSchema } from '../../src/scenario/networks-schema.js';

const spread: EnvSpec = { kind: 'world', world: { name: 'simple-spread' }, options: { agents: 3, maxCycles: 9 } };

function networksFor(spec: EnvSpec, gru = 0): NetworkMap {
  const env = makeEnv(spec);
  return new NetworkMap(env.agents, env.stateSize, networksSchema.parse({ actor: { hidden: [8], gru }, critic: { hidden: [8] } }), Rng.fromSeed(3));
}

beforeAll(async () => {
  await useBackend('wasm');
});

describe('runEpisodes', () => {
  for (const gru of [0, 4]) {
    it(`gives each seed the same episode however many run beside it, and in any order (${gru > 0 ? 'recurrent' : 'feed-forward'} actor)`, () => {
      const networks = networksFor(spread, gru);
      const seeds = [11, 12, 13, 14, 15];
      /** The outcomes, and each seed's log-probabilities in decision order (they show any change in the actor's input or state). */
      const play = (order: number[], copies: number): [unknown[], Record<number, number[]>] => {
        const seedOf = new Map<number, number>();
        const logProbs: Record<number, number[]> = {};
        const recorder = new EpisodeRecorder({
          append: (r) => {
            if (r.type === 'episode') seedOf.set(r.env, r.seed);
            if (r.type === 'decision') (logProbs[seedOf.get(r.env) as number] ??= []).push(r.logProb);
          },
        });
        const outcomes = runEpisodes(spread, networks, order, { copies, recorder });
        return [seeds.map((seed) => outcomes[order.indexOf(seed)]), logProbs];
      };
      const alone = play(seeds, 1);
      expect(play(seeds, 3)).toEqual(alone);
      expect(play([...seeds].reverse(), 2)).toEqual(alone);
      // Sampling differs between seeds, so the comparison above is not between equal episodes.
      expect(new Set(Object.values(alone[1]).map((lp) => lp[0])).size).toBe(seeds.length);
      networks.dispose();
    });
  }

  it('counts every reward paid, per agent and in all: at decisions, as late credit, and at the end', () => {
    const scenario = produce(loadScenario('scenarios/default.json'), (s) => {
      s.horizon = 0.5;
    });
    const spec: EnvSpec = { kind: 'cluster', scenario };
    const [outcome] = runEpisodes(spec, { heuristics: ['sed'] }, [4]);
    // The same episode played by hand.
    const env = makeEnv(spec) as ClusterEnv;
    const byAgent = env.agents.map(() => 0);
    let credits = 0;
    let out = env.reset(4);
    while (out.ended === null) {
      for (const d of out.decisions) byAgent[d.agent] += d.reward;
      out = env.step(env.heuristicActions('sed'));
      for (const c of out.credits) byAgent[c.agent] += c.reward;
      credits += out.credits.length;
    }
    for (const f of out.final) byAgent[f.agent] += f.reward;
    expect(credits).toBeGreaterThan(0);
    expect(outcome.rewardByAgent).toEqual(byAgent);
    expect(outcome.reward).toBe(byAgent.reduce((a, b) => a + b, 0));
    expect(outcome.ended).toBe(out.ended);
  });

  it('records sampled decisions with their log-probabilities, greedy ones without, both with the critic’s values', () => {
    const networks = networksFor(spread);
    for (const greedy of [false, true]) {
      const records: RolloutRecord[] = [];
      const ended: number[] = [];
      runEpisodes(spread, networks, [1, 2], { greedy, copies: 2, recorder: new EpisodeRecorder({ append: (r) => records.push(r) }), onEpisodeEnd: (_env, o) => ended.push(o.seed) });
      const decisions = records.filter((r): r is DecisionRecord => r.type === 'decision');
      expect(decisions.length).toBe(2 * 9 * 3);
      expect(decisions.every((d) => Number.isNaN(d.logProb) === greedy)).toBe(true);
      expect(decisions.every((d) => Number.isFinite(d.value))).toBe(true);
      expect(records.filter((r) => r.type === 'end')).toHaveLength(2);
      expect(ended.sort()).toEqual([1, 2]);
    }
    networks.dispose();
  });

  it('plays heuristics only where they exist, in cluster environments', () => {
    expect(() => runEpisodes(spread, { heuristics: ['sed'] }, [1])).toThrow(/only in cluster environments/);
    expect(() => runEpisodes(spread, { heuristics: [] }, [1])).toThrow(/no heuristic given/);
  });
});
