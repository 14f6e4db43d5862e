import { useBackend, type BackendName } from '../agents/backend.js';
import { LEARNED_POLICY } from '../agents/network-map.js';
import { ClusterEnv } from '../env/cluster-env.js';
import type { SimulationReport } from '../env/metrics/report.js';
import { requireSameAgents, seedRange, summarize, type PolicySummary } from '../evaluation/compare-policies.js';
import { evaluateLearned } from '../evaluation/evaluate-learned.js';
import { EpisodeRecorder } from '../recording/episode-recorder.js';
import { RolloutWriter, runHeader } from '../recording/rollout-writer.js';
import { applyOverrides, type RunOverrides } from '../scenario/overrides.js';
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

/** What `mappo eval --json` prints. */
export interface EvaluationResult {
  scenario: string;
  runDir: string;
  checkpoint: { link: CheckpointLink; dir: string; update: number };
  seeds: number[];
  /** One serving report per seed, in seed order. */
  rows: SimulationReport[];
  /** The policy's figures across seeds (mean ± 95% confidence interval), one row: `mappo`. */
  summary: PolicySummary[];
}

/** Plays a trained run's policy (from `mappo train` or `mappo bc`) on its own scenario, one episode per seed. */
export async function evaluate(runDir: string, options: EvaluateOptions = {}): Promise<EvaluationResult> {
  await useBackend(options.backend ?? 'wasm');
  const run = openTrainedRun(runDir, options.checkpoint);
  try {
    const scenario = applyOverrides(run.scenario, options.overrides ?? {});
    requireSameAgents(scenario, run.networks);
    const seeds = seedRange(options.seed ?? scenario.seed, options.episodes ?? 5);
    const writer =
      options.record === undefined ? null : RolloutWriter.open(options.record, runHeader('eval', { kind: 'cluster', scenario }, new ClusterEnv(scenario), seeds[0], LEARNED_POLICY));
    try {
      const { reports } = evaluateLearned(scenario, run.networks, seeds, options.greedy ?? scenario.training.validation.greedy, writer ? new EpisodeRecorder(writer) : undefined);
      return { scenario: scenario.name, runDir, checkpoint: run.checkpoint, seeds, rows: reports, summary: summarize(reports) };
    } finally {
      writer?.close();
    }
  } finally {
    run.networks.dispose();
  }
}
