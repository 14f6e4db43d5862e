/** What the training studies (bench:headline, bench:multi-frontend-stale, bench:autoscale-npv, bench:replica-budget, bench:route-and-budget) share: their command line, training each seed, evaluating and publishing. */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { produce } from 'immer';
import { useBackend } from '../src/agents/backend.js';
import { learnedRows, seedRange, type LearnedPolicy } from '../src/evaluation/compare-policies.js';
import type { SimulationReport } from '../src/env/metrics/report.js';
import { ServingSimulation } from '../src/env/serving-simulation.js';
import { loadScenario, requireCluster } from '../src/scenario/load.js';
import type { Scenario } from '../src/scenario/scenario-schema.js';
import { writeFileAtomic } from '../src/storage/atomic-file.js';
import { openTrainedRun } from '../src/training/load-run.js';
import { runTraining, type TrainResult } from '../src/training/training-run.js';
import type { Figure } from './harness.js';

/** One training seed's run: trained as `mappo train` does, then opened at its best checkpoint. */
export interface TrainedSeed {
  seed: number;
  runDir: string;
  result: TrainResult;
  seconds: number;
  learned: LearnedPolicy;
}

/**
 * Trains `scenario` once per seed with its own settings, each stopped at
 * `capSeconds` at the latest (the published figures promise a training time),
 * in a fresh run directory under the system's temporary folder.
 */
export async function trainSeeds(scenario: Scenario, seeds: readonly number[], capSeconds: number, progress: (line: string) => void): Promise<TrainedSeed[]> {
  const trained: TrainedSeed[] = [];
  for (const seed of seeds) {
    const runDir = mkdtempSync(join(tmpdir(), `mappo-${scenario.name}-seed${seed}-`));
    const started = performance.now();
    const elapsed = (): number => (performance.now() - started) / 1000;
    const result = await runTraining({
      scenario: produce(scenario, (s) => {
        s.seed = seed;
      }),
      runDir,
      resume: false,
      backend: 'wasm',
      shouldStop: () => elapsed() > capSeconds,
      onProgress: progress,
      onUpdate: (m, total) => {
        if (m.update % 100 === 0) progress(`training seed ${seed}: update ${m.update}/${total}, ${elapsed().toFixed(0)} s`);
      },
    });
    const seconds = elapsed();
    const run = await openTrainedRun(runDir);
    trained.push({ seed, runDir, result, seconds, learned: { agents: requireCluster(run.scenario, 'a training study').agents, networks: run.networks, greedy: run.scenario.training.validation.greedy } });
  }
  return trained;
}

/** "taking its most probable action" or "sampling its policy", as the runs were validated. */
export function actingAs(policies: readonly TrainedSeed[]): string {
  const greedy = new Set(policies.map((t) => t.learned.greedy));
  if (greedy.size > 1) return 'each acting as it was validated';
  return greedy.has(true) ? 'taking its most probable action, as it was validated' : 'sampling its policy, as it was validated';
}

/** What every training study takes on its command line. */
export interface StudyArgs {
  /** `--json`: figures as JSON lines on stdout, no progress on stderr. */
  json: boolean;
  /** `--train-seeds 1,2,3`. */
  trainingSeeds: number[];
  /** `--seeds N`: evaluation seeds 1..N. */
  evalSeeds: number[];
  progress: (line: string) => void;
}

/** The value after `flag` on the command line, if the flag is there. */
export function flagValue(argv: readonly string[], flag: string): string | undefined {
  return argv.includes(flag) ? argv[argv.indexOf(flag) + 1] : undefined;
}

/** A study's command line; one that trains nothing gives no `trainingSeeds` default (and gets none). */
export function studyArgs(argv: readonly string[], defaults: { trainingSeeds?: string; evalSeeds: number }): StudyArgs {
  const json = argv.includes('--json');
  const trainingSeeds = flagValue(argv, '--train-seeds') ?? defaults.trainingSeeds;
  return {
    json,
    trainingSeeds: trainingSeeds === undefined ? [] : trainingSeeds.split(',').map(Number),
    evalSeeds: seedRange(1, Number(flagValue(argv, '--seeds') ?? defaults.evalSeeds)),
    progress: (line) => {
      if (!json) process.stderr.write(`${line}\n`);
    },
  };
}

/** The report's lines on how each seed trained, and its learning curves (a file beside the report). */
export function trainingSection(trained: readonly TrainedSeed[], curvesFile: string): string[] {
  return [
    'Training:',
    '',
    ...trained.map((t) => `- seed ${t.seed}: ${t.result.updates} updates (${t.result.envSteps.toLocaleString('en-US')} decisions) in ${(t.seconds / 60).toFixed(1)} minutes; best checkpoint at update ${t.result.best?.update ?? '-'}.`),
    '',
    `![learning curves](${basename(curvesFile)})`,
  ];
}

/** Each seed's training time, as figures named `<prefix>.seed<N>.trainingMinutes`. */
export function trainingFigures(prefix: string, trained: readonly TrainedSeed[]): Figure[] {
  return trained.map((t) => ({ name: `${prefix}.seed${t.seed}.trainingMinutes`, value: t.seconds / 60, unit: 'min on this machine' }));
}

/** Writes the study's report (markdown, atomically) and prints it with its figures: as a table, or as JSON lines with `--json`. */
export function publish(reportFile: string, report: string, figures: readonly Figure[], json: boolean): void {
  writeFileAtomic(reportFile, report);
  if (!json) process.stderr.write(`${report}\n`);
  for (const f of figures) process.stdout.write(json ? `${JSON.stringify(f)}\n` : `${f.name.padEnd(44)} ${f.value.toFixed(3).padStart(10)} ${f.unit}\n`);
}

/** A study's scenario, trained on each training seed (wasm backend) and each policy played on the evaluation seeds. */
export async function trainAndEvaluate(
  file: string,
  args: StudyArgs,
  capSeconds: number,
): Promise<{ scenario: Scenario; trained: TrainedSeed[]; learned: SimulationReport[][] }> {
  await useBackend('wasm');
  const scenario = loadScenario(file);
  return { scenario, ...(await trainAndEvaluateScenario(scenario, args, capSeconds)) };
}

/** As trainAndEvaluate, for a scenario in hand (a variant of a study's scenario). */
export async function trainAndEvaluateScenario(scenario: Scenario, args: StudyArgs, capSeconds: number): Promise<{ trained: TrainedSeed[]; learned: SimulationReport[][] }> {
  await useBackend('wasm');
  const trained = await trainSeeds(scenario, args.trainingSeeds, capSeconds, args.progress);
  return { trained, learned: evaluateTrained(scenario, trained, args.evalSeeds, args.progress) };
}

/** Each trained policy's runs on the evaluation seeds (then its networks are released). */
function evaluateTrained(scenario: Scenario, trained: readonly TrainedSeed[], seeds: readonly number[], progress: (line: string) => void): SimulationReport[][] {
  const rows = trained.map((t) => {
    progress(`evaluating seed ${t.seed}'s policy on seeds ${seeds.join(', ')}`);
    return learnedRows(scenario, t.learned, seeds);
  });
  for (const t of trained) t.learned.networks.dispose();
  return rows;
}

/** The scenario's heuristics, as they stand in it, on each seed. */
export function simulateSeeds(scenario: Scenario, seeds: readonly number[]): SimulationReport[] {
  return seeds.map((seed) =>
    new ServingSimulation(
      produce(scenario, (s) => {
        s.seed = seed;
      }),
    ).run(),
  );
}

/** "12.34 ± 0.56". */
export const pm = (m: { mean: number; ci95: number }, digits = 2): string => `${m.mean.toFixed(digits)} ± ${m.ci95.toFixed(digits)}`;
