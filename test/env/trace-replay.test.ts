import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { ServingSimulation } from '../../src/env/serving-simulation.js';
import { EventKind } from '../../src/env/core/sim-event.js';
import { loadScenario } from '../../src/scenario/load.js';
import { applyOverrides } from '../../src/scenario/overrides.js';

const TRACE = 'data/traces/azure-llm-2023-conv.csv';

/** Request count and token totals read straight from the CSV, independently of the simulator's parser. */
function csvTotals(): { rows: number; prompt: number; output: number } {
  const lines = readFileSync(TRACE, 'utf8').trim().split('\n').slice(1);
  let prompt = 0;
  let output = 0;
  for (const line of lines) {
    const [, p, o] = line.split(',');
    prompt += Number(p);
    output += Number(o);
  }
  return { rows: lines.length, prompt, output };
}

describe('trace replay', () => {
  const expected = csvTotals();
  const scenario = loadScenario('scenarios/azure-conv-trace.json');

  it("reproduces the trace's request count and token totals", () => {
    const report = new ServingSimulation(scenario).run();
    expect(report.requests.arrived).toBe(expected.rows);
    expect(report.requests.completed).toBe(expected.rows);
    expect(report.requests.promptTokens).toBe(expected.prompt);
    expect(report.requests.generatedTokens).toBe(expected.output);
  });

  it('--time-scale multiplies the inter-arrival times', () => {
    const lastArrival = (timeScale: number): number => {
      const sim = new ServingSimulation(applyOverrides(scenario, { timeScale, requests: 2000 }));
      let last = 0;
      sim.loop.on(EventKind.Arrival).subscribe((ev) => (last = ev.time));
      sim.run();
      return last;
    };
    expect(lastArrival(0.5) / lastArrival(1)).toBeCloseTo(0.5, 12);
  });

  it('--trace replaces a synthetic workload', () => {
    const replay = applyOverrides(loadScenario('scenarios/default.json'), { trace: TRACE, requests: 500, scheduler: 'lor' });
    expect(replay.workload.arrivals.kind).toBe('trace');
    expect(replay.workload.promptTokens).toBeUndefined();
    const report = new ServingSimulation(replay).run();
    expect(report.requests.arrived).toBe(500);
  });
});
