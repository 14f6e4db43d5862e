import { produce } from 'immer';
import { EventKind } from '../src/env/core/sim-event.js';
import { ServingSimulation } from '../src/env/serving-simulation.js';
import { loadScenario, parseScenario } from '../src/scenario/load.js';
import type { Scenario } from '../src/scenario/scenario-schema.js';
import { heapUsedMB, type BenchCase, type Figure } from './harness.js';

/**
 * The same model as ../shared/peers/simpy_mm4_jsq.py: Poisson arrivals at 3.6/s,
 * four FIFO servers with exponential service at 1/s, join-shortest-queue routing
 * (our `lor`: fewest requests queued or in service).
 */
export function mm4JsqScenario(requests: number): Scenario {
  return parseScenario(
    {
      name: 'mm4-jsq',
      seed: 42,
      horizon: 1e12,
      maxRequests: requests,
      cluster: {
        replicaTypes: { server: { model: 'fifo', serviceTime: { kind: 'exponential', mean: 1 } } },
        replicas: [{ type: 'server', count: 4 }],
      },
      workload: {
        arrivals: { kind: 'poisson', rate: 3.6 },
        promptTokens: { kind: 'fixed', value: 1 },
        outputTokens: { kind: 'fixed', value: 1 },
      },
      agents: { scheduler: { policy: 'lor' } },
    },
    'bench',
    process.cwd(),
  );
}

/**
 * Runs a simulation with one more subscriber, as a reward term or recorder
 * would attach: on completions (`watch: 'completions'`), or on every event
 * (`watch: 'all'`). It pauses the loop every `every` events to sample the heap;
 * memory growth is measured from the first sample (after JIT warm-up).
 */
function measure(
  scenario: Scenario,
  every: number,
  watch: 'completions' | 'all',
): { events: number; seconds: number; heapGrowthMB: number; report: ReturnType<ServingSimulation['report']> } {
  const sim = new ServingSimulation(scenario);
  let completedSojourn = 0;
  const stream = watch === 'all' ? sim.loop.events$ : sim.loop.on(EventKind.RequestCompleted);
  stream.subscribe((ev) => {
    if (ev.kind === EventKind.RequestCompleted && ev.request !== null) completedSojourn += ev.time - ev.request.arrivalTime;
  });
  let nextPause = every;
  sim.loop.on(EventKind.ReplicaStepDone).subscribe(() => {
    if (sim.loop.processed >= nextPause) {
      nextPause += every;
      sim.loop.pause();
    }
  });
  const heap: number[] = [];
  let seconds = 0;
  for (;;) {
    const start = performance.now();
    const outcome = sim.advance();
    seconds += (performance.now() - start) / 1000;
    if (outcome !== 'paused') break;
    heap.push(heapUsedMB());
  }
  if (completedSojourn < 0) throw new Error('unreachable: keeps the subscriber from being optimized away');
  return { events: sim.loop.processed, seconds, heapGrowthMB: heap.length > 1 ? heap[heap.length - 1] - heap[0] : 0, report: sim.report() };
}

/** Runs `measure` `runs` times; the median throughput resists the machine's noise, the rest comes from the last run. */
function medianOf(runs: number, once: () => ReturnType<typeof measure>): ReturnType<typeof measure> & { eventsPerSec: number } {
  const results = Array.from({ length: runs }, once);
  const rates = results.map((m) => m.events / m.seconds).sort((a, b) => a - b);
  return { ...results[results.length - 1], eventsPerSec: rates[Math.floor(runs / 2)] };
}

export const desCases: BenchCase[] = [
  {
    name: 'des.fifo',
    run: (): Figure[] => {
      const m = medianOf(5, () => measure(mm4JsqScenario(1_000_000), 200_000, 'completions'));
      const all = medianOf(5, () => measure(mm4JsqScenario(1_000_000), 200_000, 'all'));
      return [
        { name: 'des.fifo.eventsPerSec', value: m.eventsPerSec, unit: 'events/s (median of 5)' },
        { name: 'des.fifo.events', value: m.events, unit: 'events' },
        { name: 'des.fifo.meanSojourn', value: m.report.latency.e2e.mean, unit: 's' },
        { name: 'des.fifo.heapGrowthMB', value: m.heapGrowthMB, unit: 'MB' },
        { name: 'des.fifo.allEventsSubscriber.eventsPerSec', value: all.eventsPerSec, unit: 'events/s (median of 5)' },
      ];
    },
  },
  {
    name: 'des.cluster',
    run: (): Figure[] => {
      const scenario = produce(loadScenario('scenarios/default.json'), (s) => {
        s.horizon = 12_000;
        s.agents.scheduler.policy = 'lor';
      });
      const m = medianOf(5, () => measure(scenario, 200_000, 'completions'));
      return [
        { name: 'des.cluster.eventsPerSec', value: m.eventsPerSec, unit: 'events/s (median of 5)' },
        { name: 'des.cluster.events', value: m.events, unit: 'events' },
        { name: 'des.cluster.requestsPerSec', value: m.report.requests.completed / m.seconds, unit: 'requests/s (wall)' },
        { name: 'des.cluster.heapGrowthMB', value: m.heapGrowthMB, unit: 'MB' },
      ];
    },
  },
];
