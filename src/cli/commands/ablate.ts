import { Command } from 'commander';
import { produce } from 'immer';
import { useBackend } from '../../agents/backend.js';
import { formatAblationMarkdown } from '../../ablation/ablation-report.js';
import { LEARNING_CURVES, RESULTS_JSON, RESULTS_MD, runAblation } from '../../ablation/ablation-runner.js';
import { buildVariants } from '../../ablation/variants.js';
import { parseVary, type VaryAxis } from '../../ablation/vary.js';
import { FailedResult, InputError } from '../../errors.js';
import { loadAnyScenario } from '../../scenario/load.js';
import { applyOverrides } from '../../scenario/overrides.js';
import { addRunFlags, backendOption, integerAtLeast, runOverrides, type BackendFlags, type RunFlags } from '../flags.js';
import type { CliIo } from '../io.js';

interface AblateFlags extends RunFlags, BackendFlags {
  vary?: string[];
  seeds: number;
  updates?: number;
  workers?: number;
  out?: string;
  json?: boolean;
}

const HELP = `
Variants:
  PATH is a dotted path into the scenario JSON (list elements as [i] or .i),
  e.g. learner.gamma, learner.advantageNormalization.kind, reward.terms[0].weight.
  Each value is read as JSON when it parses (0.5, true, [64,64], {"kind":"fixed","scale":2})
  and as text otherwise (none, batch). Commas inside [], {} or quotes do not split values.
  Several --vary flags give every combination of their values. Each variant is the
  scenario with only those paths changed, and every variant is checked against the
  scenario schema before anything runs.
  Shorthands: actors=shared,independent   (agents.networks.actorSharing)
              critic=central,local        (agents.networks.criticInput: central = global
                                           state, MAPPO; local = the agent's own observation, IPPO)

Runs:
  Each variant trains on --seeds seeds (the scenario seed, or --seed, and the ones after
  it), every run in its own run directory OUT/runs/<variant>/seed-<seed>/ (as mappo train
  writes), one run per worker thread at a time. A run's numbers depend only on its
  variant and seed, not on --workers. A run that throws or diverges (NaN or infinite
  loss or reward) is reported as failed with its reason; the others carry on.

Output (default OUT: runs/<scenario name>-ablation):
  OUT/${RESULTS_MD}, OUT/${RESULTS_JSON}: per variant, the mean and 95% confidence interval
  across seeds of the final validation reward, p99 end-to-end latency, throughput
  and wall time, and the failed runs with their errors; the table (or with --json the
  JSON document) is also printed. OUT/${LEARNING_CURVES}: mean curves per variant with
  a min-max band across seeds. Progress goes to stderr, one line per finished run.

Resume:
  Each run records its outcome (result.json) when it ends. Running the same command
  with the same OUT skips finished runs (failed ones too: delete a run's directory to
  retry it) and continues interrupted ones from their last checkpoint. Ctrl-C stops
  every run at a checkpoint; a second Ctrl-C aborts.

Exit code: 0 when at least one run trained to its end (failed variants are part
of the result), 1 when every run failed or the input is wrong, 130 when interrupted.

Example:
  mappo ablate scenarios/default.json --vary actors=shared,independent --vary learner.gamma=0.5,0.9 --seeds 3 --updates 50
`;

export function ablateCommand(io: CliIo): Command {
  return addRunFlags(
    new Command('ablate')
      .description('train every combination of varied scenario settings on several seeds, in parallel; table and learning curves')
      .argument('<scenario>', 'scenario JSON file')
      .option('--vary <PATH=V1,V2>', 'a scenario path and the values it takes (repeat for more paths)', (v: string, all: string[] | undefined) => [...(all ?? []), v])
      .option('--seeds <n>', 'seeds per variant', integerAtLeast(1), 3)
      .option('--updates <n>', 'PPO updates for every variant (overrides learner.updates)', integerAtLeast(1))
      .option('--workers <n>', 'runs in parallel, one worker thread each (default: one per core)', integerAtLeast(1))
      .option('--out <dir>', 'ablation directory (default: runs/<scenario name>-ablation)')
      .addOption(backendOption('tensor backend of every run'))
      .option('--json', 'print one JSON document (docs/cli.md) instead of the table')
      .addHelpText('after', HELP),
  ).action(async (file: string, flags: AblateFlags) => {
    const axes = (flags.vary ?? []).map(parseVary);
    if (axes.length === 0) throw new InputError('ablate needs at least one --vary PATH=V1,V2 (see mappo ablate --help)');
    let base = applyOverrides(loadAnyScenario(file), runOverrides(flags));
    if (flags.updates !== undefined) {
      const clash = axes.find((a) => setsLearnerUpdates(a));
      if (clash !== undefined) throw new InputError(`--updates and --vary ${clash.label} both set learner.updates; give one`);
      const updates = flags.updates;
      base = produce(base, (s) => {
        s.learner.updates = updates;
      });
    }
    const variants = buildVariants(base, axes);
    // Fails here, with its own sentence, if the backend cannot start (e.g. native bindings missing), before any worker does.
    await useBackend(flags.backend);

    const controller = new AbortController();
    const onSigint = (): void => {
      controller.abort();
      io.stderr('\nstopping every run at its next checkpoint (Ctrl-C again to abort)\n');
      process.once('SIGINT', () => process.exit(130));
    };
    process.once('SIGINT', onSigint);
    const out = flags.out ?? `runs/${base.name}-ablation`;
    let outcome;
    try {
      outcome = await runAblation({
        base,
        variants,
        seeds: flags.seeds,
        out,
        workers: flags.workers,
        backend: flags.backend,
        signal: controller.signal,
        log: (line) => io.stderr(`${line}\n`),
      });
    } finally {
      process.off('SIGINT', onSigint);
    }
    if (outcome.report === null) {
      io.stderr(`interrupted: ${outcome.recorded} of ${variants.length * flags.seeds} runs finished; run the same command again to continue\n`);
      throw new FailedResult(130);
    }
    io.stderr(`wrote ${out}/${RESULTS_MD}, ${out}/${RESULTS_JSON} and ${out}/${LEARNING_CURVES}\n`);
    io.stdout(flags.json ? `${JSON.stringify(outcome.report, null, 2)}\n` : formatAblationMarkdown(outcome.report));
    if (outcome.failed === outcome.recorded) throw new FailedResult(1);
  });
}

/** Whether the axis writes learner.updates itself or the whole section holding it. */
function setsLearnerUpdates(axis: VaryAxis): boolean {
  const target = ['learner', 'updates'];
  return axis.path.length <= target.length && axis.path.every((step, i) => String(step) === target[i]);
}
