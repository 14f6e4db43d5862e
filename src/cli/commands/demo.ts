import { Command, InvalidArgumentError } from 'commander';
import { HEURISTIC_NAMES, type HeuristicName } from '../../env/routing/registry.js';
import { DEMO_SEED_BASE } from '../../env/seeds.js';
import { seedRange, summarize } from '../../evaluation/compare-policies.js';
import { recordDemonstrations } from '../../evaluation/heuristic-episodes.js';
import { loadScenario } from '../../scenario/load.js';
import { applyOverrides } from '../../scenario/overrides.js';
import { addRunFlags, integerAtLeast, runOverrides, type RunFlags } from '../flags.js';
import type { CliIo } from '../io.js';
import { formatComparison } from './compare.js';
import { thousands } from '../table.js';

interface DemoFlags extends RunFlags {
  policy: HeuristicName[];
  out: string;
  episodes: number;
  json?: boolean;
}

export function demoCommand(io: CliIo): Command {
  return addRunFlags(
    new Command('demo')
      .description('record heuristic demonstrations (every routing decision, msgpack) for behavior cloning')
      .argument('<scenario>', 'scenario JSON file')
      .requiredOption('--policy <names>', `heuristic(s), comma-separated; several take turns episode by episode (${HEURISTIC_NAMES.join(', ')})`, heuristicList)
      .requiredOption('--out <file>', 'rollout file to write (appended to if it exists)')
      .option('--episodes <n>', 'episodes to record, one per seed', integerAtLeast(1), 10)
      .option('--json', 'print one JSON document (docs/cli.md) instead of tables'),
  )
    .addHelpText('after', `\nSeeds run from --seed (default ${DEMO_SEED_BASE.toLocaleString('en-US')}, apart from evaluation and validation seeds).`)
    .action((file: string, flags: DemoFlags) => {
      const scenario = applyOverrides(loadScenario(file, 'mappo demo'), { ...runOverrides(flags), seed: undefined });
      const seeds = seedRange(flags.seed ?? DEMO_SEED_BASE, flags.episodes);
      const { reports, decisions } = recordDemonstrations(scenario, flags.policy, seeds, flags.out);
      const result = { file: flags.out, scenario: scenario.name, policies: flags.policy, seeds, decisions, rows: reports, summary: summarize(reports) };
      if (flags.json) {
        io.stdout(`${JSON.stringify(result, null, 2)}\n`);
        return;
      }
      io.stdout(`recorded ${seeds.length} episodes (${thousands(decisions)} decisions) of ${flags.policy.join(', ')} to ${flags.out}\n`);
      io.stdout(formatComparison(result));
    });
}

function heuristicList(value: string): HeuristicName[] {
  const names = value.split(',').map((s) => s.trim());
  const unknown = names.filter((n) => !(HEURISTIC_NAMES as readonly string[]).includes(n));
  if (unknown.length > 0 || names.length === 0) throw new InvalidArgumentError(`Expected heuristics from ${HEURISTIC_NAMES.join(', ')}; got ${unknown.join(', ') || 'none'}.`);
  return names as HeuristicName[];
}
