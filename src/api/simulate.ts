import { ClusterEnv } from '../env/cluster-env.js';
import type { SimulationReport } from '../env/metrics/report.js';
import type { HeuristicName } from '../env/routing/registry.js';
import { ServingSimulation } from '../env/serving-simulation.js';
import { InputError } from '../errors.js';
import { playHeuristics, withSchedulersPosed } from '../evaluation/heuristic-episodes.js';
import { EpisodeRecorder } from '../recording/episode-recorder.js';
import { RolloutWriter, runHeader } from '../recording/rollout-writer.js';
import { schedulerPolicyOf, type Scenario } from '../scenario/scenario-schema.js';

/** How to simulate: `mappo simulate`'s options that are not scenario settings. */
export interface SimulateOptions {
  /** Record every routing decision to this rollout file (appended to): needs one heuristic at every front-end. */
  record?: string;
}

/**
 * Runs a scenario whose every agent is a heuristic, once, on its seed: what
 * `mappo simulate` prints (`--json`). A scenario with learned agents is
 * refused (evaluate a trained run instead, or set the agents to heuristics).
 * It runs synchronously, so a scenario's plug-ins must be loaded first
 * (`await loadPlugins(scenario.plugins)`; train, evaluate and compare load
 * them themselves).
 */
export function simulate(scenario: Scenario, options: SimulateOptions = {}): SimulationReport {
  if (scenario.agents.autoscaler.policy === 'learned') {
    throw new InputError(`scenario "${scenario.name}" has a learned autoscaler; pass --autoscaler threshold (or none) to simulate it with a heuristic, or evaluate a trained run with mappo eval`);
  }
  if (scenario.agents.replica.policy === 'learned') {
    throw new InputError(`scenario "${scenario.name}" has learned replica agents; pass --replicas fixed (or tbt-target) to simulate it with a rule, or evaluate a trained run with mappo eval`);
  }
  return options.record === undefined ? new ServingSimulation(scenario).run() : recordedSimulation(scenario, options.record);
}

/**
 * The same simulation with its schedulers posed as agents, so each routing
 * decision (observation, mask, the heuristic's choice) goes to the file; the
 * report is the one `simulate` gives without recording.
 */
function recordedSimulation(scenario: Scenario, path: string): SimulationReport {
  const policies = new Set(Array.from({ length: scenario.workload.frontends }, (_, f) => schedulerPolicyOf(scenario, f)));
  if (policies.has('learned')) {
    throw new InputError(`scenario "${scenario.name}" has a learned scheduler; pass --scheduler NAME to simulate and record a heuristic, or record a trained run with mappo eval --record`);
  }
  if (policies.size > 1) throw new InputError(`--record needs one heuristic for every front-end, and the scenario mixes ${[...policies].join(', ')}; pass --scheduler NAME`);
  const [heuristic] = policies as Set<HeuristicName>;
  const posed = withSchedulersPosed(scenario);
  const writer = RolloutWriter.open(path, runHeader('simulate', { kind: 'cluster', scenario: posed }, new ClusterEnv(posed), scenario.seed, heuristic));
  try {
    const started = performance.now();
    const [report] = playHeuristics(scenario, [heuristic], [scenario.seed], new EpisodeRecorder(writer));
    const wallSeconds = (performance.now() - started) / 1000;
    return { ...report, sim: { ...report.sim, wallSeconds, eventsPerSec: report.sim.events / wallSeconds } };
  } finally {
    writer.close();
  }
}
