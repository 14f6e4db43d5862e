import { InvalidArgumentError, Option, type Command } from 'commander';
import { BACKENDS, type BackendName } from '../agents/backend.js';
import { parseSet, type RunOverrides } from '../scenario/overrides.js';

/** Commander parsers that reject bad values with the phrase commander appends to its error sentence. */
export function integerAtLeast(min: number): (value: string) => number {
  return (value) => {
    const n = Number(value);
    if (!/^-?\d+$/.test(value.trim()) || !Number.isSafeInteger(n) || n < min) {
      throw new InvalidArgumentError(min === 0 ? 'Expected a non-negative integer.' : `Expected an integer >= ${min}.`);
    }
    return n;
  };
}

export function positiveNumber(value: string): number {
  const n = Number(value);
  if (value.trim() === '' || !Number.isFinite(n) || n <= 0) throw new InvalidArgumentError('Expected a positive number.');
  return n;
}

export function fractionBelowOne(value: string): number {
  const n = Number(value);
  if (value.trim() === '' || !(n >= 0 && n < 1)) throw new InvalidArgumentError('Expected a number from 0 up to (not including) 1.');
  return n;
}

/** The flags shared by every command that runs a scenario (docs/cli.md, "Shared run flags"). */
export function addRunFlags(command: Command): Command {
  return addSetFlag(command)
    .option('--seed <n>', 'random seed (overrides the scenario)', integerAtLeast(0))
    .option('--requests <n>', 'stop after N arrivals', integerAtLeast(1))
    .option('--trace <file>', "replace the scenario's workload with a replay of a trace CSV (Azure or Vidur columns)")
    .addOption(new Option('--time-scale <x>', 'multiply trace inter-arrival times by X (X < 1 raises the load)').argParser(positiveNumber));
}

/** `--set PATH=VALUE`, repeatable: any scenario setting, by the paths of `ablate --vary`. */
export function addSetFlag(command: Command): Command {
  return command.option(
    '--set <path=value>',
    'set a scenario setting, e.g. learner.gamma=0.9 or workload.arrivals.rate=4 (a JSON value, or text; repeat for more; checked against the schema)',
    (v: string, all: string[] | undefined) => [...(all ?? []), v],
  );
}

export interface RunFlags {
  set?: string[];
  seed?: number;
  requests?: number;
  trace?: string;
  timeScale?: number;
}

export function runOverrides(flags: RunFlags): RunOverrides {
  return { set: flags.set?.map(parseSet), seed: flags.seed, requests: flags.requests, trace: flags.trace, timeScale: flags.timeScale };
}

/**
 * `--backend <name>`, declared here once so every command that runs networks
 * offers the same choices and default; the description says what the backend
 * runs in that command (the trained policy in compare, every run in ablate).
 */
export function backendOption(description = 'tensor backend'): Option {
  return new Option('--backend <name>', description).choices(BACKENDS).default('wasm' satisfies BackendName);
}

export interface BackendFlags {
  backend: BackendName;
}
