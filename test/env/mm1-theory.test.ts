import { describe, expect, it } from 'vitest';
import { produce } from 'immer';
import { ServingSimulation } from '../../src/env/serving-simulation.js';
import { loadScenario } from '../../src/scenario/load.js';
import { applyOverrides } from '../../src/scenario/overrides.js';

describe('queueing-mm1 against M/M/1 theory', () => {
  // Random routing splits Poisson(2/s) into four Poisson(0.5/s) streams, each served
  // by an exponential(1/s) FIFO server: four M/M/1 queues with rho = 0.5. The sojourn
  // time is exponential with rate mu - lambda = 0.5: mean 2 s, p99 ln(100)/0.5 s.
  const lambda = 0.5;
  const mu = 1;
  const scenario = produce(applyOverrides(loadScenario('scenarios/queueing-mm1.json'), { requests: 1_000_000 }), (s) => {
    s.horizon = 1e9; // stop by request count only
  });
  const report = new ServingSimulation(scenario).run();

  it('serves every request', () => {
    expect(report.requests.arrived).toBe(1_000_000);
    expect(report.requests.completed).toBe(1_000_000);
  });

  it.each([0, 1, 2, 3])('replica r%i: mean and p99 sojourn within 3% of 1/(mu-lambda) and ln(100)/(mu-lambda)', (i) => {
    const r = report.replicas[i];
    expect(Math.abs(r.e2e.mean / (1 / (mu - lambda)) - 1)).toBeLessThan(0.03);
    expect(Math.abs(r.e2e.p99 / (Math.log(100) / (mu - lambda)) - 1)).toBeLessThan(0.03);
  });

  it('utilization of each server is rho = lambda/mu', () => {
    for (const r of report.replicas) expect(Math.abs(r.utilization - lambda / mu)).toBeLessThan(0.01);
  });

  it("time-averaged number in system matches L = rho/(1-rho) (Little's law with theory)", () => {
    for (const r of report.replicas) expect(Math.abs(r.outstandingMean / (lambda / (mu - lambda)) - 1)).toBeLessThan(0.03);
  });
});
