import { produce } from 'immer';
import { describe, expect, it } from 'vitest';
import type { ReplicaLoad } from '../../src/env/cluster/replica-load.js';
import { ClusterEnv } from '../../src/env/cluster-env.js';
import { EventKind } from '../../src/env/core/sim-event.js';
import { REPLICA_FEATURES } from '../../src/env/observations/replica-features.js';
import { logScale } from '../../src/env/observations/scale.js';
import { expectedRemainingOutput, OutstandingWork } from '../../src/env/routing/outstanding-work.js';
import { ServingSimulation } from '../../src/env/serving-simulation.js';
import { loadScenario, revalidate } from '../../src/scenario/load.js';
import type { Scenario } from '../../src/scenario/scenario-schema.js';

/** The default cluster behind two front-ends routing with jsq, for 60 s. */
function twoFrontends(loadReportEvery: number | undefined): Scenario {
  return produce(loadScenario('scenarios/default.json'), (s) => {
    s.horizon = 60;
    s.workload.frontends = 2;
    s.workload.arrivals = { kind: 'gamma', rate: 6, cv: 2 };
    s.agents.scheduler.policy = 'jsq';
    if (loadReportEvery === undefined) delete s.cluster.loadReportEvery;
    else s.cluster.loadReportEvery = loadReportEvery;
  });
}

/** A report without its wall-clock figures, which differ between runs. */
function servingFigures(sim: ServingSimulation): unknown {
  const report = sim.run();
  return { ...report, sim: { ...report.sim, wallSeconds: 0, eventsPerSec: 0 } };
}

const work = new OutstandingWork(expectedRemainingOutput(128));
const tokens = (load: ReplicaLoad): [number, number] => {
  work.measure(load);
  return [work.prefillTokens, work.decodeTokens];
};

describe('load reports', () => {
  it('a report interval of 0 is live load: the same run as without the setting', () => {
    const live = servingFigures(new ServingSimulation(twoFrontends(undefined)));
    expect(servingFigures(new ServingSimulation(twoFrontends(0)))).toEqual(live);
    // And a stale view is a different run, so the comparison above could fail.
    expect(servingFigures(new ServingSimulation(twoFrontends(5)))).not.toEqual(live);
  });

  it('at the instant of a report, every front-end sees each replica as it is', () => {
    const sim = new ServingSimulation(twoFrontends(2));
    let reports = 0;
    sim.loop.on(EventKind.LoadReport).subscribe(() => {
      reports++;
      for (let f = 0; f < 2; f++) {
        sim.views.of(f).forEach((seen, i) => {
          const replica = sim.cluster.replicas[i];
          expect(seen.outstandingRequests).toBe(replica.outstandingRequests);
          expect(seen.queuedRequests).toBe(replica.queuedRequests);
          expect(seen.kvUsage).toBe(replica.kvUsage);
          expect(tokens(seen)).toEqual(tokens(replica));
        });
      }
    });
    sim.run();
    expect(reports).toBeGreaterThanOrEqual(29);
  });

  it('between reports, two front-ends see the same replica differently by exactly what each routed there since', () => {
    const sim = new ServingSimulation(twoFrontends(10));
    const replicas = sim.cluster.replicas.length;
    // What each front-end sent to each replica since the last report, as the test counts it.
    const sent = [new Array<number>(replicas).fill(0), new Array<number>(replicas).fill(0)];
    const prompts = [new Array<number>(replicas).fill(0), new Array<number>(replicas).fill(0)];
    sim.loop.on(EventKind.LoadReport).subscribe(() => {
      for (const f of [0, 1]) {
        sent[f].fill(0);
        prompts[f].fill(0);
      }
    });
    let checked = 0;
    let staleSeen = 0;
    sim.loop.on(EventKind.RequestDispatched).subscribe((ev) => {
      const r = ev.request!;
      sent[r.frontend][ev.target]++;
      prompts[r.frontend][ev.target] += r.promptTokens;
      const [a, b] = [sim.views.of(0), sim.views.of(1)];
      for (let i = 0; i < replicas; i++) {
        expect(a[i].outstandingRequests - b[i].outstandingRequests).toBe(sent[0][i] - sent[1][i]);
        expect(a[i].queuedRequests - b[i].queuedRequests).toBe(sent[0][i] - sent[1][i]);
        expect(a[i].kvUsage).toBe(b[i].kvUsage);
        const [prefillA, decodeA] = tokens(a[i]);
        const [prefillB, decodeB] = tokens(b[i]);
        expect(prefillA - prefillB).toBe(prompts[0][i] - prompts[1][i]);
        // Each routed request counts the mean output, 128 tokens, still to come.
        expect(decodeA - decodeB).toBeCloseTo(128 * (sent[0][i] - sent[1][i]), 6);
        if (a[i].outstandingRequests !== sim.cluster.replicas[i].outstandingRequests) staleSeen++;
      }
      checked++;
    });
    sim.run();
    expect(checked).toBeGreaterThan(500);
    // The views are not the live load (which would also pass the checks above when front-ends send alike).
    expect(staleSeen).toBeGreaterThan(checked);
  });

  it('refuses an interval that would flood the run with reports, naming the setting', () => {
    const s = produce(twoFrontends(1), (d) => {
      d.cluster.loadReportEvery = 1e-6;
    });
    expect(() => revalidate(s, 'test')).toThrow(/cluster\.loadReportEvery.*load reports/);
    const negative = produce(twoFrontends(1), (d) => {
      d.cluster.loadReportEvery = -1;
    });
    expect(() => revalidate(negative, 'test')).toThrow(/cluster\.loadReportEvery/);
  });
});

describe('learned schedulers with load reports', () => {
  it("each sees its own front-end's view and how old it is, while the critic's state holds the truth", () => {
    const env = new ClusterEnv(
      produce(twoFrontends(5), (s) => {
        s.horizon = 30;
        s.agents.scheduler.policy = 'learned';
      }),
    );
    const replicas = 4;
    expect(env.agents.map((a) => a.obsSize)).toEqual([replicas * REPLICA_FEATURES + 3, replicas * REPLICA_FEATURES + 3]);
    let out = env.reset(3);
    let decisions = 0;
    let differ = 0;
    while (out.ended === null) {
      const sim = env.simulation;
      for (const d of out.decisions) {
        const view = sim.views.of(d.agent);
        for (let i = 0; i < replicas; i++) {
          expect(d.obs[i * REPLICA_FEATURES]).toBeCloseTo(logScale(view[i].outstandingRequests, 1), 6);
          expect(d.state[i * REPLICA_FEATURES]).toBeCloseTo(logScale(sim.cluster.replicas[i].outstandingRequests, 1), 6);
          if (view[i].outstandingRequests !== sim.cluster.replicas[i].outstandingRequests) differ++;
        }
        const age = d.obs[replicas * REPLICA_FEATURES + 2];
        expect(age).toBeCloseTo((sim.loop.now % 5) / 5, 4);
        decisions++;
      }
      out = env.step(env.heuristicActions('sed'));
    }
    expect(decisions).toBeGreaterThan(200);
    expect(differ).toBeGreaterThan(decisions);
  });
});
