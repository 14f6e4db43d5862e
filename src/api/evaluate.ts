import { useBackend, type BackendName } from '../agents/backend.js';
import { LEARNED_POLICY, type NetworkMap } from '../agents/network-map.js';
import { envSpecOf, loadEnv, makeEnv } from '../env/env-spec.js';
import type { SimulationReport } from '../env/metrics/report.js';
import { requireSameAgents, seedRange, summarize, type PolicySummary } from '../evaluation/compare-policies.js';
import { meanCi, type MeanCi } from '../evaluation/confidence-interval.js';
import { evaluateLearned } from '../evaluation/evaluate-learned.js';
import { runEpisodes, type EpisodeOutcome } from '../evaluation/run-episodes.js';
import { EpisodeRecorder } from '../recording/episode-recorder.js';
import { RolloutWriter, runHeader } from '../recording/rollout-writer.js';
import { applyOverrides, type RunOverrides } from '../scenario/overrides.js';
import { isWorldScenario, type WorldScenario } from '../scenario/world-scenario-schema.js';
import type { CheckpointLink } from '../training/checkpoint-store.js';
import { openTrainedRun } from '../training/load-run.js';

/** How to evaluate a trained run: `mappo eval`'s flags. */
export interface EvaluateOptions {
  /** Episodes, one per seed (default 5). */
  episodes?: number;
  /** The first seed (default: the run's scenario seed); the others follow it. */
  seed?: number;
  /** Which checkpoint (default: best if the run validated, else latest). */
  checkpoint?: CheckpointLink;
  /** Take the most probable action instead of sampling (default: as the run validated). */
  greedy?: boolean;
  /** Changes to the run's scenario for this evaluation only (e.g. `set` another load); the learned agents must stay the same. */
  overrides?: RunOverrides;
  /** Record every decision, with the critic's values, to this rollout file (appended to). */
  record?: string;
  /** Tensor backend (default wasm). */
  backend?: BackendName;
}

/** What every evaluation says: which run, which checkpoint, which seeds. */
interface EvaluatedRun {
  scenario: string;
  runDir: string;
  checkpoint: { link: CheckpointLink; dir: string; update: number };
  seeds: number[];
}

/** `mappo eval --json` on a run of the cluster: a serving report per seed and the policy's summary. */
export interface ClusterEvaluationResult extends EvaluatedRun {
  kind: 'cluster';
  /** One serving report per seed, in seed order. */
  rows: SimulationReport[];
  /** The policy's figures across seeds (mean ± 95% confidence interval), one row: `mappo`. */
  summary: PolicySummary[];
}

/** `mappo eval --json` on a run of another world: each episode's outcome and the figures across seeds. */
export interface WorldEvaluationResult extends EvaluatedRun {
  kind: 'world';
  /** The world's name, or its module's path. */
  world: string;
  /** One outcome per seed, in seed order: the episode reward (all agents), per agent, and the world's own figures. */
  episodes: EpisodeOutcome[];
  /** Mean ± 95% confidence interval across seeds of `reward` and of every figure the world reports. */
  summary: Record<string, MeanCi>;
}

/** What `mappo eval --json` prints. */
export type EvaluationResult = ClusterEvaluationResult | WorldEvaluationResult;

/** Plays a trained run's policy (from `mappo train` or `mappo bc`) on its own scenario, one episode per seed. */
export async function evaluate(runDir: string, options: EvaluateOptions = {}): Promise<EvaluationResult> {
  await useBackend(options.backend ?? 'wasm');
  const run = await openTrainedRun(runDir, options.checkpoint);
  try {
    const scenario = applyOverrides(run.scenario, options.overrides ?? {});
    await loadEnv(envSpecOf(scenario));
    requireSameAgents(scenario, run.networks);
    const seeds = seedRange(options.seed ?? scenario.seed, options.episodes ?? 5);
    const greedy = options.greedy ?? scenario.training.validation.greedy;
    const evaluated: EvaluatedRun = { scenario: scenario.name, runDir, checkpoint: run.checkpoint, seeds };
    const writer = options.record === undefined ? null : RolloutWriter.open(options.record, runHeader('eval', envSpecOf(scenario), makeEnv(envSpecOf(scenario)), seeds[0], LEARNED_POLICY));
    try {
      const recorder = writer ? new EpisodeRecorder(writer) : undefined;
      if (isWorldScenario(scenario)) return { kind: 'world', ...evaluated, ...evaluateWorld(scenario, run.networks, seeds, greedy, recorder) };
      const { reports } = evaluateLearned(scenario, run.networks, seeds, greedy, recorder);
      return { kind: 'cluster', ...evaluated, rows: reports, summary: summarize(reports) };
    } finally {
      writer?.close();
    }
  } finally {
    run.networks.dispose();
  }
}

/** Episodes of a world, and the mean ± CI of the reward and of each figure the world reports. */
function evaluateWorld(
  scenario: WorldScenario,
  networks: NetworkMap,
  seeds: readonly number[],
  greedy: boolean,
  recorder: EpisodeRecorder | undefined,
): Pick<WorldEvaluationResult, 'world' | 'episodes' | 'summary'> {
  const episodes = runEpisodes(envSpecOf(scenario), networks, seeds, { greedy, recorder });
  const figures = ['reward', ...Object.keys(episodes[0]?.summary ?? {})];
  const summary = Object.fromEntries(figures.map((f) => [f, meanCi(episodes.map((e) => (f === 'reward' ? e.reward : e.summary[f])))]));
  const w = scenario.world;
  return { world: 'name' in w ? w.name : w.module, episodes, summary };
}
