import { produce } from 'immer';
import { describe, expect, it } from 'vitest';
import { ClusterEnv } from '../../src/env/cluster-env.js';
import type { MultiAgentEnv, StepOutcome } from '../../src/env/multi-agent/contract.js';
import { Rng } from '../../src/env/rng.js';
import { ServingSimulation } from '../../src/env/serving-simulation.js';
import { loadScenario } from '../../src/scenario/load.js';
import type { Scenario } from '../../src/scenario/scenario-schema.js';

const base = produce(loadScenario('scenarios/default.json'), (s) => {
  s.horizon = 40;
  s.agents.scheduler.policy = 'learned';
  // These tests check the ledger with the simplest term: -e2e per request, paid when it completes.
  s.reward.terms = [{ kind: 'latency', weight: 1 }];
});

/** Plays one episode with uniformly random allowed actions; returns what the agents were handed. */
function playRandom(env: MultiAgentEnv, seed: number, actionSeed = 1) {
  const rng = Rng.fromSeed(actionSeed);
  const reward = new Float64Array(env.agents.length);
  const elapsed = new Float64Array(env.agents.length);
  const trace: string[] = [];
  let out: StepOutcome = env.reset(seed);
  let decisions = 0;
  while (out.ended === null) {
    const actions = out.decisions.map((d) => {
      reward[d.agent] += d.reward;
      elapsed[d.agent] += d.elapsed;
      decisions++;
      const allowed = [...d.mask.keys()].filter((a) => d.mask[a] === 1);
      const a = allowed[rng.int(allowed.length)];
      trace.push(`${d.agent}@${d.time.toFixed(6)}:${a}:${d.obs.slice(0, 3).join('/')}`);
      return a;
    });
    out = env.step(actions);
  }
  for (const f of out.final) {
    reward[f.agent] += f.reward;
    elapsed[f.agent] += f.elapsed;
  }
  return { reward, elapsed, decisions, ended: out.ended, trace };
}

describe('ClusterEnv contract', () => {
  it('exposes only learned agents, with fixed observation, action and state sizes', () => {
    const env = new ClusterEnv(produce(base, (s) => void (s.agents.replica.policy = 'learned')));
    expect(env.agents.map((a) => a.id)).toEqual(['scheduler/0', 'replica/r0', 'replica/r1', 'replica/r2', 'replica/r3']);
    expect(env.agents[0]).toMatchObject({ role: 'scheduler', obsSize: 4 * 10 + 2, actionCount: 4 });
    expect(env.agents[1]).toMatchObject({ role: 'replica', obsSize: 8, actionCount: 4 });
    const out = env.reset(1);
    for (const d of out.decisions) {
      expect(d.obs).toHaveLength(env.agents[d.agent].obsSize);
      expect(d.state).toHaveLength(env.stateSize);
      expect([...d.obs].every(Number.isFinite)).toBe(true);
    }
  });

  for (const replicas of ['fixed', 'learned'] as const) {
    it(`rewards and elapsed times handed to agents add up to the simulator's totals (replica agents ${replicas})`, () => {
      const env = new ClusterEnv(produce(base, (s) => void (s.agents.replica.policy = replicas)));
      const { reward, elapsed, ended } = playRandom(env, 3);
      const report = env.simulation.report();
      // The latency term credits -e2e to the routing scheduler and to the serving replica's agent.
      const totalE2e = report.replicas.reduce((sum, r) => sum + r.e2e.mean * Math.round(r.requestsPerSec * report.sim.simSeconds), 0);
      expect(reward[0]).toBeCloseTo(-totalE2e, 6);
      if (replicas === 'learned') {
        const replicaTotal = reward.slice(1).reduce((a, b) => a + b, 0);
        expect(replicaTotal).toBeCloseTo(-totalE2e, 6);
        report.replicas.forEach((r, i) => {
          const served = Math.round(r.requestsPerSec * report.sim.simSeconds);
          expect(reward[1 + i]).toBeCloseTo(-r.e2e.mean * served, 6);
        });
      }
      for (const e of elapsed) expect(e).toBeCloseTo(report.sim.simSeconds, 9);
      expect(ended).toBe('done');
    });
  }

  it('ends truncated at the horizon when the scenario does not drain', () => {
    const env = new ClusterEnv(produce(base, (s) => void (s.drain = false)));
    const { ended, elapsed } = playRandom(env, 2);
    expect(ended).toBe('truncated');
    expect(elapsed[0]).toBeCloseTo(40, 9);
  });

  it('is deterministic for a seed and differs across seeds', () => {
    const env = new ClusterEnv(base);
    const a = playRandom(env, 5).trace;
    const b = playRandom(env, 5).trace;
    const c = playRandom(env, 6).trace;
    expect(a).toEqual(b);
    expect(a).not.toEqual(c);
  });

  it('a heuristic agent behind the interface routes exactly as the heuristic inside the simulation', () => {
    for (const name of ['lor', 'p2c', 'round-robin'] as const) {
      const env = new ClusterEnv(base);
      let out = env.reset(4);
      while (out.ended === null) out = env.step(env.heuristicActions(name));
      const viaEnv = env.simulation.report();
      const inSim = new ServingSimulation(produce(base, (s) => {
        s.seed = 4;
        s.agents.scheduler.policy = name;
      })).run();
      expect(viaEnv.latency).toEqual(inSim.latency);
      expect(viaEnv.requests).toEqual(inSim.requests);
    }
  });

  it('mixes learned and heuristic schedulers, crediting each agent only for its own requests', () => {
    const scenario: Scenario = produce(base, (s) => {
      s.workload.frontends = 2;
      s.agents.scheduler.policy = ['learned', 'jsq'];
    });
    const env = new ClusterEnv(scenario);
    expect(env.agents.map((a) => a.id)).toEqual(['scheduler/0']);
    const { reward, decisions } = playRandom(env, 8);
    const report = env.simulation.report();
    expect(decisions).toBeGreaterThan(0);
    expect(decisions).toBeLessThan(report.requests.arrived); // front-end 1's requests never surface
    expect(reward[0]).toBeLessThan(0);
  });

  it('a replica agent chooses each batch token budget, which changes how the replica serves', () => {
    const run = (budgetAction: number): { iterations: number; ttftP99: number } => {
      const env = new ClusterEnv(produce(base, (s) => {
        s.agents.scheduler.policy = 'lor';
        s.agents.replica.policy = 'learned';
        s.agents.replica.tokenBudgets = [64, 8192];
      }));
      let out = env.reset(1);
      while (out.ended === null) out = env.step(out.decisions.map(() => budgetAction));
      const report = env.simulation.report();
      return { iterations: report.sim.events - report.requests.arrived, ttftP99: report.latency.ttft.p99 };
    };
    // A 64-token prefill budget admits one prompt per iteration (prompts are longer
    // than 64 tokens), so the same work takes more, smaller iterations.
    const small = run(0);
    const large = run(1);
    expect(small.iterations).toBeGreaterThan(large.iterations);
    expect(Math.abs(small.ttftP99 / large.ttftP99 - 1)).toBeGreaterThan(0.1);
  });

  it('replica agents on a timer decide every decideEvery seconds until the horizon', () => {
    const env = new ClusterEnv(produce(base, (s) => {
      s.agents.scheduler.policy = 'lor';
      s.agents.replica.policy = 'learned';
      s.agents.replica.decideEvery = 5;
    }));
    const times: number[] = [];
    let out = env.reset(1);
    while (out.ended === null) {
      for (const d of out.decisions) if (d.agent === 0) times.push(d.time);
      out = env.step(out.decisions.map(() => 1));
    }
    expect(times).toEqual([0, 5, 10, 15, 20, 25, 30, 35, 40]);
  });

  it('each replica agent on a timer is asked about its own replica, also when agent and replica numbers differ', () => {
    const env = new ClusterEnv(produce(base, (s) => {
      s.agents.scheduler.policy = 'learned';
      s.agents.replica.policy = 'learned';
      s.agents.replica.decideEvery = 10;
      s.horizon = 20;
      s.drain = false;
    }));
    expect(env.agents.map((a) => a.id)).toEqual(['scheduler/0', 'replica/r0', 'replica/r1', 'replica/r2', 'replica/r3']);
    const asked = new Map<string, number[]>();
    let out = env.reset(1);
    while (out.ended === null) {
      for (const d of out.decisions) {
        const id = env.agents[d.agent].id;
        if (id.startsWith('replica/')) asked.set(id, [...(asked.get(id) ?? []), d.time]);
      }
      // Schedulers route to replica 0; replica agents pick a budget by their own replica's number.
      out = env.step(out.decisions.map((d) => (d.agent === 0 ? 0 : d.agent - 1)));
    }
    for (let r = 0; r < 4; r++) expect(asked.get(`replica/r${r}`)).toEqual([0, 10, 20]);
    // Each replica runs with the budget its own agent chose: r0 the first, r3 the last.
    expect([0, 1, 2, 3].map((r) => env.simulation.cluster.llmReplica(r).tokenBudget)).toEqual(base.agents.replica.tokenBudgets);
  });

  it('rejects an action outside the action space', () => {
    const env = new ClusterEnv(base);
    env.reset(1);
    expect(() => env.step([7])).toThrow(/outside its 4 actions/);
    expect(() => env.step([0, 1])).toThrow(/expects 1 actions/);
    expect(env.step([2]).ended).toBe(null); // the failed calls left the episode intact
  });
});
