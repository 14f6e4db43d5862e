import { produce } from 'immer';
import { beforeAll, describe, expect, it } from 'vitest';
import { useBackend } from '../../src/agents/backend.js';
import { NetworkMap } from '../../src/agents/network-map.js';
import { ClusterEnv } from '../../src/env/cluster-env.js';
import { EventKind } from '../../src/env/core/sim-event.js';
import { ServingSimulation } from '../../src/env/serving-simulation.js';
import { Rng } from '../../src/env/rng.js';
import type { RolloutBatch } from '../../src/rollout/rollout-batch.js';
import { RolloutCollector } from '../../src/rollout/rollout-collector.js';
import { RowState } from '../../src/rollout/row-state.js';
import { loadScenario } from '../../src/scenario/load.js';
import type { Scenario } from '../../src/scenario/scenario-schema.js';

/** The autoscaling scenario, shortened to the trace's first minute. */
function scenario(autoscaler: 'learned' | 'threshold'): Scenario {
  return produce(loadScenario('scenarios/autoscale-npv.json'), (s) => {
    s.horizon = 60;
    s.agents.scheduler.policy = 'learned';
    s.agents.autoscaler.policy = autoscaler;
    s.agents.autoscaler.interval = 10;
    if (s.cluster.autoscaling) s.cluster.autoscaling.startupDelay = 5;
  });
}

beforeAll(async () => {
  await useBackend('cpu');
});

describe('late credit through the environment', () => {
  it('every awaited decision gets exactly one final credit, and nothing else is credited late', () => {
    const env = new ClusterEnv(scenario('learned'));
    const rng = Rng.fromSeed(1);
    const awaited = new Set<number>();
    const finals = new Map<number, number>();
    let out = env.reset(3);
    let launches = 0;
    const check = () => {
      for (const c of out.credits) {
        expect(awaited.has(c.decision)).toBe(true);
        if (c.final) finals.set(c.decision, (finals.get(c.decision) ?? 0) + 1);
      }
    };
    while (out.ended === null) {
      check();
      const actions = out.decisions.map((d) => {
        if (d.awaitsCredit) awaited.add(d.id);
        const allowed = [...d.mask.keys()].filter((a) => d.mask[a] === 1);
        const a = allowed[rng.int(allowed.length)];
        if (env.agents[d.agent].role === 'autoscaler' && a === 2) launches++;
        return a;
      });
      out = env.step(actions);
    }
    check();
    expect(awaited.size).toBeGreaterThan(100);
    expect(launches).toBeGreaterThan(0);
    expect([...awaited].every((d) => finals.get(d) === 1)).toBe(true);
  });

  it('with one learned agent, everything the reward paid reaches that agent exactly once', () => {
    const env = new ClusterEnv(scenario('threshold'));
    const rng = Rng.fromSeed(2);
    let handed = 0;
    let out = env.reset(4);
    while (out.ended === null) {
      handed += out.decisions.reduce((s, d) => s + d.reward, 0) + out.credits.reduce((s, c) => s + c.reward, 0);
      out = env.step(out.decisions.map((d) => [...d.mask.keys()].filter((a) => d.mask[a] === 1)[rng.int(4) % d.mask.reduce((a, b) => a + b, 0)]));
    }
    handed += out.credits.reduce((s, c) => s + c.reward, 0) + out.final.reduce((s, f) => s + f.reward, 0);
    expect(handed).toBeCloseTo(env.simulation.rewards.composed.total, 6);
  });
});

describe('the NPV a run reports', () => {
  it('counts every cash flow once, whoever launched the replica that served it', () => {
    const sim = new ServingSimulation(
      produce(scenario('threshold'), (s) => {
        s.horizon = 120;
        s.agents.scheduler.policy = 'lor';
        s.agents.autoscaler.policy = 'none';
      }),
    );
    // Two replicas launched at the start by (made-up) learned decisions 7 and 8: they serve half the run's requests.
    sim.capacity.launch(7);
    sim.capacity.launch(8);
    // The world's flows, counted here from the requests themselves: value 1 on time (15 s), 1 - 2 late, discounted at 0.001/s from dispatch.
    let revenue = 0;
    let onLaunched = 0;
    sim.loop.on(EventKind.RequestCompleted).subscribe((ev) => {
      const r = ev.request!;
      const cash = r.completionTime - r.arrivalTime <= 15 ? 1 : -1;
      revenue += cash * Math.exp(-0.001 * (r.completionTime - r.dispatchTime));
      if (sim.capacity.launchDecision(r.replica) >= 0) onLaunched++;
    });
    const report = sim.run();
    expect(onLaunched).toBeGreaterThan(report.requests.completed / 4);
    expect(report.reward.terms.npv.total).toBeCloseTo(revenue - report.cost.total, 6);
  });
});

describe('late credit in the rollout', () => {
  it('a decision trains only once its credit is final; over an episode the training rewards add up to what was paid', () => {
    const env = new ClusterEnv(scenario('threshold'));
    const networks = new NetworkMap(env.agents, env.stateSize, loadScenario('scenarios/default.json').agents.networks, Rng.fromSeed(1));
    const collector = new RolloutCollector([env], networks, { baseSeed: 7 });
    let trained = 0;
    let episode: RolloutBatch['episodes'][number] | undefined;
    let sawWaiting = false;
    for (let k = 0; k < 10_000 && episode === undefined; k++) {
      const batch = collector.collect(1);
      for (const t of batch.tables) {
        for (let i = 0; i < t.length; i++) {
          if (t.rowState[i] === RowState.Ready) trained += t.reward[i];
          if (t.rowState[i] === RowState.AwaitingCredit) sawWaiting = true;
        }
      }
      episode = batch.episodes[0];
    }
    expect(episode).toBeDefined();
    expect(sawWaiting).toBe(true); // some decisions were complete but still waiting for their request
    expect(trained).toBeCloseTo((episode as { reward: number }).reward, 4);
    networks.dispose();
  });
});
