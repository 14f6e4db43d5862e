import { Command } from 'commander';
import { compare } from '../../api/compare.js';
import type { Comparison, LearnedVsBest, PolicySummary } from '../../evaluation/compare-policies.js';
import { REFERENCE_NAMES, REFERENCE_NOTES, type ReferenceName } from '../../evaluation/references.js';
import type { MeanCi } from '../../evaluation/confidence-interval.js';
import { loadScenario } from '../../scenario/load.js';
import { applyOverrides } from '../../scenario/overrides.js';
import { addRunFlags, backendOption, integerAtLeast, runOverrides, type BackendFlags, type RunFlags } from '../flags.js';
import type { CliIo } from '../io.js';
import { Progress } from '../progress.js';
import { fixed, table, withCi } from '../table.js';

interface CompareFlags extends RunFlags, BackendFlags {
  seeds: number;
  checkpoint?: string;
  greedy?: boolean;
  references?: boolean;
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
      .option('--references', `add rows no deployable scheduler can reach: ${REFERENCE_NAMES.map((r) => `${r} (${REFERENCE_NOTES[r]})`).join('; ')}`)
      .addOption(backendOption('tensor backend for the trained policy'))
      .option('--json', 'print one JSON document (docs/cli.md) instead of tables'),
  ).action(async (file: string, flags: CompareFlags) => {
    const scenario = applyOverrides(loadScenario(file, 'mappo compare'), runOverrides(flags));
    const progress = new Progress(io);
    let comparison;
    try {
      comparison = await compare(scenario, {
        seeds: flags.seeds,
        checkpoint: flags.checkpoint,
        greedy: flags.greedy,
        references: flags.references,
        backend: flags.backend,
        onRun: (policy, seed, done, total) => progress.update(`compare: ${policy} on seed ${seed} (${done + 1}/${total})`),
      });
    } finally {
      progress.done();
    }
    io.stdout(flags.json ? `${JSON.stringify(comparison, null, 2)}\n` : formatComparison(comparison));
  });
}

/** The tables of any set of policy rows; a comparison with heuristics also names the best one and the learned policy's ratios to it. */
export function formatComparison(c: Pick<Comparison, 'scenario' | 'seeds' | 'summary'> & Partial<Pick<Comparison, 'bestHeuristic' | 'learnedVsBest'>>): string {
  const ci = (m: MeanCi): string => withCi(m.mean, m.ci95);
  // References are marked, so nobody reads them as a scheduler one could deploy.
  const name = (s: PolicySummary): string => (s.kind === 'reference' ? `${s.policy} *` : s.policy);
  const latency = (title: string, pick: (s: PolicySummary) => [MeanCi, MeanCi, MeanCi, MeanCi]): string =>
    table(
      [title, 'mean', 'p50', 'p95', 'p99'],
      c.summary.map((s) => [name(s), ...pick(s).map(ci)]),
    );
  const references = c.summary.filter((s) => s.kind === 'reference');
  return [
    `${c.scenario} · ${c.seeds.length} seed${c.seeds.length > 1 ? 's' : ''} (${c.seeds.join(', ')}) · mean across seeds ± 95% confidence interval\n\n`,
    table(
      ['throughput', 'requests/s'],
      c.summary.map((s) => [name(s), withCi(s.throughputRps.mean, s.throughputRps.ci95, (x) => fixed(x))]),
    ),
    '\n',
    latency('e2e latency (s)', (s) => [s.e2eMean, s.e2eP50, s.e2eP95, s.e2eP99]),
    '\n',
    latency('TTFT (s)', (s) => [s.ttftMean, s.ttftP50, s.ttftP95, s.ttftP99]),
    '\n',
    latency('TBT (s)', (s) => [s.tbtMean, s.tbtP50, s.tbtP95, s.tbtP99]),
    references.length > 0 ? `\n* not deployable, for reference: ${references.map((s) => `${s.policy}, ${REFERENCE_NOTES[s.policy as ReferenceName]}`).join('; ')}\n` : '',
    c.bestHeuristic === undefined ? '' : verdict(c.summary, c.bestHeuristic, c.learnedVsBest ?? null),
  ].join('');
}

/** The best heuristic by p99 end-to-end latency, and the learned policy against it. */
function verdict(summary: readonly PolicySummary[], best: string, learned: LearnedVsBest | null): string {
  const b = summary.find((s) => s.policy === best) as PolicySummary;
  const lines = [`\nbest heuristic by p99 end-to-end latency: ${best} (${fixed(b.e2eP99.mean, 2)} s)\n`];
  if (learned !== null) {
    const l = summary.find((s) => s.kind === 'learned') as PolicySummary;
    lines.push(
      `${l.policy} against ${best}: p99 e2e ${fixed(learned.e2eP99Ratio, 3)}x (${fixed(l.e2eP99.mean, 2)} s), ` +
        `mean e2e ${fixed(learned.e2eMeanRatio, 3)}x (${fixed(l.e2eMean.mean, 2)} s against ${fixed(b.e2eMean.mean, 2)} s), ` +
        `throughput ${fixed(learned.throughputRatio, 3)}x (${fixed(l.throughputRps.mean, 2)} against ${fixed(b.throughputRps.mean, 2)} requests/s)\n`,
    );
  }
  return lines.join('');
}
