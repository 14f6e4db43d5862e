#!/usr/bin/env node
import { realpathSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Command, CommanderError } from 'commander';
import { FailedResult, InputError } from '../errors.js';
import { packageVersion } from '../package-info.js';
import { ablateCommand } from './commands/ablate.js';
import { bcCommand } from './commands/bc.js';
import { compareCommand } from './commands/compare.js';
import { demoCommand } from './commands/demo.js';
import { evalCommand } from './commands/eval.js';
import { replayCommand } from './commands/replay.js';
import { simulateCommand } from './commands/simulate.js';
import { trainCommand } from './commands/train.js';
import { processIo, type CliIo } from './io.js';

export function buildProgram(io: CliIo): Command {
  const program = new Command('mappo')
    .description('Multi-agent PPO on an event-driven simulation of an LLM-serving cluster.')
    .version(packageVersion())
    .showSuggestionAfterError()
    .configureOutput({ writeOut: io.stdout, writeErr: io.stderr })
    .exitOverride();
  for (const command of [simulateCommand(io), trainCommand(io), evalCommand(io), compareCommand(io), demoCommand(io), bcCommand(io), replayCommand(io), ablateCommand(io)]) {
    program.addCommand(command.configureOutput({ writeOut: io.stdout, writeErr: io.stderr }).exitOverride());
  }
  return program;
}

/** Runs the command line and returns the exit code; user mistakes print one sentence, never a stack trace. */
export async function main(argv: readonly string[], io: CliIo = processIo): Promise<number> {
  try {
    await buildProgram(io).parseAsync([...argv], { from: 'user' });
    return 0;
  } catch (e) {
    if (e instanceof CommanderError) return e.exitCode; // commander has already printed its sentence
    if (e instanceof FailedResult) return e.code;
    if (e instanceof InputError) {
      io.stderr(`error: ${e.message}\n`);
      return 1;
    }
    throw e;
  }
}

const invokedDirectly = process.argv[1] !== undefined && realpathSync(process.argv[1]) === fileURLToPath(import.meta.url);
if (invokedDirectly) {
  process.exitCode = await main(process.argv.slice(2));
}
