import { availableParallelism } from 'node:os';
import { Command } from 'commander';
import { useBackend } from '../../agents/backend.js';
import { parseRedisAddress } from '../../ablation/queue/redis-address.js';
import { serveRuns } from '../../ablation/queue/run-worker.js';
import { backendOption, integerAtLeast, type BackendFlags } from '../flags.js';
import type { CliIo } from '../io.js';

interface WorkerFlags extends BackendFlags {
  queue: string;
  workers?: number;
  stallSeconds: number;
}

const HELP = `
Takes the runs that mappo ablate --queue enqueues on Redis, from any number of
ablations, and trains each on a worker thread, writing its run directory where
the ablation planned it: on storage every machine shares, at the same path.

Stopping: SIGTERM or Ctrl-C stops every run after its current update, at a
checkpoint, puts it back in the queue (the next worker continues it from there)
and exits 0; a second signal exits at once. A worker that dies (killed, its
machine lost) stops renewing its runs' locks: after --stall-seconds the queue
hands them to another worker, which continues each from its last checkpoint
when the run directory is shared, or starts it over otherwise. Either way the
numbers are the same: a run depends only on its scenario and seed.
`;

export function workerCommand(io: CliIo): Command {
  return new Command('worker')
    .description('train runs of queued ablations (mappo ablate --queue) on this machine until stopped')
    .requiredOption('--queue <redis-url>', 'the Redis the ablations queue their runs on (redis://HOST:PORT)')
    .option('--workers <n>', 'runs at a time, one worker thread each (default: one per core)', integerAtLeast(1))
    .option('--stall-seconds <n>', 'seconds a run of a worker that stopped renewing its lock waits before another worker takes it', integerAtLeast(1), 30)
    .addOption(backendOption('tensor backend of every run'))
    .addHelpText('after', HELP)
    .action(async (flags: WorkerFlags) => {
      const address = parseRedisAddress(flags.queue);
      // Fails here, with its own sentence, if the backend cannot start, before any run is taken.
      await useBackend(flags.backend);
      const controller = new AbortController();
      const onSignal = (): void => {
        io.stderr('stopping: every run stops at its next checkpoint and goes back to the queue (signal again to exit at once)\n');
        controller.abort();
        process.once('SIGINT', () => process.exit(130));
        process.once('SIGTERM', () => process.exit(143));
      };
      process.once('SIGINT', onSignal);
      process.once('SIGTERM', onSignal);
      try {
        const { ran } = await serveRuns({
          address,
          threads: flags.workers ?? availableParallelism(),
          backend: flags.backend,
          stallSeconds: flags.stallSeconds,
          signal: controller.signal,
          log: (line) => io.stderr(`${line}\n`),
        });
        io.stderr(`stopped after ${ran} run${ran === 1 ? '' : 's'}\n`);
      } finally {
        process.off('SIGINT', onSignal);
        process.off('SIGTERM', onSignal);
      }
    });
}
