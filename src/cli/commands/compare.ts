import { Command, Option } from 'commander';
import { BACKENDS, useBackend, type BackendName } from '../../agents/backend.js';
import { comparePolicies, seedRange, type Comparison, type PolicySummary } from '../../evaluation/compare-policies.js';
import { openTrainedRun } from '../../training/load-run.js';
import type { MeanCi } from '../../evaluation/confidence-interval.js';
import { loadScenario } from '../../scenario/load.js';
import { applyOverrides } from '../../scenario/overrides.js';
import { addRunFlags, integerAtLeast, runOverrides, type RunFlags } from '../flags.js';
import type { CliIo } from '../io.js';
import { Progress } from '../progress.js';
import { fixed, table, withCi } from '../table.js';

interface CompareFlags extends RunFlags {
  seeds: number;
  checkpoint?: string;
  greedy?: boolean;
  backend: BackendName;
  json?: boolean;
}

export function compareCommand(io: CliIo): Command {
  return addRunFlags(
    new Command('compare')
      .description('run every heuristic scheduler, and a trained policy if given, on the same seeds, side by side')
      .argument('<scenario>', 'scenario JSON file')
      .option('--seeds <n>', 'number of seeds (consecutive, from --seed or the scenario seed)', integerAtLeast(1), 5)
      .option('--checkpoint <run-dir>', "add the trained policy of a run directory (its best checkpoint) as row 'mappo'")
      .option('--greedy', 'the trained policy takes its most probable action instead of sampling')
      .addOption(new Option('--backend <name>', 'tensor backend for the trained policy').choices(BACKENDS).default('wasm'))
      .option('--json', 'print one JSON document (CLI.md) instead of tables'),
  ).action(async (file: string, flags: CompareFlags) => {
    const scenario = applyOverrides(loadScenario(file), runOverrides(flags));
    let learned = null;
    if (flags.checkpoint !== undefined) {
      await useBackend(flags.backend);
      const run = openTrainedRun(flags.checkpoint);
      learned = { agents: run.scenario.agents, networks: run.networks, greedy: flags.greedy ?? run.scenario.training.validation.greedy };
    }
    const progress = new Progress(io);
    const comparison = comparePolicies(scenario, seedRange(scenario.seed, flags.seeds), learned, (policy, seed, done, total) =>
      progress.update(`compare: ${policy} on seed ${seed} (${done + 1}/${total})`),
    );
    progress.done();
    learned?.networks.dispose();
    io.stdout(flags.json ? `${JSON.stringify(comparison, null, 2)}\n` : formatComparison(comparison));
  });
}

export function formatComparison(c: Comparison): string {
  const ci = (m: MeanCi): string => withCi(m.mean, m.ci95);
  const latency = (title: string, pick: (s: PolicySummary) => [MeanCi, MeanCi, MeanCi, MeanCi]): string =>
    table(
      [title, 'mean', 'p50', 'p95', 'p99'],
      c.summary.map((s) => [s.policy, ...pick(s).map(ci)]),
    );
  return [
    `${c.scenario} · ${c.seeds.length} seed${c.seeds.length > 1 ? 's' : ''} (${c.seeds.join(', ')}) · mean across seeds ± 95% confidence interval\n\n`,
    table(
      ['throughput', 'requests/s'],
      c.summary.map((s) => [s.policy, withCi(s.throughputRps.mean, s.throughputRps.ci95, (x) => fixed(x))]),
    ),
    '\n',
    latency('e2e latency (s)', (s) => [s.e2eMean, s.e2eP50, s.e2eP95, s.e2eP99]),
    '\n',
    latency('TTFT (s)', (s) => [s.ttftMean, s.ttftP50, s.ttftP95, s.ttftP99]),
    '\n',
    latency('TBT (s)', (s) => [s.tbtMean, s.tbtP50, s.tbtP95, s.tbtP99]),
  ].join('');
}
