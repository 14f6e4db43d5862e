import { produce } from 'immer';
import { describe, expect, it } from 'vitest';
import type { Replica } from '../../src/env/cluster/replica.js';
import { Request } from '../../src/env/cluster/request.js';
import { REPLICA_FEATURES, replicaSpeeds, writeClusterView } from '../../src/env/observations/replica-features.js';
import { logScale } from '../../src/env/observations/scale.js';
import { Telemetry } from '../../src/env/observations/telemetry.js';
import { expectedRemainingOutput, OutstandingWork } from '../../src/env/routing/outstanding-work.js';
import { expectedDelay } from '../../src/env/routing/shortest-expected-delay.js';
import { ServingSimulation } from '../../src/env/serving-simulation.js';
import { loadScenario } from '../../src/scenario/load.js';

const scenario = produce(loadScenario('scenarios/default.json'), (s) => {
  s.agents.scheduler.policy = 'sed';
  s.maxRequests = 60;
});
const means = { promptTokens: 1000, outputTokens: 124.8 };

/** The default cluster a few seconds into a run, its replicas holding requests at every stage, and a writer of its view. */
function clusterAt(seconds: number): { sim: ServingSimulation; view: () => Float32Array } {
  const sim = new ServingSimulation(scenario);
  const loop = sim.loop;
  const replicas = sim.cluster.replicas;
  const telemetry = new Telemetry(loop, 1, replicas.length);
  const capacity = sim.capacity;
  loop.run(seconds);
  const work = new OutstandingWork(expectedRemainingOutput(means.outputTokens));
  const speeds = replicaSpeeds(scenario.cluster);
  return {
    sim,
    view: () => {
      const out = new Float32Array(replicas.length * REPLICA_FEATURES);
      writeClusterView(out, replicas, speeds, telemetry.recentLatency, capacity, work, expectedDelay(means));
      return out;
    },
  };
}

describe("the scheduler's view of a replica", () => {
  it('does not depend on output lengths nobody knows yet: changing them leaves every feature as it was', () => {
    const { sim, view } = clusterAt(3);
    const before = view();
    let held = 0;
    for (const r of sim.cluster.replicas) {
      r.forEachOutstanding((q: Request) => {
        // A longer true output, all the generated tokens kept: only an oracle could tell.
        (q as { outputTokens: number }).outputTokens = q.outputTokens + 300;
        held++;
      });
    }
    expect(held).toBeGreaterThan(10);
    expect(Array.from(view())).toEqual(Array.from(before));
    // Nor are they the true counts, which a replica keeps for metrics and oracles (outstandingTokens includes whole outputs).
    const truth = sim.cluster.replicas.map((r) => logScale(r.outstandingTokens, 1000));
    expect(truth.some((t, i) => Math.abs(t - before[i * REPLICA_FEATURES + 2]) > 1e-3)).toBe(true);
  });

  it('counts prefill exactly and output as estimated, prices it, and gives SED its figure', () => {
    const { sim, view } = clusterAt(3);
    const out = view();
    sim.cluster.replicas.forEach((r: Replica, i: number) => {
      let prefill = 0;
      let decode = 0;
      let n = 0;
      r.forEachOutstanding((q) => {
        prefill += q.prefillTarget - q.prefilled;
        decode += Math.max(means.outputTokens - q.generated, 1);
        n++;
      });
      const seconds = prefill * r.pricing.prefillToken + decode * r.pricing.decodeToken;
      const typical = means.promptTokens * r.pricing.prefillToken + means.outputTokens * r.pricing.decodeToken;
      const f = out.subarray(i * REPLICA_FEATURES, (i + 1) * REPLICA_FEATURES);
      expect(f[0]).toBeCloseTo(logScale(n, 1), 6);
      expect(f[2]).toBeCloseTo(logScale(prefill + decode, 1000), 6);
      expect(f[7]).toBeCloseTo(logScale(seconds, 1), 6);
      expect(f[9]).toBeCloseTo(logScale((n + 1) * typical, 1), 6);
      // Fast replicas come first in the default scenario: a third of the speed, three times the delay per request.
      expect(f[4]).toBeCloseTo(i < 2 ? 1 : 1 / 3, 6);
    });
  });
});
