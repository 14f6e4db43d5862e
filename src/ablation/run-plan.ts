import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { produce } from 'immer';
import { InputError } from '../errors.js';
import type { AnyScenario } from '../scenario/world-scenario-schema.js';
import { CheckpointStore } from '../training/checkpoint-store.js';
import { SCENARIO_FILE } from '../training/run-layout.js';
import { readRunRecord, scenarioHash, type RunRecord } from './run-record.js';
import type { Variant } from './variants.js';

/** One training run of an ablation (a variant on a seed) and where an earlier invocation left it. */
export interface PlannedRun {
  variant: Variant;
  seed: number;
  runDir: string;
  /** The variant with this run's seed. */
  scenario: AnyScenario;
  scenarioHash: string;
  /**
   * `done`: an earlier invocation finished it (see `record`); `resume`: it was
   * interrupted after a checkpoint and continues from it; `fresh`: it starts
   * from nothing (an interrupted start without a checkpoint is cleared first).
   */
  start: 'done' | 'resume' | 'fresh';
  record: RunRecord | null;
}

/** The seeds every variant runs on: `count` of them from `first`. */
export function ablationSeeds(first: number, count: number): number[] {
  return Array.from({ length: count }, (_, i) => first + i);
}

/** The first progress line of an ablation: its size, and how many runs an earlier invocation finished. */
export function planHeadline(scenario: string, variants: number, seeds: number, plan: readonly PlannedRun[]): string {
  const finished = plan.filter((p) => p.start === 'done').length;
  return (
    `ablation of ${scenario}: ${variants} variant${variants === 1 ? '' : 's'} x ${seeds} seed${seeds === 1 ? '' : 's'} = ${plan.length} runs` +
    (finished > 0 ? `, ${finished} finished earlier` : '')
  );
}

/** Run directories of an ablation in OUT. */
export function runDirectory(out: string, variant: Variant, seed: number): string {
  return join(out, 'runs', variant.dir, `seed-${seed}`);
}

/**
 * Every variant on every seed, variant by variant, with what an earlier
 * invocation with the same OUT already did (see runStart): a mismatch is an
 * error before anything runs.
 */
export function planRuns(variants: readonly Variant[], seeds: readonly number[], out: string): PlannedRun[] {
  return variants.flatMap((variant) =>
    seeds.map((seed): PlannedRun => {
      const scenario = produce(variant.scenario, (s) => {
        s.seed = seed;
      });
      const hash = scenarioHash(scenario);
      const runDir = runDirectory(out, variant, seed);
      return { variant, seed, runDir, scenario, scenarioHash: hash, ...runStart(runDir, hash, `variant ${variant.name} on seed ${seed}`) };
    }),
  );
}

/**
 * Where an earlier invocation left the run of the scenario hashed `hash` in
 * `runDir` (`what` names the run in errors). A run directory that holds a
 * different scenario belongs to another ablation: reusing it would mix
 * results, so it is an error.
 */
export function runStart(runDir: string, hash: string, what: string): Pick<PlannedRun, 'start' | 'record'> {
  const stale = (): InputError => new InputError(`${runDir} holds a run of a different scenario than ${what} (the ablation changed since it ran); choose another --out, or delete ${runDir}`);
  const record = readRunRecord(runDir);
  if (record !== null) {
    if (record.scenarioHash !== hash) throw stale();
    return { start: 'done', record };
  }
  const saved = join(runDir, SCENARIO_FILE);
  if (!existsSync(saved)) return { start: 'fresh', record: null };
  let savedHash: string;
  try {
    savedHash = scenarioHash(JSON.parse(readFileSync(saved, 'utf8')));
  } catch {
    throw new InputError(`${saved} is not valid JSON; delete ${runDir} to run it again`);
  }
  if (savedHash !== hash) throw stale();
  const resumable = new CheckpointStore(join(runDir, 'checkpoints')).resolve('latest') !== null;
  return { start: resumable ? 'resume' : 'fresh', record: null };
}
