import { produce } from 'immer';
import type { SimulationReport } from '../env/metrics/report.js';
import { oracleLeastWorkRouter } from '../env/routing/oracle-least-work.js';
import { ServingSimulation } from '../env/serving-simulation.js';
import type { Scenario } from '../scenario/scenario-schema.js';
import { pooledScenario } from './pooled-cluster.js';

/**
 * Rows no deployable scheduler can produce, shown beside the real ones to say
 * how much room there is: `oracle` routes by least work knowing every
 * request's true output length (see oracle-least-work.ts), `pooled` serves the
 * workload on one server with the cluster's total capacity (see
 * pooled-cluster.ts).
 */
export const REFERENCE_NAMES = ['oracle', 'pooled'] as const;
export type ReferenceName = (typeof REFERENCE_NAMES)[number];

/** One sentence per reference, for tables and reports. */
export const REFERENCE_NOTES: Record<ReferenceName, string> = {
  oracle: 'least work knowing every request\'s output length in advance',
  pooled: 'one server with the whole cluster\'s capacity, so no routing at all',
};

/** The reference's report on one seed of the scenario. */
export function referenceReport(name: ReferenceName, scenario: Scenario, seed: number): SimulationReport {
  const seeded = produce(scenario, (s) => {
    s.seed = seed;
    // The routers below replace any scheduler; a heuristic name keeps the simulation from asking for an agent.
    s.agents.scheduler.policy = 'lor';
  });
  const sim =
    name === 'oracle' ? new ServingSimulation(seeded, { routerFactory: () => oracleLeastWorkRouter() }) : new ServingSimulation(pooledScenario(seeded));
  sim.run();
  return sim.report(name);
}
