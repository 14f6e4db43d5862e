import { describe, expect, it } from 'vitest';
import { Capacity } from '../../src/env/cluster/capacity.js';
import type { Replica } from '../../src/env/cluster/replica.js';
import { EventLoop } from '../../src/env/core/event-loop.js';
import { EventKind } from '../../src/env/core/sim-event.js';
import { RewardBridge } from '../../src/env/multi-agent/reward-bridge.js';
import { PaymentLog } from '../../src/reward/payment-log.js';
import { RewardSystem } from '../../src/reward/reward-system.js';
import { rewardSchema } from '../../src/scenario/reward-schema.js';
import { completed } from './harness.js';

/**
 * Two fake replicas, r1 stopped; agents: 0 routes (scheduler of front-end 0),
 * 1 scales. A present-value reward (rate 0.1, value 1, SLO 0.5 s, late penalty 3).
 */
function world() {
  const loop = new EventLoop();
  const replicas = [0, 1].map((index) => ({ index, outstandingRequests: 0, accepting: true, stats: { busyTime: 0 } }));
  const capacity = new Capacity(loop, replicas as unknown as Replica[], [0, 2], 1, 0, 1);
  const payments = new PaymentLog();
  const spec = rewardSchema.parse({ terms: [{ kind: 'npv', rate: 0.1, value: 1, slo: 0.5, latePenalty: 3 }], window: 1, credit: { mode: 'individual' } });
  const rewards = new RewardSystem(spec, { loop, replicas: replicas as unknown as Replica[], capacity }, payments);
  const bridge = new RewardBridge({ loop, rewards, capacity }, payments, { agentCount: 2, schedulerAgent: Int32Array.of(0), replicaAgent: Int32Array.of(-1, -1) }, spec.credit);
  return { loop, replicas, capacity, bridge };
}

describe('the reward bridge', () => {
  it('credits what the completion that empties a draining replica earns to its launch before the stop closes the launch', () => {
    const { loop, replicas, capacity, bridge } = world();
    const launch = bridge.open(1, true);
    expect(capacity.launch(launch)).toBe(1);
    const routing = bridge.open(0, true);
    const request = completed(1, { arrival: 0.1, firstToken: 0.2, completion: 0.4, output: 2, replica: 1, decision: routing });
    replicas[1].outstandingRequests = 1;
    loop.scheduleAt(0.2, EventKind.Timer, 0); // retire r1 (ready at 0): it drains
    loop.scheduleAt(0.4, EventKind.Timer, 1); // its request is done...
    loop.scheduleAt(0.4, EventKind.RequestCompleted, 1, request); // ... and completes
    let retired = -1;
    loop.on(EventKind.Timer).subscribe((ev) => {
      if (ev.target === 0) retired = capacity.retire();
      else replicas[1].outstandingRequests = 0;
    });
    loop.run(0.5);
    expect(retired).toBe(1);
    expect(capacity.state[1]).toBe('stopped');
    const round = (x: number) => Number(x.toFixed(9));
    expect(bridge.takeCredits().map((c) => [c.agent, c.decision, round(c.reward), c.final])).toEqual([
      [0, routing, round(Math.exp(-0.1 * 0.3)), false], // in time: its value, discounted from the dispatch at 0.1
      [1, launch, round(Math.exp(-0.1 * 0.4)), false], // the same cash flow earned through the replica launched at 0
      [0, routing, 0, true], // the request is done: nothing more comes to its routing
      [1, launch, round(-2 * 0.4 * Math.exp(-0.1 * 0.4)), false], // then the replica stops: its running cost since launch
      [1, launch, 0, true],
    ]);
    expect([bridge.takeReward(0), bridge.takeReward(1)]).toEqual([0, 0]); // nothing went to the agents' intervals
    expect([bridge.awaits(routing), bridge.awaits(launch)]).toEqual([false, false]);
  });

  it('decisions await credit only when a term pays decisions and they cause later flows; the episode end closes the rest', () => {
    const { bridge } = world();
    const budget = bridge.open(0, false);
    const route = bridge.open(0, true);
    expect([budget, route]).toEqual([0, 1]);
    expect([bridge.awaits(budget), bridge.awaits(route)]).toEqual([false, true]);
    bridge.close(budget); // closing one that awaits nothing adds nothing
    expect(bridge.takeCredits()).toEqual([]);
    bridge.endEpisode();
    expect(bridge.takeCredits()).toEqual([{ agent: 0, decision: route, reward: 0, final: true }]);
  });
});
