import { Command, Option } from 'commander';
import { evaluate, type WorldEvaluationResult } from '../../api/evaluate.js';
import { addSetFlag, backendOption, integerAtLeast, runOverrides, type BackendFlags } from '../flags.js';
import type { CliIo } from '../io.js';
import { fixed, table, withCi } from '../table.js';
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
      const result = await evaluate(runDir, {
        episodes: flags.episodes,
        seed: flags.seed,
        checkpoint: flags.checkpoint,
        greedy: flags.greedy,
        overrides: runOverrides({ set: flags.set }),
        record: flags.record,
        backend: flags.backend,
      });
      if (flags.json) {
        io.stdout(`${JSON.stringify(result, null, 2)}\n`);
        return;
      }
      io.stdout(`${runDir}: checkpoint ${result.checkpoint.link} (update ${result.checkpoint.update})\n`);
      io.stdout(result.kind === 'cluster' ? formatComparison(result) : formatWorldEvaluation(result));
    });
}

/** A world's evaluation: the episode reward and each figure the world reports, mean ± 95% CI across seeds, then episode by episode. */
function formatWorldEvaluation(r: WorldEvaluationResult): string {
  const figures = Object.keys(r.summary);
  const value = (x: number): string => fixed(x, Math.abs(x) >= 100 ? 1 : 3);
  return [
    `${r.scenario} (${r.world}) · ${r.seeds.length} seed${r.seeds.length > 1 ? 's' : ''} (${r.seeds.join(', ')}) · mean across seeds ± 95% confidence interval\n\n`,
    table(['figure', 'mean'], figures.map((f) => [f, withCi(r.summary[f].mean, r.summary[f].ci95, value)])),
    '\n',
    table(
      ['seed', 'reward', 'decisions', 'ended'],
      r.episodes.map((e) => [String(e.seed), value(e.reward), String(e.decisions), e.ended]),
    ),
  ].join('');
}
