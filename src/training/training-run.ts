import { appendFileSync, existsSync, mkdirSync, readFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { join, resolve } from 'node:path';
import { produce } from 'immer';
import type { BackendName } from '../agents/backend.js';
import { LEARNED_POLICY } from '../agents/learned-policy.js';
import { NetworkMap, type NamedWeights } from '../agents/network-map.js';
import { ClusterEnv } from '../env/cluster-env.js';
import type { EnvSpec } from '../env/env-spec.js';
import { Rng } from '../env/rng.js';
import { InputError } from '../errors.js';
import { Trainer, type TrainerState } from '../learners/trainer.js';
import { RolloutWriter, runHeader } from '../recording/rollout-writer.js';
import { revalidate } from '../scenario/load.js';
import type { Scenario } from '../scenario/scenario-schema.js';
import { higherIsBetter } from '../scenario/training-schema.js';
import { writeFileAtomic } from '../storage/atomic-file.js';
import { pack, unpack } from '../storage/msgpack.js';
import { TensorBoardWriter } from '../telemetry/tensorboard-writer.js';
import { isTrainerState, readCheckpoint, writeCheckpoint, type RunProgress } from './checkpoint.js';
import { CheckpointStore, type CheckpointLink } from './checkpoint-store.js';
import { cloneHeuristic } from './heuristic-warm-start.js';
import { openTrainedRun } from './load-run.js';
import { CHECKPOINTS_DIR, LOG_FILE, METRICS_FILE, SCENARIO_FILE, WARM_START_FILE, ensureRunId, inspectRunDirectory, refuseUnusable, removeEarlierAttempt } from './run-directory.js';
import { withTotalUpdates } from './run-extension.js';
import { RunLock } from './run-lock.js';
import { writeTrainingPlots, type MetricsRecord } from './training-plots.js';
import { validate, type ValidationResult } from './validation.js';

export interface TrainRunOptions {
  /** The scenario to train (ignored on resume: the run's own scenario.json is used). */
  scenario: Scenario;
  runDir: string;
  resume: boolean;
  threads?: number;
  backend: BackendName;
  /** Called after every update, for a progress display. */
  onUpdate?: (record: MetricsRecord, total: number) => void;
  /** Called with what happens before the first update (a warm start's cloning), for a progress display. */
  onProgress?: (line: string) => void;
  /** Polled between updates: true stops the run after a checkpoint (Ctrl-C). */
  shouldStop?: () => boolean;
  /** A rollout file to record every decision to (appended to; on resume, the file the run was recording to). */
  record?: string;
  /** A run directory (e.g. from `mappo bc`) whose actors the run starts from (ignored on resume: the run keeps its own). */
  warmStart?: string;
  /** On resume: the run's new total of updates (see withTotalUpdates). A new run takes its total from the scenario. */
  updates?: number;
  /** Told what the run decided on its own (a stale lock taken over, a damaged checkpoint skipped, a start over); train.log has it too. */
  onNotice?: (line: string) => void;
}

/** The `train --json` document (CLI.md). */
export interface TrainResult {
  runDir: string;
  updates: number;
  envSteps: number;
  wallSeconds: number;
  final: { meanReward: number; e2eP99: number; throughputRps: number };
  best: { update: number; metric: string; value: number } | null;
  stoppedEarly: boolean;
}

export { METRICS_FILE, SCENARIO_FILE, WARM_START_FILE } from './run-directory.js';
/** A warm start's default KL-to-reference coefficient at update 1 (see withWarmStartDefaults). */
export const WARM_START_KL_COEF = 0.1;
/** A warm start's default entropy coefficient during its warm-up. */
export const WARM_START_ENTROPY_COEF = 0.02;

/**
 * A training run with everything a researcher expects around the PPO loop:
 * a run directory (the scenario exactly as run, metrics.jsonl, TensorBoard
 * scalars, PNG plots, train.log, checkpoints), validation on held-out seeds
 * with the best checkpoint kept, early stopping, a load curriculum, and exact
 * resumption: a run stopped and resumed ends where an uninterrupted one ends.
 */
export async function runTraining(o: TrainRunOptions): Promise<TrainResult> {
  const stamped = (line: string): string => `${new Date().toISOString()} ${line}\n`;
  // What happens before train.log can be written (before the run directory exists, or while it starts over), stamped when it happened.
  const early: string[] = [];
  let logReady = false;
  const log = (line: string): void => {
    if (logReady) appendFileSync(join(o.runDir, LOG_FILE), stamped(line));
    else early.push(stamped(line));
  };
  const notice = (line: string): void => {
    log(line);
    o.onNotice?.(line);
  };
  let lock: RunLock | null = null;
  const takeLock = (): void => {
    lock = RunLock.acquire(o.runDir, notice);
  };
  try {
    const start = o.resume ? resumeRun(o, takeLock, notice) : await startRun(o, takeLock, log, notice);
    logReady = true;
    if (early.length > 0) appendFileSync(join(o.runDir, LOG_FILE), early.join(''));
    return await train(o, start, log);
  } finally {
    (lock as RunLock | null)?.release();
  }
}

/** What a run starts training from: its scenario as run, its store, and the checkpoint it resumes (if it does). */
interface RunStart {
  scenario: Scenario;
  env: ClusterEnv;
  store: CheckpointStore;
  saved: { dir: string; state: TrainerState; progress: RunProgress } | null;
  warmStart: StartingActors | null;
}

/**
 * A new run: the folder must be new, empty, or an attempt of a run that
 * stopped before its first complete checkpoint (which starts over). Checked
 * before anything is written (and before a warm start spends minutes cloning),
 * and again under the lock, which another process may have taken meanwhile.
 */
async function startRun(o: TrainRunOptions, takeLock: () => void, log: (line: string) => void, notice: (line: string) => void): Promise<RunStart> {
  const warmStarting = o.warmStart !== undefined || o.scenario.training.warmStart !== undefined;
  const scenario = warmStarting ? withWarmStartDefaults(o.scenario) : o.scenario;
  const env = learnedEnv(scenario);
  refuseUnusable(o.runDir, inspectRunDirectory(o.runDir));
  const warmStart = await startingActors(o.warmStart, env, scenario, { log, progress: o.onProgress });
  mkdirSync(o.runDir, { recursive: true });
  takeLock();
  const kind = inspectRunDirectory(o.runDir);
  refuseUnusable(o.runDir, kind);
  if (kind === 'attempt') {
    const removed = removeEarlierAttempt(o.runDir);
    notice(`starting over: ${o.runDir} held an attempt of this run that stopped before its first complete checkpoint; removed what it wrote (${removed.join(', ')})`);
  }
  const runId = ensureRunId(o.runDir);
  if (warmStart !== null) writeFileAtomic(join(o.runDir, WARM_START_FILE), pack(warmStart));
  writeFileAtomic(join(o.runDir, SCENARIO_FILE), `${JSON.stringify(scenario, null, 2)}\n`);
  log(`training ${scenario.name}: ${scenario.learner.updates} updates of ${scenario.learner.rollout.copies} x ${scenario.learner.rollout.rounds} decisions, seed ${scenario.seed}`);
  if (warmStart !== null) log(`warm start from the actors of ${warmStart.from}`);
  return { scenario, env, store: new CheckpointStore(join(o.runDir, CHECKPOINTS_DIR), runId), saved: null, warmStart };
}

/**
 * A run continued from its latest checkpoint that verifies (an earlier one if
 * latest is damaged), with the scenario it started with, and the new total of
 * updates if one is given.
 */
function resumeRun(o: TrainRunOptions, takeLock: () => void, notice: (line: string) => void): RunStart {
  if (!existsSync(join(o.runDir, SCENARIO_FILE))) throw new InputError(`cannot resume: ${o.runDir} is not a run directory (no ${SCENARIO_FILE})`);
  takeLock();
  const started = scenarioToResume(o);
  const checkpoints = join(o.runDir, CHECKPOINTS_DIR);
  if (!new CheckpointStore(checkpoints).hasComplete()) throw new InputError(`${o.runDir} has no complete checkpoint to resume from; start it over with mappo train without --resume`);
  // Only a run with a checkpoint is adopted (given an id, if it is from before ids), so its store can tell its own checkpoints.
  const store = new CheckpointStore(checkpoints, ensureRunId(o.runDir));
  const saved = resumePoint(o.runDir, store, notice);
  const scenario = withTotalUpdates(started, o.updates, saved.progress.update, o.runDir);
  if (scenario !== started) {
    writeFileAtomic(join(o.runDir, SCENARIO_FILE), `${JSON.stringify(scenario, null, 2)}\n`);
    notice(`the run's total changed from ${started.learner.updates} to ${scenario.learner.updates} updates`);
  }
  return { scenario, env: learnedEnv(scenario), store, saved, warmStart: keptStartingActors(o.runDir) };
}

/** The scenario's environment, which must have agents to train. */
function learnedEnv(scenario: Scenario): ClusterEnv {
  const env = new ClusterEnv(scenario);
  if (env.agents.length === 0) {
    throw new InputError(`scenario "${scenario.name}" has no learned agents: set agents.scheduler.policy (or agents.replica or agents.autoscaler) to "learned"`);
  }
  return env;
}

/** The PPO loop with everything around it, into a run directory that is ready and locked. */
async function train(o: TrainRunOptions, start: RunStart, log: (line: string) => void): Promise<TrainResult> {
  const { scenario, env, store, saved, warmStart } = start;
  const envSpec: EnvSpec = { kind: 'cluster', scenario };
  let recorder: RolloutWriter | null = null;
  const trainer = await Trainer.start({
    env: envSpec,
    networks: scenario.agents.networks,
    learner: scenario.learner,
    seed: scenario.seed,
    threads: o.threads,
    backend: o.backend,
    warmStart: warmStart?.actors,
    recordTo: o.record === undefined ? undefined : (frames) => recorder?.appendFrames(frames),
  });
  let progress: RunProgress = { update: 0, envSteps: 0, wallSeconds: 0, best: null, stale: 0, loadScale: 1 };
  let history: MetricsRecord[] = [];
  let lastValidation: ValidationResult | null = null;
  try {
    if (o.record !== undefined) recorder = openRecording(o.record, saved?.progress ?? null, envSpec, env, scenario.seed);
    if (saved !== null) {
      await trainer.restoreState(saved.state);
      progress = { ...saved.progress, recording: undefined };
      await trainer.setLoadScale(progress.loadScale);
      history = readMetrics(o.runDir).filter((m) => m.update <= progress.update);
      writeFileAtomic(join(o.runDir, METRICS_FILE), history.map((m) => `${JSON.stringify(m)}\n`).join(''));
      log(`resumed from ${saved.dir} at update ${progress.update}`);
    }
    if (recorder !== null) log(`recording every decision to ${recorder.path}`);
    // One event file per session: a resumed run adds a file, named for its first update.
    const board = new TensorBoardWriter(o.runDir, { hostname: `${hostname()}.${process.pid}.u${progress.update + 1}` });
    const total = scenario.learner.updates;
    const t = scenario.training;
    let stoppedEarly = false;
    try {
      for (let u = progress.update + 1; u <= total; u++) {
        const scale = loadScaleAt(scenario, u);
        if (scale !== progress.loadScale) {
          await trainer.setLoadScale(scale);
          progress.loadScale = scale;
          log(`curriculum: load x${scale} from update ${u}`);
        }
        const started = performance.now();
        const metrics = await trainer.step(u);
        progress.update = u;
        progress.envSteps += metrics['rollout/decisions'];
        const links: CheckpointLink[] = [];
        if (u % t.validation.every === 0 || u === total) {
          lastValidation = validate(envSpec, trainer.networks, t.validation);
          metrics['validation/reward'] = lastValidation.meanReward;
          for (const [k, v] of Object.entries(lastValidation.summary)) metrics[`validation/${k}`] = v;
          const improved = isImprovement(progress.best?.value ?? null, lastValidation.value, t.validation.metric, t.earlyStopping?.threshold ?? 0);
          if (improved) {
            progress.best = { update: u, metric: t.validation.metric, value: lastValidation.value };
            progress.stale = 0;
            links.push('best');
          } else {
            progress.stale++;
          }
          log(`validation at update ${u}: ${t.validation.metric} ${lastValidation.value.toFixed(4)}${improved ? ' (best so far)' : ''}`);
          if (t.earlyStopping !== undefined && progress.stale >= t.earlyStopping.patience) stoppedEarly = true;
        }
        progress.wallSeconds += (performance.now() - started) / 1000;
        const record: MetricsRecord = { update: u, envSteps: progress.envSteps, wallSeconds: progress.wallSeconds, loadScale: progress.loadScale, ...metrics };
        history.push(record);
        appendFileSync(join(o.runDir, METRICS_FILE), `${JSON.stringify(record)}\n`);
        board.scalars(u, record);
        log(summaryLine(record, total));
        o.onUpdate?.(record, total);
        const stopping = stoppedEarly || (o.shouldStop?.() ?? false);
        if (u % t.checkpointEvery === 0 || u === total || stopping) links.push('latest');
        if (links.length > 0) {
          if (recorder !== null) progress.recording = { file: resolve(recorder.path), bytes: recorder.bytesWritten() };
          const state = await trainer.captureState();
          await store.save({ update: u, metric: lastValidation ? { name: lastValidation.metric, value: lastValidation.value } : undefined }, links, (dir) =>
            writeCheckpoint(dir, trainer.networks, state, progress),
          );
          await writeTrainingPlots(o.runDir, history);
        }
        if (stoppedEarly) log(`early stopping: ${progress.stale} validations without improving ${t.validation.metric}`);
        if (stopping) break;
      }
      if (progress.update === total && store.resolve('latest') === null) {
        await store.save({ update: progress.update }, ['latest'], async (dir) => writeCheckpoint(dir, trainer.networks, await trainer.captureState(), progress));
      }
    } finally {
      board.close();
      recorder?.close();
    }
    if (lastValidation === null) lastValidation = validate(envSpec, trainer.networks, t.validation);
    log(`done: ${progress.update} updates, ${progress.envSteps} decisions, ${progress.wallSeconds.toFixed(1)} s`);
    return {
      runDir: o.runDir,
      updates: progress.update,
      envSteps: progress.envSteps,
      wallSeconds: progress.wallSeconds,
      final: {
        meanReward: lastValidation.meanReward,
        e2eP99: lastValidation.summary.e2eP99 ?? NaN,
        throughputRps: lastValidation.summary.throughputRps ?? NaN,
      },
      best: progress.best,
      stoppedEarly,
    };
  } finally {
    await trainer.close();
  }
}

/** The checkpoint a resumed run continues from: it must verify and hold a full training state. */
function resumePoint(runDir: string, store: CheckpointStore, notice: (line: string) => void): { dir: string; state: TrainerState; progress: RunProgress } {
  const dir = store.resumable(runDir, notice);
  const { state, progress } = readCheckpoint(dir);
  if (!isTrainerState(state)) {
    throw new InputError(`${runDir} holds a policy only (a behavior-cloning run), not a training state to resume; start a run from it with --warm-start ${runDir}`);
  }
  return { dir, state, progress };
}

interface StartingActors {
  from: string;
  actors: NamedWeights[];
}

/**
 * The actors a warm start begins from: a run's (`--warm-start`), or a clone of
 * the heuristic the scenario's `training.warmStart` names; checked against
 * this scenario's actors before anything is written.
 */
async function startingActors(
  from: string | undefined,
  env: ClusterEnv,
  scenario: Scenario,
  report: Parameters<typeof cloneHeuristic>[1],
): Promise<StartingActors | null> {
  const recipe = scenario.training.warmStart;
  if (from === undefined && recipe === undefined) return null;
  let start: StartingActors;
  if (from !== undefined) {
    const source = openTrainedRun(from);
    start = { from, actors: source.networks.exportActors() };
    source.networks.dispose();
  } else {
    start = { from: `a clone of ${recipe?.heuristic} (training.warmStart)`, actors: await cloneHeuristic(scenario, report) };
  }
  const probe = new NetworkMap(env.agents, env.stateSize, scenario.agents.networks, Rng.fromSeed(0));
  try {
    probe.importActors(start.actors);
  } catch (e) {
    if (e instanceof InputError) throw new InputError(`--warm-start ${from}: ${e.message}`);
    throw e;
  } finally {
    probe.dispose();
  }
  return start;
}

/** On resume: the actors the run started from, as kept in its directory (null for a cold start). */
function keptStartingActors(runDir: string): StartingActors | null {
  const kept = join(runDir, WARM_START_FILE);
  return existsSync(kept) ? unpack<StartingActors>(readFileSync(kept)) : null;
}

/**
 * A warm start's learner: unless the scenario already says how, PPO is held
 * near the cloned policy by a light KL-to-reference penalty that fades out
 * over the first tenth of the run, and the entropy bonus is raised over the
 * same updates. Both are light on purpose: on the default scenario, stronger
 * ones (a penalty of 1 over a third of the run, or 0.3 over a sixth) held PPO
 * near the heuristic for longer than a cold start took to pass it.
 * Written into the run's scenario.json, so the run states exactly what it did.
 */
export function withWarmStartDefaults(scenario: Scenario): Scenario {
  return produce(scenario, (s) => {
    const l = s.learner;
    const controls = Array.isArray(l.klControl) ? l.klControl : [l.klControl];
    if (!controls.some((c) => c.kind === 'reference')) {
      const reference = { kind: 'reference' as const, initialCoef: WARM_START_KL_COEF, finalCoef: 0, decayUpdates: Math.max(1, Math.ceil(l.updates / 10)) };
      l.klControl = [...controls.filter((c) => c.kind !== 'none'), reference];
    }
    if (l.entropy.warmup === undefined) l.entropy.warmup = { updates: Math.max(1, Math.ceil(l.updates / 10)), coef: WARM_START_ENTROPY_COEF };
  });
}

/**
 * The rollout file a run records to. A fresh run appends a new recorded run to
 * it; a resumed run cuts the file back to its length at the checkpoint and
 * continues, so the file ends as an uninterrupted run's would.
 */
function openRecording(path: string, resumedFrom: RunProgress | null, envSpec: EnvSpec, env: ClusterEnv, seed: number): RolloutWriter {
  if (resumedFrom === null) return RolloutWriter.open(path, runHeader('train', envSpec, env, seed, LEARNED_POLICY));
  const was = resumedFrom.recording;
  if (was === undefined || was.file !== resolve(path)) {
    throw new InputError(`--record ${path}: the run was ${was === undefined ? 'not recording' : `recording to ${was.file}`} at its checkpoint; resume with ${was === undefined ? 'no --record' : `--record ${was.file}`}`);
  }
  return RolloutWriter.resume(path, was.bytes);
}

/** The scenario of the run to resume, exactly as it started. */
function scenarioToResume(o: TrainRunOptions): Scenario {
  const scenarioPath = join(o.runDir, SCENARIO_FILE);
  if (!existsSync(scenarioPath)) throw new InputError(`cannot resume: ${o.runDir} is not a run directory (no ${SCENARIO_FILE})`);
  let saved: Scenario;
  try {
    saved = revalidate(JSON.parse(readFileSync(scenarioPath, 'utf8')) as Scenario, scenarioPath);
  } catch (e) {
    if (e instanceof InputError) throw e;
    throw new InputError(`cannot resume: ${scenarioPath} is not valid JSON`);
  }
  if (saved.name !== o.scenario.name) {
    throw new InputError(`cannot resume: ${o.runDir} trained scenario "${saved.name}", not "${o.scenario.name}"`);
  }
  return saved;
}

/** A run directory's metrics.jsonl, one record per update (none if it has no file yet). */
export function readMetrics(runDir: string): MetricsRecord[] {
  const path = join(runDir, METRICS_FILE);
  if (!existsSync(path)) return [];
  return readFileSync(path, 'utf8')
    .split('\n')
    .filter((line) => line.trim() !== '')
    .map((line) => JSON.parse(line) as MetricsRecord);
}

/** The curriculum's load scale for update `u` (the last stage started at or before it). */
function loadScaleAt(s: Scenario, u: number): number {
  let scale = 1;
  for (const stage of s.training.curriculum ?? []) if (stage.fromUpdate <= u) scale = stage.loadScale;
  return scale;
}

/** Whether `value` beats `best` by more than `threshold` (relative), in the metric's direction. */
function isImprovement(best: number | null, value: number, metric: Parameters<typeof higherIsBetter>[0], threshold: number): boolean {
  if (!Number.isFinite(value)) return false;
  if (best === null) return true;
  const margin = threshold * Math.max(Math.abs(best), 1e-8);
  return higherIsBetter(metric) ? value > best + margin : value < best - margin;
}

/** One readable line per update for train.log. */
export function summaryLine(m: MetricsRecord, total: number): string {
  const f = (key: string, digits: number): string => (Number.isFinite(m[key]) ? m[key].toFixed(digits) : '-');
  return `update ${m.update}/${total} decisions ${m.envSteps} reward/decision ${f('reward/perDecision', 3)} episode p99 ${f('episode/e2eP99', 2)}s KL ${f('policy/approxKl', 4)} entropy ${f('policy/entropy', 3)} ${f('time/rolloutSeconds', 2)}+${f('time/updateSeconds', 2)}s`;
}
