import { describe, expect, it } from 'vitest';
import { produce } from 'immer';
import type { SimulationReport } from '../../src/env/metrics/report.js';
import { ServingSimulation } from '../../src/env/serving-simulation.js';
import { loadScenario } from '../../src/scenario/load.js';
import type { Scenario } from '../../src/scenario/scenario-schema.js';

/** A digest of every event (time, kind, target, request id) and the report without wall-clock fields. */
function fingerprint(scenario: Scenario): { events: string; report: Omit<SimulationReport, 'sim'> & { events: number } } {
  const sim = new ServingSimulation(scenario);
  let h = 0x811c9dc5;
  const mix = (x: number): void => {
    h = Math.imul(h ^ (x | 0), 0x01000193);
    h = Math.imul(h ^ ((x * 1e6) % 2147483647 | 0), 0x01000193);
  };
  let count = 0;
  sim.loop.events$.subscribe((ev) => {
    count++;
    mix(ev.time * 1e9);
    mix(ev.kind);
    mix(ev.target);
    mix(ev.request?.id ?? -1);
  });
  const { sim: stats, ...report } = sim.run();
  return { events: `${count}:${(h >>> 0).toString(16)}`, report: { ...report, events: stats.events } };
}

describe('determinism', () => {
  const base = produce(loadScenario('scenarios/default.json'), (s) => {
    s.horizon = 60;
    s.agents.scheduler.policy = 'lor';
  });

  for (const policy of ['random', 'p2c', 'lor'] as const) {
    it(`same scenario and seed give identical events and metrics (${policy})`, () => {
      const s = produce(base, (d) => {
        d.agents.scheduler.policy = policy;
      });
      expect(fingerprint(s)).toEqual(fingerprint(s));
    });
  }

  it('different seeds give different runs', () => {
    const a = fingerprint(base);
    const b = fingerprint(produce(base, (s) => void (s.seed = 2)));
    expect(a.events).not.toEqual(b.events);
    expect(a.report.latency.e2e.mean).not.toEqual(b.report.latency.e2e.mean);
  });

  it('every policy sees the same requests for a seed (common random numbers)', () => {
    const arrivals = (policy: 'random' | 'lor'): string => {
      const sim = new ServingSimulation(produce(base, (s) => void (s.agents.scheduler.policy = policy)));
      const seen: string[] = [];
      sim.loop.on(0 /* Arrival */).subscribe((ev) => seen.push(`${ev.time}:${ev.request?.promptTokens}:${ev.request?.outputTokens}`));
      sim.run();
      return seen.join(',');
    };
    expect(arrivals('random')).toEqual(arrivals('lor'));
  });
});
