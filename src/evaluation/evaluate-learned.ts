import { LEARNED_POLICY, type NetworkMap } from '../agents/network-map.js';
import type { ClusterEnv } from '../env/cluster-env.js';
import type { SimulationReport } from '../env/metrics/report.js';
import type { EpisodeRecorder } from '../recording/episode-recorder.js';
import type { Scenario } from '../scenario/scenario-schema.js';
import { runEpisodes, type EpisodeOutcome } from './run-episodes.js';

/**
 * Plays the networks' policy on a serving scenario, one episode per seed, and
 * returns each episode's full serving report (as `simulate` gives for a
 * heuristic) with the episode's outcome. For a given seed the workload is the
 * one every heuristic faces, so rows compare like for like.
 */
export function evaluateLearned(
  scenario: Scenario,
  networks: NetworkMap,
  seeds: readonly number[],
  greedy: boolean,
  recorder?: EpisodeRecorder,
): { reports: SimulationReport[]; outcomes: EpisodeOutcome[] } {
  const reports: SimulationReport[] = new Array(seeds.length);
  const outcomes = runEpisodes({ kind: 'cluster', scenario }, networks, seeds, {
    greedy,
    recorder,
    onEpisodeEnd: (env, outcome) => {
      const report = (env as ClusterEnv).simulation.report(LEARNED_POLICY);
      reports[seeds.indexOf(outcome.seed)] = { ...report, seed: outcome.seed };
    },
  });
  return { reports, outcomes };
}
