import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { produce } from 'immer';
import { beforeAll, describe, expect, it } from 'vitest';
import { useBackend } from '../../src/agents/backend.js';
import { seedRange } from '../../src/evaluation/compare-policies.js';
import { recordDemonstrations } from '../../src/evaluation/heuristic-episodes.js';
import { DEMO_SEED_BASE } from '../../src/env/seeds.js';
import { readRollout } from '../../src/recording/rollout-reader.js';
import type { DecisionRecord } from '../../src/recording/rollout-records.js';
import { loadScenario } from '../../src/scenario/load.js';
import { runCloning } from '../../src/training/cloning-run.js';
import { openTrainedRun } from '../../src/training/load-run.js';

beforeAll(async () => {
  await useBackend('cpu');
});

// route-and-budget, where a scheduler and replica agents learn together, shortened to 60 s episodes.
const scenario = produce(loadScenario('scenarios/route-and-budget.json'), (s) => {
  s.horizon = 60;
});

describe('a warm start where schedulers and replica agents both learn', () => {
  it('demonstrates every learned role and clones each: the scheduler its router, the replica agents their type’s own budget', async () => {
    const base = mkdtempSync(join(tmpdir(), 'mappo-every-role-'));
    const demos = join(base, 'demos.msgpack');
    recordDemonstrations(scenario, ['least-work'], seedRange(DEMO_SEED_BASE, 3), demos);
    const file = readRollout(demos);
    const agents = file.runs[0].header.agents.map((a) => a.id);
    const decisions = file.runs.flatMap((r) => r.records.filter((x): x is DecisionRecord => x.type === 'decision'));
    const ofRole = (role: string): DecisionRecord[] => decisions.filter((d) => agents[d.agent].startsWith(`${role}/`));
    const budgetOf512 = scenario.agents.replica.tokenBudgets.indexOf(512);
    // The replicas' demonstrated budget is their type's own chunk (512 for both types here), at every decision.
    expect(ofRole('replica').length).toBeGreaterThan(100);
    expect(ofRole('replica').every((d) => d.action === budgetOf512)).toBe(true);
    expect(new Set(ofRole('scheduler').map((d) => d.action))).toEqual(new Set([0, 1]));

    const cloneDir = join(base, 'clone');
    await runCloning({ scenario, demos, runDir: cloneDir, epochs: 40, batchSize: 256, lr: 3e-3, validationSplit: 0.2, labelSmoothing: 0 });
    const clone = await openTrainedRun(cloneDir);
    try {
      const greedy = (records: DecisionRecord[], agent: number): Int32Array => {
        const actor = clone.networks.actorFor(agent);
        const obs = new Float32Array(records.length * actor.obsSize);
        const mask = new Uint8Array(records.length * actor.actionCount);
        records.forEach((d, i) => {
          obs.set(d.obs, i * actor.obsSize);
          mask.set(d.mask, i * actor.actionCount);
        });
        return actor.actGreedy(obs, mask, records.length).actions;
      };
      const replicaAgent = agents.findIndex((id) => id.startsWith('replica/'));
      const schedulerAgent = agents.indexOf('scheduler/0');
      expect(Array.from(greedy(ofRole('replica'), replicaAgent)).every((a) => a === budgetOf512)).toBe(true);
      const routes = ofRole('scheduler');
      const agreement = Array.from(greedy(routes, schedulerAgent)).filter((a, i) => a === routes[i].action).length / routes.length;
      // Well above the agreement of always choosing the replica least-work chose most often.
      const majority = Math.max(...[0, 1].map((a) => routes.filter((d) => d.action === a).length)) / routes.length;
      expect(agreement).toBeGreaterThan(majority + 0.2);
    } finally {
      clone.networks.dispose();
    }
  });
});
