import { produce } from 'immer';
import type { SimulationReport } from '../env/metrics/report.js';
import { heuristicNames, type HeuristicName } from '../env/routing/registry.js';
import { ServingSimulation } from '../env/serving-simulation.js';
import type { Scenario } from '../scenario/scenario-schema.js';
import type { AnyScenario } from '../scenario/world-scenario-schema.js';
import { LEARNED_POLICY, type NetworkMap } from '../agents/network-map.js';
import { envSpecOf, makeEnv } from '../env/env-spec.js';
import { InputError } from '../errors.js';
import { meanCi, type MeanCi } from './confidence-interval.js';
import { evaluateLearned } from './evaluate-learned.js';
import { pooledScenario } from './pooled-cluster.js';
import { REFERENCE_NAMES, referenceReport } from './references.js';

/** A deployable heuristic, the trained policy, or a reference no deployable scheduler can reach. */
export type PolicyKind = 'heuristic' | 'learned' | 'reference';

/** One policy's results across seeds (the `summary` rows of `compare --json`). */
export interface PolicySummary {
  policy: string;
  kind: PolicyKind;
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

/** Policies played on the same seeds: each run's report, each policy's figures across seeds, the best heuristic and a learned policy against it (`compare --json`). */
export interface Comparison {
  scenario: string;
  seeds: number[];
  rows: SimulationReport[];
  summary: PolicySummary[];
  /** The heuristic with the lowest mean p99 end-to-end latency: what a learned policy is judged against. */
  bestHeuristic: string;
  /** The trained policy against that heuristic, when there is one. */
  learnedVsBest: LearnedVsBest | null;
}

/** The trained policy's figures as ratios to the best heuristic's (below 1 is lower). */
export interface LearnedVsBest {
  heuristic: string;
  e2eP99Ratio: number;
  e2eMeanRatio: number;
  throughputRatio: number;
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
  policies: readonly HeuristicName[] = heuristicNames(),
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
  return comparison(scenario, seeds, rows);
}

/** A trained policy to put beside the heuristics: its networks and the agents they were trained as. */
export interface LearnedPolicy {
  agents: Scenario['agents'];
  networks: NetworkMap;
  greedy: boolean;
}

/**
 * The learned policy's rows on `scenario` (its workload and cluster) and the
 * given seeds: the scenario with the run's agents, checked to present the very
 * agents, observations and actions the networks were trained on.
 */
export function learnedRows(scenario: Scenario, learned: LearnedPolicy, seeds: readonly number[]): SimulationReport[] {
  const asTrained = produce(scenario, (s) => {
    s.agents = learned.agents as typeof s.agents;
  });
  requireSameAgents(asTrained, learned.networks);
  return evaluateLearned(asTrained, learned.networks, seeds, learned.greedy).reports;
}

/** Refuses, in one sentence, a scenario whose learned agents are not the very agents, observations and actions the networks were trained on. */
export function requireSameAgents(scenario: AnyScenario, networks: NetworkMap): void {
  const agents = makeEnv(envSpecOf(scenario)).agents;
  const expected = networks.agents;
  const same = agents.length === expected.length && agents.every((a, i) => a.id === expected[i].id && a.obsSize === expected[i].obsSize && a.actionCount === expected[i].actionCount);
  if (!same) {
    throw new InputError(
      `the checkpoint was trained with agents ${expected.map((a) => `${a.id} (${a.obsSize} inputs, ${a.actionCount} actions)`).join(', ')}, but scenario "${scenario.name}" gives ${agents.map((a) => `${a.id} (${a.obsSize} inputs, ${a.actionCount} actions)`).join(', ') || 'none'}`,
    );
  }
}

export interface CompareOptions {
  /** Add the references (oracle, pooled) after the deployable policies. */
  references?: boolean;
  onRun?: (policy: string, seed: number, done: number, total: number) => void;
}

/** Heuristics and, if given, a learned policy, on the same seeds; the learned policy comes first, references (if asked for) last. */
export function comparePolicies(scenario: Scenario, seeds: readonly number[], learned: LearnedPolicy | null, options: CompareOptions = {}): Comparison {
  const { onRun } = options;
  const references = options.references === true ? REFERENCE_NAMES : [];
  // Refuse a scenario the pooled reference cannot be built for before anything runs.
  if (references.length > 0) pooledScenario(scenario);
  const total = (heuristicNames().length + references.length + (learned ? 1 : 0)) * seeds.length;
  const rows: SimulationReport[] = [];
  if (learned !== null) {
    onRun?.(LEARNED_POLICY, seeds[0], 0, total);
    rows.push(...learnedRows(scenario, learned, seeds));
  }
  const heuristics = compareHeuristics(scenario, seeds, (p, s, done) => onRun?.(p, s, rows.length + done, total));
  rows.push(...heuristics.rows);
  for (const name of references) {
    for (const seed of seeds) {
      onRun?.(name, seed, rows.length, total);
      rows.push(referenceReport(name, scenario, seed));
    }
  }
  return comparison(scenario, seeds, rows);
}

function comparison(scenario: Scenario, seeds: readonly number[], rows: SimulationReport[]): Comparison {
  const summary = summarize(rows);
  const heuristics = summary.filter((s) => s.kind === 'heuristic');
  const best = heuristics.reduce((a, b) => (b.e2eP99.mean < a.e2eP99.mean ? b : a));
  const learned = summary.find((s) => s.kind === 'learned');
  const learnedVsBest =
    learned === undefined
      ? null
      : {
          heuristic: best.policy,
          e2eP99Ratio: learned.e2eP99.mean / best.e2eP99.mean,
          e2eMeanRatio: learned.e2eMean.mean / best.e2eMean.mean,
          throughputRatio: learned.throughputRps.mean / best.throughputRps.mean,
        };
  return { scenario: scenario.name, seeds: [...seeds], rows, summary, bestHeuristic: best.policy, learnedVsBest };
}

/** What kind of row a policy name is. */
export function policyKind(policy: string): PolicyKind {
  if (policy === LEARNED_POLICY) return 'learned';
  return (REFERENCE_NAMES as readonly string[]).includes(policy) ? 'reference' : 'heuristic';
}

export function summarize(rows: readonly SimulationReport[]): PolicySummary[] {
  const policies = [...new Set(rows.map((r) => r.policy))];
  return policies.map((policy) => {
    const mine = rows.filter((r) => r.policy === policy);
    const ci = (f: (r: SimulationReport) => number): MeanCi => meanCi(mine.map(f));
    return {
      policy,
      kind: policyKind(policy),
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
