import { produce } from 'immer';
import { describe, expect, it } from 'vitest';
import { Capacity } from '../../src/env/cluster/capacity.js';
import type { Replica } from '../../src/env/cluster/replica.js';
import { EventLoop } from '../../src/env/core/event-loop.js';
import { EventKind } from '../../src/env/core/sim-event.js';
import { ClusterEnv } from '../../src/env/cluster-env.js';
import { ServingSimulation } from '../../src/env/serving-simulation.js';
import { loadScenario } from '../../src/scenario/load.js';

function pool(costs = [1, 2, 4]) {
  const loop = new EventLoop();
  const replicas = costs.map((_, index) => ({ index, outstandingRequests: 0, accepting: true }) as unknown as Replica);
  const capacity = new Capacity(loop, replicas, costs, 1, 5, 1);
  const notes: string[] = [];
  loop.on(EventKind.ReplicaLaunched).subscribe((e) => notes.push(`launched r${e.target} at ${e.time}`));
  loop.on(EventKind.ReplicaStopped).subscribe((e) => notes.push(`stopped r${e.target} at ${e.time}`));
  return { loop, replicas, capacity, notes };
}

describe('capacity: launching, start-up, draining, cost', () => {
  it('a launched replica accepts requests only after its start-up delay, and costs from its launch', () => {
    const { loop, replicas, capacity, notes } = pool();
    expect(replicas.map((r) => r.accepting)).toEqual([true, false, false]);
    loop.now = 2;
    expect(capacity.launch()).toBe(1);
    expect(capacity.state[1]).toBe('starting');
    expect(replicas[1].accepting).toBe(false);
    loop.run(6.9);
    expect(replicas[1].accepting).toBe(false);
    loop.run(7);
    expect([capacity.state[1], replicas[1].accepting]).toEqual(['active', true]);
    // Cost: r0 (1/s) for 7 s, r1 (2/s) from 2 to 7 s.
    expect(capacity.totalCost()).toBeCloseTo(7 + 2 * 5, 9);
    expect(notes).toEqual(['launched r1 at 2']);
  });

  it('retiring drains: no new requests, stopped (and free) once the last one completes; never below the minimum', () => {
    const { loop, replicas, capacity, notes } = pool();
    capacity.launch();
    loop.run(5);
    (replicas[1] as { outstandingRequests: number }).outstandingRequests = 2;
    expect(capacity.retire()).toBe(1);
    expect([capacity.state[1], replicas[1].accepting]).toEqual(['draining', false]);
    expect(capacity.canRetire()).toBe(false); // one active left, the minimum
    expect(capacity.retire()).toBe(-1);
    (replicas[1] as { outstandingRequests: number }).outstandingRequests = 0;
    loop.scheduleAt(8, EventKind.RequestCompleted, 1, null);
    loop.run();
    expect(capacity.state[1]).toBe('stopped');
    expect(notes).toEqual(['launched r1 at 0', 'stopped r1 at 8']);
    loop.now = 10;
    expect(capacity.totalCost()).toBeCloseTo(10 * 1 + 8 * 2, 9);
    expect(capacity.costPerSecond).toBe(1);
  });
});

describe('the threshold autoscaler on the autoscaling scenario', () => {
  it('launches replicas under load, retires them when it falls, and the report shows cost and replicas', () => {
    const scenario = produce(loadScenario('scenarios/autoscale-npv.json'), (s) => {
      s.agents.scheduler.policy = 'lor';
      s.agents.autoscaler.policy = 'threshold';
    });
    const sim = new ServingSimulation(scenario);
    const launched: number[] = [];
    sim.loop.on(EventKind.ReplicaLaunched).subscribe((e) => launched.push(e.time));
    const report = sim.run();
    expect(launched.length).toBeGreaterThan(0);
    expect(report.cost.total).toBeGreaterThan(0);
    expect(report.cost.meanRunningReplicas).toBeGreaterThan(scenario.cluster.replicas.reduce((n, g) => n + g.count, 0));
    expect(report.requests.completed).toBe(report.requests.arrived);
  });
});

describe('periodic checks end with the work', () => {
  const capped = (autoscaler: 'threshold' | 'learned') =>
    produce(loadScenario('scenarios/autoscale-npv.json'), (s) => {
      s.agents.scheduler.policy = 'lor';
      s.agents.autoscaler.policy = autoscaler;
      s.maxRequests = 150;
    });

  it('a request cap ends a threshold-autoscaled run when its last request is served, not at the horizon', () => {
    const scenario = capped('threshold');
    const sim = new ServingSimulation(scenario);
    let lastCompletion = 0;
    sim.loop.on(EventKind.RequestCompleted).subscribe((e) => (lastCompletion = e.time));
    const report = sim.run();
    expect(report.requests.completed).toBe(150);
    // At most one tick (30 s) after the last completion, far from the 2,700 s horizon.
    expect(report.sim.simSeconds).toBeLessThanOrEqual(lastCompletion + scenario.agents.autoscaler.interval);
    expect(report.throughput.requestsPerSec).toBeCloseTo(150 / report.sim.simSeconds, 9);
  });

  it('a learned autoscaler stops being asked once the capped requests are served, so the episode ends done', () => {
    const env = new ClusterEnv(capped('learned'));
    let out = env.reset(1);
    let asked = 0;
    while (out.ended === null) {
      asked += out.decisions.length;
      out = env.step(out.decisions.map((d) => d.mask.indexOf(1)));
    }
    expect(out.ended).toBe('done');
    expect(asked).toBeGreaterThan(0);
    expect(asked).toBeLessThan(10); // one tick per 30 s of a run that lasts about a minute, not 90 ticks to the horizon
  });
});
