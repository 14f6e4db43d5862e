import { Command, Option } from 'commander';
import { useBackend } from '../../agents/backend.js';
import { LEARNED_POLICY } from '../../agents/network-map.js';
import { ClusterEnv } from '../../env/cluster-env.js';
import { seedRange, summarize } from '../../evaluation/compare-policies.js';
import { EpisodeRecorder } from '../../recording/episode-recorder.js';
import { RolloutWriter, runHeader } from '../../recording/rollout-writer.js';
import { evaluateLearned } from '../../evaluation/evaluate-learned.js';
import { openTrainedRun } from '../../training/load-run.js';
import { backendOption, integerAtLeast, type BackendFlags } from '../flags.js';
import type { CliIo } from '../io.js';
import { formatComparison } from './compare.js';

interface EvalFlags extends BackendFlags {
  episodes: number;
  seed?: number;
  checkpoint?: 'best' | 'latest';
  greedy?: boolean;
  record?: string;
  json?: boolean;
}

export function evalCommand(io: CliIo): Command {
  return new Command('eval')
    .description('evaluate a trained run on fresh seeds (the same seeds compare uses)')
    .argument('<run-dir>', 'a run directory written by mappo train')
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
      const seeds = seedRange(flags.seed ?? run.scenario.seed, flags.episodes);
      const writer =
        flags.record === undefined ? null : RolloutWriter.open(flags.record, runHeader('eval', { kind: 'cluster', scenario: run.scenario }, new ClusterEnv(run.scenario), seeds[0], LEARNED_POLICY));
      let reports;
      try {
        ({ reports } = evaluateLearned(run.scenario, run.networks, seeds, flags.greedy ?? run.scenario.training.validation.greedy, writer ? new EpisodeRecorder(writer) : undefined));
      } finally {
        writer?.close();
        run.networks.dispose();
      }
      const result = { scenario: run.scenario.name, runDir, checkpoint: run.checkpoint, seeds, rows: reports, summary: summarize(reports) };
      if (flags.json) {
        io.stdout(`${JSON.stringify(result, null, 2)}\n`);
        return;
      }
      io.stdout(`${runDir}: checkpoint ${run.checkpoint.link} (update ${run.checkpoint.update})\n`);
      io.stdout(formatComparison(result));
    });
}
