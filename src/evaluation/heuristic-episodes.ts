import { produce } from 'immer';
import { ClusterEnv } from '../env/cluster-env.js';
import type { SimulationReport } from '../env/metrics/report.js';
import type { HeuristicName } from '../env/routing/registry.js';
import { EpisodeRecorder } from '../recording/episode-recorder.js';
import { RolloutWriter, runHeader } from '../recording/rollout-writer.js';
import type { Scenario } from '../scenario/scenario-schema.js';
import { runEpisodes } from './run-episodes.js';

/**
 * The scenario with every front-end's scheduler posed as an agent, so a
 * heuristic answers through the agent interface (ClusterEnv.heuristicActions)
 * where it can be recorded: the routing is exactly the heuristic's own
 * (tested against `simulate`), and the observations are what a learned
 * scheduler would see, which is what demonstrations need.
 */
export function withSchedulersPosed(scenario: Scenario): Scenario {
  return produce(scenario, (s) => {
    s.agents.scheduler.policy = 'learned';
  });
}

/**
 * Plays heuristics through the agent interface, one episode per seed
 * (episode k by `heuristics[k mod n]`), recording if asked; returns each
 * episode's serving report, labelled with the heuristic that played it.
 */
export function playHeuristics(scenario: Scenario, heuristics: readonly HeuristicName[], seeds: readonly number[], recorder?: EpisodeRecorder): SimulationReport[] {
  const posed = withSchedulersPosed(scenario);
  const reports: SimulationReport[] = new Array(seeds.length);
  runEpisodes({ kind: 'cluster', scenario: posed }, { heuristics }, seeds, {
    recorder,
    // One copy: episodes then follow one another in the file in seed order.
    copies: 1,
    onEpisodeEnd: (env, outcome) => {
      const k = seeds.indexOf(outcome.seed);
      reports[k] = { ...(env as ClusterEnv).simulation.report(heuristics[k % heuristics.length]), seed: outcome.seed };
    },
  });
  return reports;
}

/** What recordDemonstrations wrote. */
export interface Demonstrations {
  reports: SimulationReport[];
  decisions: number;
}

/**
 * Records heuristics playing the scenario (episode k by `heuristics[k mod n]`)
 * to a rollout file, every routing decision with the observation a learned
 * scheduler would have had: demonstrations for behavior cloning (on seeds from
 * DEMO_SEED_BASE unless told otherwise, see seeds.ts). The file is appended to
 * if it exists.
 */
export function recordDemonstrations(scenario: Scenario, heuristics: readonly HeuristicName[], seeds: readonly number[], file: string): Demonstrations {
  const posed = withSchedulersPosed(scenario);
  const writer = RolloutWriter.open(file, runHeader('demo', { kind: 'cluster', scenario: posed }, new ClusterEnv(posed), seeds[0], heuristics.join('+')));
  let decisions = 0;
  try {
    const recorder = new EpisodeRecorder({
      append: (r) => {
        if (r.type === 'decision') decisions++;
        writer.append(r);
      },
    });
    return { reports: playHeuristics(scenario, heuristics, seeds, recorder), decisions };
  } finally {
    writer.close();
  }
}
