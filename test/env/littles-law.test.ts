import { describe, expect, it } from 'vitest';
import { produce } from 'immer';
import { ServingSimulation } from '../../src/env/serving-simulation.js';
import { loadScenario } from '../../src/scenario/load.js';

describe("Little's law on the LLM replica model", () => {
  // With draining, every request arrives and leaves inside [0, T], so the area under
  // each replica's outstanding-requests curve equals the sum of the sojourn times of
  // its requests: L = lambda * W holds exactly, not just on average. It checks that
  // queueing, admission, preemption and completion keep the books consistently.
  const base = produce(loadScenario('scenarios/default.json'), (s) => void (s.agents.scheduler.policy = 'lor'));
  for (const batching of ['vllm', 'sarathi'] as const) {
    it(`holds per replica with ${batching} batching`, () => {
      const scenario = produce(base, (s) => {
        s.horizon = 120;
        for (const type of Object.values(s.cluster.replicaTypes)) {
          if (type.model !== 'llm') continue;
          type.batching = batching === 'vllm' ? { kind: 'vllm', maxBatchSize: 64, maxBatchTokens: 4096 } : { kind: 'sarathi', maxBatchSize: 64, chunkSize: 512 };
        }
      });
      const report = new ServingSimulation(scenario).run();
      expect(report.requests.completed).toBe(report.requests.arrived);
      for (const r of report.replicas) {
        const L = r.outstandingMean;
        const lambdaW = r.requestsPerSec * r.e2e.mean;
        expect(L).toBeGreaterThan(0.5); // the replicas are genuinely loaded
        expect(Math.abs(L / lambdaW - 1)).toBeLessThan(1e-9);
      }
    });
  }
});
