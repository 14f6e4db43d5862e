import { join } from 'node:path';
import { envSpecOf, loadEnv, makeEnv, worldLabel } from '../env/env-spec.js';
import { isSeenByWorkers } from '../env/worlds/world-registry.js';
import type { MultiAgentEnv } from '../env/multi-agent/contract.js';
import { InputError } from '../errors.js';
import { isWorldScenario, type AnyScenario } from '../scenario/world-scenario-schema.js';
import { Experiment, type SessionOptions, type SessionOutcome, type SessionStart } from './experiment.js';
import { RunDirectory } from './run-directory.js';
import { withTotalUpdates } from './run-extension.js';
import { LOG_FILE } from './run-layout.js';
import { RunLog } from './run-log.js';
import { validationDirection } from './validation.js';
import { chooseStartingActors, keepStartingActors, keptStartingActors, startsWarm, withWarmStartDefaults } from './starting-actors.js';

export interface TrainRunOptions extends SessionOptions {
  /** The scenario to train (on resume, only its name is used: the run's own scenario.json is what continues). */
  scenario: AnyScenario;
  runDir: string;
  resume: boolean;
  /** Called with what happens before the first update (a warm start's cloning), for a progress display. */
  onProgress?: (line: string) => void;
  /** A run directory (e.g. from `mappo bc`) whose actors the run starts from (ignored on resume: the run keeps its own). */
  warmStart?: string;
  /** On resume: the run's new total of updates (see withTotalUpdates). A new run takes its total from the scenario. */
  updates?: number;
  /** Told what the run decided on its own (a stale lock taken over, a damaged checkpoint skipped, a start over); train.log has it too. */
  onNotice?: (line: string) => void;
}

/** The `train --json` document (docs/cli.md). */
export interface TrainResult {
  runDir: string;
  updates: number;
  envSteps: number;
  wallSeconds: number;
  /**
   * The last validation: the mean episode reward, the means of the
   * environment's own figures (`summary`), and for the cluster its p99
   * end-to-end latency and throughput.
   */
  final: { meanReward: number; e2eP99?: number; throughputRps?: number; summary: Record<string, number> };
  best: { update: number; metric: string; value: number } | null;
  stoppedEarly: boolean;
}

/**
 * A training run with everything a researcher expects around the PPO loop:
 * a run directory (RunDirectory: the scenario exactly as run, metrics.jsonl,
 * TensorBoard scalars, PNG plots, train.log, checkpoints), validation on
 * held-out seeds with the best checkpoint kept, early stopping, a load
 * curriculum (Experiment), and exact resumption: a run stopped and resumed
 * ends where an uninterrupted one ends.
 */
export async function runTraining(options: TrainRunOptions): Promise<TrainResult> {
  const o = { ...options, threads: rolloutThreads(options.scenario, options.threads) };
  const log = new RunLog(join(o.runDir, LOG_FILE), o.onNotice);
  const start = o.resume ? await resumeRun(o, log) : await startRun(o, log);
  try {
    log.open();
    const experiment = await Experiment.start(start, o, log);
    return resultOf(o.runDir, start.directory.scenario, await experiment.run());
  } finally {
    start.directory.release();
  }
}

/**
 * A new run: the folder must be new, empty, or an attempt of a run that
 * stopped before its first complete checkpoint (which starts over). Checked
 * before anything is written and before a warm start spends minutes cloning;
 * RunDirectory.create checks again under the lock.
 */
async function startRun(o: TrainRunOptions, log: RunLog): Promise<SessionStart> {
  const scenario = startsWarm(o.scenario, o.warmStart) ? withWarmStartDefaults(o.scenario) : o.scenario;
  const env = await learnedEnv(scenario);
  RunDirectory.refuseUnusable(o.runDir, true);
  const startingActors = await chooseStartingActors(o.warmStart, env, scenario, { log: log.line, progress: o.onProgress });
  const run = RunDirectory.create(o.runDir, scenario, { startsOver: true, notice: log.notice });
  try {
    if (startingActors !== null) keepStartingActors(run, startingActors);
    log.line(`training ${scenario.name}: ${scenario.learner.updates} updates of ${scenario.learner.rollout.copies} x ${scenario.learner.rollout.rounds} decisions, seed ${scenario.seed}`);
    if (startingActors !== null) log.line(`warm start from the actors of ${startingActors.from}`);
  } catch (e) {
    run.release();
    throw e;
  }
  return { directory: run, env, resumeFrom: null, startingActors };
}

/**
 * A run continued from its latest checkpoint that verifies (an earlier one if
 * latest is damaged), with the scenario it started with, and the new total of
 * updates if one is given.
 */
async function resumeRun(o: TrainRunOptions, log: RunLog): Promise<SessionStart> {
  const run = RunDirectory.resume(o.runDir, o.scenario.name, log.notice);
  try {
    const resumeFrom = run.resumePoint(log.notice);
    const started = run.scenario;
    const scenario = withTotalUpdates(started, o.updates, resumeFrom.progress.update, o.runDir);
    if (scenario !== started) {
      run.changeScenario(scenario);
      log.notice(`the run's total changed from ${started.learner.updates} to ${scenario.learner.updates} updates`);
    }
    return { directory: run, env: await learnedEnv(scenario), resumeFrom, startingActors: keptStartingActors(run) };
  } catch (e) {
    run.release();
    throw e;
  }
}

/**
 * The scenario's environment (a world module loaded in this thread), which
 * must have agents to train and report the figure the run validates on:
 * both checked before the run directory is written.
 */
async function learnedEnv(scenario: AnyScenario): Promise<MultiAgentEnv> {
  const spec = envSpecOf(scenario);
  await loadEnv(spec);
  validationDirection(scenario, spec);
  const env = makeEnv(spec);
  if (env.agents.length === 0) {
    throw new InputError(`scenario "${scenario.name}" has no learned agents: set agents.scheduler.policy (or agents.replica or agents.autoscaler) to "learned"`);
  }
  return env;
}

/**
 * Rollout threads: as asked (by default one per core), except for a world
 * registered in code, which worker threads cannot see: it collects on this
 * thread, and asking for more is refused before anything is written.
 */
function rolloutThreads(scenario: AnyScenario, asked: number | undefined): number | undefined {
  const spec = envSpecOf(scenario);
  if (spec.kind === 'cluster' || isSeenByWorkers(spec.world)) return asked;
  if (asked !== undefined && asked > 1) {
    throw new InputError(`${worldLabel(spec.world)} was registered with registerWorld, which rollout worker threads do not see; train it with threads: 1, or name its module in the scenario ("world": { "module": ... }) so every thread loads it`);
  }
  return 1;
}

function resultOf(runDir: string, scenario: AnyScenario, { progress, validation, stoppedEarly }: SessionOutcome): TrainResult {
  return {
    runDir,
    updates: progress.update,
    envSteps: progress.envSteps,
    wallSeconds: progress.wallSeconds,
    final: isWorldScenario(scenario)
      ? { meanReward: validation.meanReward, summary: validation.summary }
      : {
          meanReward: validation.meanReward,
          e2eP99: validation.summary.e2eP99 ?? NaN,
          throughputRps: validation.summary.throughputRps ?? NaN,
          summary: validation.summary,
        },
    best: progress.best,
    stoppedEarly,
  };
}
