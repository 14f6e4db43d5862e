import { Command, Option } from 'commander';
import { useBackend } from '../../agents/backend.js';
import { LEARNED_POLICY } from '../../agents/network-map.js';
import { ClusterEnv } from '../../env/cluster-env.js';
import { requireSameAgents, seedRange, summarize } from '../../evaluation/compare-policies.js';
import { EpisodeRecorder } from '../../recording/episode-recorder.js';
import { RolloutWriter, runHeader } from '../../recording/rollout-writer.js';
import { evaluateLearned } from '../../evaluation/evaluate-learned.js';
import { openTrainedRun, type TrainedRun } from '../../training/load-run.js';
import type { SimulationReport } from '../../env/metrics/report.js';
import { applyOverrides } from '../../scenario/overrides.js';
import type { Scenario } from '../../scenario/scenario-schema.js';
import { addSetFlag, backendOption, integerAtLeast, runOverrides, type BackendFlags } from '../flags.js';
import type { CliIo } from '../io.js';
import { formatComparison } from './compare.js';

interface EvalFlags extends BackendFlags {
  set?: string[];
  episodes: number;
  seed?: number;
  checkpoint?: 'best' | 'latest';
  greedy?: boolean;
  record?: string;
  json?: boolean;
}

export function evalCommand(io: CliIo): Command {
  return addSetFlag(
    new Command('eval')
      .description('evaluate a trained run on fresh seeds (the same seeds compare uses)')
      .argument('<run-dir>', 'a run directory written by mappo train'),
  )
    .option('--episodes <n>', 'episodes, one per seed', integerAtLeast(1), 5)
    .option('--seed <n>', 'first seed (default: the scenario seed)', integerAtLeast(0))
    .addOption(new Option('--checkpoint <which>', 'which checkpoint (default: best if validated, else latest)').choices(['best', 'latest']))
    .option('--greedy', 'take the most probable action instead of sampling (default: as validated in training)')
    .addOption(backendOption())
    .option('--record <file>', 'record every decision (with the critic\'s values) to a rollout file (msgpack)')
    .option('--json', 'print one JSON document (docs/cli.md) instead of tables')
    .action(async (runDir: string, flags: EvalFlags) => {
      await useBackend(flags.backend);
      const run = openTrainedRun(runDir, flags.checkpoint);
      const { scenario, seeds, reports } = evaluateRun(run, flags);
      const result = { scenario: scenario.name, runDir, checkpoint: run.checkpoint, seeds, rows: reports, summary: summarize(reports) };
      if (flags.json) {
        io.stdout(`${JSON.stringify(result, null, 2)}\n`);
        return;
      }
      io.stdout(`${runDir}: checkpoint ${run.checkpoint.link} (update ${run.checkpoint.update})\n`);
      io.stdout(formatComparison(result));
    });
}

/** The run's policy on its own scenario, changed by --set (e.g. another load) for this evaluation only; the networks are released after. */
function evaluateRun(run: TrainedRun, flags: EvalFlags): { scenario: Scenario; seeds: number[]; reports: SimulationReport[] } {
  try {
    const scenario = applyOverrides(run.scenario, runOverrides({ set: flags.set }));
    requireSameAgents(scenario, run.networks);
    const seeds = seedRange(flags.seed ?? scenario.seed, flags.episodes);
    const writer =
      flags.record === undefined ? null : RolloutWriter.open(flags.record, runHeader('eval', { kind: 'cluster', scenario }, new ClusterEnv(scenario), seeds[0], LEARNED_POLICY));
    try {
      const { reports } = evaluateLearned(scenario, run.networks, seeds, flags.greedy ?? scenario.training.validation.greedy, writer ? new EpisodeRecorder(writer) : undefined);
      return { scenario, seeds, reports };
    } finally {
      writer?.close();
    }
  } finally {
    run.networks.dispose();
  }
}
