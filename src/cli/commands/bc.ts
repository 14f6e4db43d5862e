import { Command } from 'commander';
import { useBackend } from '../../agents/backend.js';
import { DEFAULT_CLONING_EPOCHS, DEFAULT_LABEL_SMOOTHING } from '../../learners/behavior-cloning.js';
import { loadScenario } from '../../scenario/load.js';
import { applyOverrides } from '../../scenario/overrides.js';
import { runCloning } from '../../training/cloning-run.js';
import { defaultRunDir } from '../../training/run-directory.js';
import { backendOption, fractionBelowOne, integerAtLeast, positiveNumber, type BackendFlags } from '../flags.js';
import type { CliIo } from '../io.js';
import { Progress } from '../progress.js';
import { fixed, table, thousands } from '../table.js';

interface BcFlags extends BackendFlags {
  demos: string;
  out?: string;
  epochs: number;
  batchSize: number;
  lr: number;
  validationSplit: number;
  labelSmoothing: number;
  seed?: number;
  json?: boolean;
}

export function bcCommand(io: CliIo): Command {
  return new Command('bc')
    .description("behavior-clone the scenario's actors from demonstrations; the result is a run directory for eval, compare and train --warm-start")
    .argument('<scenario>', 'scenario JSON file (its learned agents and networks are the ones cloned)')
    .requiredOption('--demos <file>', 'demonstrations recorded by mappo demo (or any --record file)')
    .option('--out <dir>', 'run directory to write, new or empty (default: runs/<scenario name>-bc)')
    .option('--epochs <n>', 'passes over the demonstrations', integerAtLeast(1), DEFAULT_CLONING_EPOCHS)
    .option('--batch-size <n>', 'decisions per minibatch', integerAtLeast(1), 256)
    .option('--lr <x>', 'Adam learning rate at the first epoch (it decays linearly to 0)', positiveNumber, 3e-3)
    .option('--validation-split <x>', 'fraction of demonstrated episodes held out to measure agreement', fractionBelowOne, 0.2)
    .option('--label-smoothing <x>', 'share of each target spread over all allowed actions, so the clone keeps exploring under PPO', fractionBelowOne, DEFAULT_LABEL_SMOOTHING)
    .option('--seed <n>', 'random seed for initialization, the split and shuffling (default: the scenario seed)', integerAtLeast(0))
    .addOption(backendOption())
    .option('--json', 'print one JSON document (docs/cli.md) when done')
    .action(async (file: string, flags: BcFlags) => {
      const scenario = applyOverrides(loadScenario(file, 'mappo bc'), { seed: flags.seed });
      await useBackend(flags.backend);
      const progress = new Progress(io);
      const result = await runCloning({
        scenario,
        demos: flags.demos,
        runDir: flags.out ?? defaultRunDir(scenario.name, '-bc'),
        epochs: flags.epochs,
        batchSize: flags.batchSize,
        lr: flags.lr,
        validationSplit: flags.validationSplit,
        labelSmoothing: flags.labelSmoothing,
        onEpoch: (e, total) =>
          progress.update(`epoch ${e.epoch}/${total} · loss ${fixed(e.trainLoss, 4)} · agreement ${fixed(e.trainAccuracy * 100, 1)}% (held out ${fixed(e.validationAccuracy * 100, 1)}%)`),
      });
      progress.done();
      for (const w of result.demos.warnings) io.stderr(`warning: ${w}\n`);
      if (flags.json) {
        io.stdout(`${JSON.stringify(result, null, 2)}\n`);
        return;
      }
      const f = result.final;
      io.stdout(
        `cloned from ${thousands(result.demos.decisions.train)} decisions (${result.demos.episodes.train} episodes); ` +
          `${thousands(result.demos.decisions.validation)} decisions of ${result.demos.episodes.validation} episodes held out; ${result.epochs} epochs in ${fixed(result.wallSeconds, 1)} s\n\n`,
      );
      io.stdout(
        table(
          ['', 'cross-entropy', 'agreement with the demonstrator'],
          [
            ['training', fixed(f.trainLoss, 4), `${fixed(f.trainAccuracy * 100, 1)}%`],
            ['held out', fixed(f.validationLoss, 4), `${fixed(f.validationAccuracy * 100, 1)}%`],
          ],
        ),
      );
      io.stdout(`\nrun directory: ${result.runDir} (evaluate: mappo eval ${result.runDir}; fine-tune: mappo train <scenario> --warm-start ${result.runDir})\n`);
    });
}
