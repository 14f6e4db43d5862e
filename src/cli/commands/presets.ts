import { Command } from 'commander';
import { presetRows } from '../../env/hardware/preset-rows.js';
import type { CliIo } from '../io.js';
import { table, thousands } from '../table.js';

const percent = (x: number): string => `${(100 * x).toFixed(1)}%`;
const ms = (seconds: number): string => (1000 * seconds).toFixed(2);

export function presetsCommand(io: CliIo): Command {
  return new Command('presets')
    .description('list the replica presets (real GPUs serving a real model, for cluster.replicaTypes) and how well each follows its operator profile')
    .option('--json', 'print one JSON document (docs/cli.md) instead of a table')
    .addHelpText(
      'after',
      '\nUse one in a scenario as { "preset": "h100-llama-2-7b", "tp": 2 } in cluster.replicaTypes; fields beside it override the preset\'s (docs/hardware.md).',
    )
    .action((flags: { json?: boolean }) => {
      const rows = presetRows();
      if (flags.json) {
        io.stdout(`${JSON.stringify({ presets: rows }, null, 2)}\n`);
        return;
      }
      const header = ['preset', 'gpu', 'model', 'tp', 'KV tokens', 'floor (ms)', 'per token (us)', 'median error', 'max error'];
      const cells = rows.map((r) => [
        r.name,
        r.gpu,
        r.model,
        String(r.tp),
        thousands(r.kvTokens),
        ms(r.iterationTime.linearFloor),
        (1e6 * r.iterationTime.linearPerToken).toFixed(1),
        percent(r.medianAbsError),
        percent(r.maxAbsError),
      ]);
      io.stdout(table(header, cells));
      io.stdout(
        [
          '',
          `Errors: the linear layers' roofline, max(floor, base + per token x tokens), against the operator sums of the ${rows[0].points} profiled forward passes (1 to 4,096 tokens)`,
          'of data/profiles/vidur-llama-2-7b. Attention is priced from the GPUs\' datasheets and the overhead is assumed: src/env/hardware/hardware-constants.ts.',
          '',
        ].join('\n'),
      );
    });
}
