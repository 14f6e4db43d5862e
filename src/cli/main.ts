#!/usr/bin/env node
import { realpathSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Command } from 'commander';
import { packageVersion } from '../package-info.js';
import { ablateCommand } from './commands/ablate.js';
import { bcCommand } from './commands/bc.js';
import { compareCommand } from './commands/compare.js';
import { demoCommand } from './commands/demo.js';
import { evalCommand } from './commands/eval.js';
import { presetsCommand } from './commands/presets.js';
import { replayCommand } from './commands/replay.js';
import { simulateCommand } from './commands/simulate.js';
import { trainCommand } from './commands/train.js';
import { workerCommand } from './commands/worker.js';
import { failureReport } from './failure-report.js';
import { processIo, type CliIo } from './io.js';
import { checkOutputPaths } from './output-paths.js';

export function buildProgram(io: CliIo): Command {
  const program = new Command('mappo')
    .description('Multi-agent PPO on an event-driven simulation of an LLM-serving cluster.')
    .version(packageVersion())
    .showSuggestionAfterError()
    .configureOutput({ writeOut: io.stdout, writeErr: io.stderr })
    .exitOverride()
    .hook('preAction', (_program, command) => checkOutputPaths(command.name(), command.opts()));
  for (const command of [simulateCommand(io), trainCommand(io), evalCommand(io), compareCommand(io), demoCommand(io), bcCommand(io), replayCommand(io), ablateCommand(io), workerCommand(io), presetsCommand(io)]) {
    program.addCommand(command.configureOutput({ writeOut: io.stdout, writeErr: io.stderr }).exitOverride());
  }
  return program;
}

/**
 * Runs the command line and returns the exit code. Nothing thrown escapes:
 * user mistakes print one sentence, bugs one "internal error" line
 * (failure-report.ts), and both exit 1.
 */
export async function main(argv: readonly string[], io: CliIo = processIo): Promise<number> {
  try {
    await buildProgram(io).parseAsync([...argv], { from: 'user' });
    return 0;
  } catch (e) {
    const { code, text } = failureReport(e);
    io.stderr(text);
    return code;
  }
}

/**
 * For errors thrown where `main` cannot catch them (a callback, a promise
 * nobody awaits): the same report and exit 1. Put first in line, ahead of any
 * handler a library added (tfjs-wasm's Emscripten runtime re-throws, which
 * Node answers with exit code 7 and a raw stack).
 */
export function reportUncaughtErrors(io: CliIo = processIo): void {
  const report = (e: unknown): void => {
    const { code, text } = failureReport(e);
    io.stderr(text);
    process.exit(code === 0 ? 1 : code);
  };
  process.prependListener('uncaughtException', report);
  process.prependListener('unhandledRejection', report);
}

const invokedDirectly = process.argv[1] !== undefined && realpathSync(process.argv[1]) === fileURLToPath(import.meta.url);
if (invokedDirectly) {
  // A reader that has read enough (`| head`) closes the pipe: stop quietly, as Unix tools do.
  process.stdout.on('error', (e: NodeJS.ErrnoException) => {
    if (e.code !== 'EPIPE') throw e;
    process.exit(0);
  });
  reportUncaughtErrors();
  process.exitCode = await main(process.argv.slice(2));
}
