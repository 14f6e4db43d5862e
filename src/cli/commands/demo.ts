import { Command, InvalidArgumentError } from 'commander';
import { HEURISTIC_NAMES, heuristicNames, isKnownHeuristic, type HeuristicName } from '../../env/routing/registry.js';
import { InputError } from '../../errors.js';
import { loadPlugins } from '../../plugins/plugin-loader.js';
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
      .requiredOption('--policy <names>', `heuristic(s), comma-separated; several take turns episode by episode (${HEURISTIC_NAMES.join(', ')}, or the scenario's plug-ins' own)`, heuristicList)
      .requiredOption('--out <file>', 'rollout file to write (appended to if it exists)')
      .option('--episodes <n>', 'episodes to record, one per seed', integerAtLeast(1), 10)
      .option('--json', 'print one JSON document (docs/cli.md) instead of tables'),
  )
    .addHelpText('after', `\nSeeds run from --seed (default ${DEMO_SEED_BASE.toLocaleString('en-US')}, apart from evaluation and validation seeds).`)
    .action(async (file: string, flags: DemoFlags) => {
      const scenario = applyOverrides(loadScenario(file, 'mappo demo'), { ...runOverrides(flags), seed: undefined });
      await loadPlugins(scenario.plugins);
      // Known only now: a plug-in's schedulers are registered as it loads.
      const unknown = flags.policy.filter((n) => !isKnownHeuristic(n));
      if (unknown.length > 0) throw new InputError(`--policy names ${unknown.join(', ')}, which is no heuristic: the heuristics are ${heuristicNames().join(', ')}`);
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

/** The names as given; checked once the scenario's plug-ins have registered theirs. */
function heuristicList(value: string): HeuristicName[] {
  const names = value.split(',').map((s) => s.trim());
  if (names.some((n) => n === '')) throw new InvalidArgumentError(`Expected heuristics from ${HEURISTIC_NAMES.join(', ')}; got an empty name.`);
  return names;
}
