import { produce } from 'immer';
import type { SimulationReport } from '../env/metrics/report.js';
import { HEURISTIC_NAMES, type HeuristicName } from '../env/routing/registry.js';
import { ServingSimulation } from '../env/serving-simulation.js';
import type { Scenario } from '../scenario/scenario-schema.js';
import { meanCi, type MeanCi } from './confidence-interval.js';

/** One policy's results across seeds (the `summary` rows of `compare --json`). */
export interface PolicySummary {
  policy: string;
  throughputRps: MeanCi;
  e2eMean: MeanCi;
  e2eP50: MeanCi;
  e2eP95: MeanCi;
  e2eP99: MeanCi;
  ttftMean: MeanCi;
  ttftP50: MeanCi;
  ttftP95: MeanCi;
  ttftP99: MeanCi;
  tbtMean: MeanCi;
  tbtP50: MeanCi;
  tbtP95: MeanCi;
  tbtP99: MeanCi;
}

export interface Comparison {
  scenario: string;
  seeds: number[];
  rows: SimulationReport[];
  summary: PolicySummary[];
}

/** Consecutive seeds starting at `first`. */
export function seedRange(first: number, count: number): number[] {
  return Array.from({ length: count }, (_, i) => first + i);
}

/**
 * Runs every heuristic on the same seeds. Workload randomness comes from its own
 * stream, so for a given seed every policy faces the same requests at the same times.
 */
export function compareHeuristics(
  scenario: Scenario,
  seeds: readonly number[],
  onRun?: (policy: string, seed: number, done: number, total: number) => void,
  policies: readonly HeuristicName[] = HEURISTIC_NAMES,
): Comparison {
  const rows: SimulationReport[] = [];
  const total = policies.length * seeds.length;
  for (const policy of policies) {
    for (const seed of seeds) {
      onRun?.(policy, seed, rows.length, total);
      const variant = produce(scenario, (s) => {
        s.seed = seed;
        s.agents.scheduler.policy = policy;
      });
      rows.push(new ServingSimulation(variant).run());
    }
  }
  return { scenario: scenario.name, seeds: [...seeds], rows, summary: summarize(rows) };
}

export function summarize(rows: readonly SimulationReport[]): PolicySummary[] {
  const policies = [...new Set(rows.map((r) => r.policy))];
  return policies.map((policy) => {
    const mine = rows.filter((r) => r.policy === policy);
    const ci = (f: (r: SimulationReport) => number): MeanCi => meanCi(mine.map(f));
    return {
      policy,
      throughputRps: ci((r) => r.throughput.requestsPerSec),
      e2eMean: ci((r) => r.latency.e2e.mean),
      e2eP50: ci((r) => r.latency.e2e.p50),
      e2eP95: ci((r) => r.latency.e2e.p95),
      e2eP99: ci((r) => r.latency.e2e.p99),
      ttftMean: ci((r) => r.latency.ttft.mean),
      ttftP50: ci((r) => r.latency.ttft.p50),
      ttftP95: ci((r) => r.latency.ttft.p95),
      ttftP99: ci((r) => r.latency.ttft.p99),
      tbtMean: ci((r) => r.latency.tbt.mean),
      tbtP50: ci((r) => r.latency.tbt.p50),
      tbtP95: ci((r) => r.latency.tbt.p95),
      tbtP99: ci((r) => r.latency.tbt.p99),
    };
  });
}
