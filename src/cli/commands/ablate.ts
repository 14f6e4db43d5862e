import { Command } from 'commander';
import { produce } from 'immer';
import { useBackend } from '../../agents/backend.js';
import { formatAblationMarkdown } from '../../ablation/ablation-report.js';
import { LEARNING_CURVES, RESULTS_JSON, RESULTS_MD, runAblation } from '../../ablation/ablation-runner.js';
import { buildVariants } from '../../ablation/variants.js';
import { parseVary, type VaryAxis } from '../../ablation/vary.js';
import { queuedAblationStatus, runAblationOnQueue, type QueuedRunStatus } from '../../ablation/queue/queued-ablation.js';
import { parseRedisAddress } from '../../ablation/queue/redis-address.js';
import { FailedResult, InputError } from '../../errors.js';
import { loadAnyScenario } from '../../scenario/load.js';
import { applyOverrides } from '../../scenario/overrides.js';
import { addRunFlags, backendOption, integerAtLeast, runOverrides, type BackendFlags, type RunFlags } from '../flags.js';
import type { CliIo } from '../io.js';
import { table } from '../table.js';

interface AblateFlags extends RunFlags, BackendFlags {
  vary?: string[];
  seeds: number;
  updates?: number;
  workers?: number;
  out?: string;
  json?: boolean;
  queue?: string;
  status?: boolean;
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

Over several machines (docs/cli.md, "Sweeps over several machines"):
  --queue redis://HOST:PORT enqueues every unfinished run on one Redis instead of running
  it here; \`mappo worker --queue redis://HOST:PORT\` on each machine takes runs and trains
  them. This command waits, showing progress, and writes the same results when all have
  ended; Ctrl-C stops waiting (the runs stay queued; run it again to collect them). Run
  directories must be on storage every machine shares, at the same path.
  --status shows where each run stands and exits.

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
      .option('--queue <redis-url>', 'enqueue the runs on Redis (redis://HOST:PORT) for mappo worker processes on any machine, instead of running them here')
      .option('--status', 'with --queue: show which runs are done, failed, running and waiting, and exit')
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
    const out = flags.out ?? `runs/${base.name}-ablation`;
    if (flags.status === true && flags.queue === undefined) throw new InputError('--status reads the queue: give --queue redis://HOST:PORT');
    const address = flags.queue === undefined ? null : parseRedisAddress(flags.queue);
    if (address !== null) {
      if (flags.workers !== undefined) throw new InputError('--workers sets the threads of a run here; with --queue each mappo worker sets its own (mappo worker --workers N)');
      if (flags.status === true) {
        const rows = await queuedAblationStatus({ base, variants, seeds: flags.seeds, out, backend: flags.backend, address });
        io.stdout(flags.json ? `${JSON.stringify({ out, queue: address.shown, runs: rows }, null, 2)}\n` : formatQueueStatus(rows));
        return;
      }
    }
    // Fails here, with its own sentence, if the backend cannot start (e.g. native bindings missing), before any worker does.
    await useBackend(flags.backend);

    const controller = new AbortController();
    const onSigint = (): void => {
      controller.abort();
      io.stderr(address === null ? '\nstopping every run at its next checkpoint (Ctrl-C again to abort)\n' : '\nstopped waiting; the workers carry on\n');
      process.once('SIGINT', () => process.exit(130));
    };
    process.once('SIGINT', onSigint);
    let outcome;
    const log = (line: string): void => io.stderr(`${line}\n`);
    try {
      const common = { base, variants, seeds: flags.seeds, out, backend: flags.backend, signal: controller.signal, log };
      outcome =
        address === null ? await runAblation({ ...common, workers: flags.workers }) : await runAblationOnQueue({ ...common, address });
    } finally {
      process.off('SIGINT', onSigint);
    }
    if (outcome.report === null) {
      const queued = address !== null ? '; the others stay queued for the workers: run the same command again to collect them' : '; run the same command again to continue';
      io.stderr(`interrupted: ${outcome.recorded} of ${variants.length * flags.seeds} runs finished${queued}\n`);
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

/** The --status table: one row per run, then the counts. */
function formatQueueStatus(rows: readonly QueuedRunStatus[]): string {
  const cells = rows.map((r) => [
    r.variant,
    String(r.seed),
    r.state,
    r.update === null ? '-' : `${r.update}/${r.updates}`,
    r.error ?? '',
  ]);
  const count = (state: QueuedRunStatus['state']): number => rows.filter((r) => r.state === state).length;
  const totals = (['done', 'failed', 'running', 'waiting', 'not queued'] as const).map((s) => `${count(s)} ${s}`).join(', ');
  return `${table(['variant', 'seed', 'state', 'update', 'error'], cells)}\n${rows.length} runs: ${totals}\n`;
}
