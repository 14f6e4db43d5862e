import { Command } from 'commander';
import { produce } from 'immer';
import { train } from '../../api/train.js';
import { loadAnyScenario } from '../../scenario/load.js';
import { InputError } from '../../errors.js';
import { applyOverrides } from '../../scenario/overrides.js';
import type { TrainResult } from '../../training/training-run.js';
import type { MetricsRecord } from '../../training/metrics-file.js';
import { addRunFlags, backendOption, integerAtLeast, runOverrides, type BackendFlags, type RunFlags } from '../flags.js';
import type { CliIo } from '../io.js';
import { Progress } from '../progress.js';
import { fixed, secs, thousands } from '../table.js';

interface TrainFlags extends RunFlags, BackendFlags {
  out?: string;
  updates?: number;
  resume?: boolean;
  threads?: number;
  record?: string;
  warmStart?: string;
  json?: boolean;
}

export function trainCommand(io: CliIo): Command {
  return addRunFlags(
    new Command('train')
      .description("train the scenario's learned agents (MAPPO) and write a run directory")
      .argument('<scenario>', 'scenario JSON file')
      .option(
        '--out <dir>',
        'run directory: new or empty, a run to --resume, or a run stopped before its first checkpoint (started over) (default: runs/<scenario name>)',
      )
      .option(
        '--updates <n>',
        "number of PPO updates (overrides learner.updates); with --resume, the run's new total, e.g. to extend a finished run: " +
          'refused if the learning rate or entropy coefficient is scheduled (linear, cosine) over the old total',
        integerAtLeast(1),
      )
      .option('--resume', 'continue the run in --out from its latest checkpoint (an earlier one if the latest is damaged)')
      .option('--threads <n>', 'threads for rollouts (default: one per core)', integerAtLeast(1))
      .addOption(backendOption())
      .option('--warm-start <run-dir>', 'start from the actors of a run (e.g. from mappo bc), held near them by a fading KL penalty')
      .option('--record <file>', 'record every decision of every rollout to a rollout file (msgpack)')
      .option('--json', 'print one JSON document (docs/cli.md) when training ends'),
  ).action(async (file: string, flags: TrainFlags) => {
    if (flags.resume === true && flags.set !== undefined) throw new InputError("--set changes a new run's scenario; a resumed run continues with its own scenario.json (start a new run, or --warm-start one from it)");
    const loaded = applyOverrides(loadAnyScenario(file), runOverrides(flags));
    const scenario =
      flags.updates === undefined
        ? loaded
        : produce(loaded, (s) => {
            s.learner.updates = flags.updates as number;
          });
    const progress = new Progress(io);
    let stop = false;
    const onSigint = (): void => {
      stop = true;
      io.stderr('\nstopping after this update; the checkpoint will be saved (Ctrl-C again to abort)\n');
      process.once('SIGINT', () => process.exit(130));
    };
    process.once('SIGINT', onSigint);
    let result: TrainResult;
    try {
      result = await train(scenario, {
        runDir: flags.out,
        resume: flags.resume === true,
        updates: flags.updates,
        threads: flags.threads,
        backend: flags.backend,
        onUpdate: (m, total) => progress.update(progressLine(m, total)),
        onProgress: (line) => progress.update(line),
        onNotice: (line) => {
          progress.done();
          io.stderr(`note: ${line}\n`);
        },
        shouldStop: () => stop,
        record: flags.record,
        warmStart: flags.warmStart,
      });
    } finally {
      process.off('SIGINT', onSigint);
      progress.done();
    }
    if (flags.json) {
      io.stdout(`${JSON.stringify(result, null, 2)}\n`);
      return;
    }
    io.stdout(
      [
        `trained ${result.updates} updates (${thousands(result.envSteps)} decisions) in ${fixed(result.wallSeconds, 1)} s${result.stoppedEarly ? ', stopped early' : ''}`,
        `validation: mean episode reward ${fixed(result.final.meanReward, 3)}${validationFigures(result.final)}`,
        result.best ? `best: ${result.best.metric} ${fixed(result.best.value, 4)} at update ${result.best.update} (checkpoints/best)` : '',
        `run directory: ${result.runDir} (TensorBoard: tensorboard --logdir ${result.runDir}; evaluate: mappo eval ${result.runDir})`,
      ]
        .filter((l) => l !== '')
        .join('\n') + '\n',
    );
  });
}

/** The serving figures of a cluster's validation, or the figures another world reports. */
function validationFigures(final: TrainResult['final']): string {
  if (final.e2eP99 !== undefined) return `, p99 end-to-end ${secs(final.e2eP99)} s, ${fixed(final.throughputRps ?? NaN)} requests/s`;
  return Object.entries(final.summary)
    .map(([k, v]) => `, ${k} ${fixed(v, 3)}`)
    .join('');
}

/** update 12/100 [####------] 12,288 decisions · reward 0.712 · p99 13.9 s · KL 0.0041 · H 0.81 · 2.1 s/update · ETA 3m */
function progressLine(m: MetricsRecord, total: number): string {
  const width = 20;
  const done = Math.round((m.update / total) * width);
  const perUpdate = m.wallSeconds / Math.max(1, m.update);
  const eta = perUpdate * (total - m.update);
  const f = (key: string, digits: number): string => (Number.isFinite(m[key]) ? m[key].toFixed(digits) : '-');
  return (
    `update ${m.update}/${total} [${'#'.repeat(done)}${'-'.repeat(width - done)}] ${thousands(m.envSteps)} decisions` +
    ` · reward ${f('reward/perDecision', 3)}${Number.isFinite(m['episode/e2eP99']) ? ` · p99 ${f('episode/e2eP99', 1)} s` : ''} · KL ${f('policy/approxKl', 4)} · H ${f('policy/entropy', 2)}` +
    ` · ${perUpdate.toFixed(1)} s/update · ETA ${eta >= 60 ? `${Math.round(eta / 60)}m` : `${Math.round(eta)}s`}`
  );
}
