import { appendFileSync, existsSync, mkdirSync, readFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';
import type { BackendName } from '../agents/backend.js';
import { ClusterEnv } from '../env/cluster-env.js';
import type { EnvSpec } from '../env/env-spec.js';
import { InputError } from '../errors.js';
import { Trainer } from '../learners/trainer.js';
import { revalidate } from '../scenario/load.js';
import type { Scenario } from '../scenario/scenario-schema.js';
import { higherIsBetter } from '../scenario/training-schema.js';
import { writeFileAtomic } from '../storage/atomic-file.js';
import { TensorBoardWriter } from '../telemetry/tensorboard-writer.js';
import { readCheckpoint, writeCheckpoint, type RunProgress } from './checkpoint.js';
import { CheckpointStore, type CheckpointLink } from './checkpoint-store.js';
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
  /** Polled between updates: true stops the run after a checkpoint (Ctrl-C). */
  shouldStop?: () => boolean;
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

export const SCENARIO_FILE = 'scenario.json';
export const METRICS_FILE = 'metrics.jsonl';

/**
 * A training run with everything a researcher expects around the PPO loop:
 * a run directory (the scenario exactly as run, metrics.jsonl, TensorBoard
 * scalars, PNG plots, train.log, checkpoints), validation on held-out seeds
 * with the best checkpoint kept, early stopping, a load curriculum, and exact
 * resumption: a run stopped and resumed ends where an uninterrupted one ends.
 */
export async function runTraining(o: TrainRunOptions): Promise<TrainResult> {
  const scenario = prepareRunDirectory(o);
  const env = new ClusterEnv(scenario);
  if (env.agents.length === 0) {
    throw new InputError(`scenario "${scenario.name}" has no learned agents: set agents.scheduler.policy (or agents.replica or agents.autoscaler) to "learned"`);
  }
  const envSpec: EnvSpec = { kind: 'cluster', scenario };
  const store = new CheckpointStore(join(o.runDir, 'checkpoints'));
  const log = (line: string): void => appendFileSync(join(o.runDir, 'train.log'), `${new Date().toISOString()} ${line}\n`);
  const trainer = await Trainer.start({ env: envSpec, networks: scenario.agents.networks, learner: scenario.learner, seed: scenario.seed, threads: o.threads, backend: o.backend });
  let progress: RunProgress = { update: 0, envSteps: 0, wallSeconds: 0, best: null, stale: 0, loadScale: 1 };
  let history: MetricsRecord[] = [];
  let lastValidation: ValidationResult | null = null;
  try {
    if (o.resume) {
      const dir = store.resolve('latest');
      if (dir === null) throw new InputError(`${o.runDir} has no complete checkpoint to resume from (checkpoints/latest)`);
      const saved = readCheckpoint(dir);
      await trainer.restoreState(saved.state);
      progress = saved.progress;
      await trainer.setLoadScale(progress.loadScale);
      history = readMetrics(o.runDir).filter((m) => m.update <= progress.update);
      writeFileAtomic(join(o.runDir, METRICS_FILE), history.map((m) => `${JSON.stringify(m)}\n`).join(''));
      log(`resumed from ${dir} at update ${progress.update}`);
    } else {
      log(`training ${scenario.name}: ${scenario.learner.updates} updates of ${scenario.learner.rollout.copies} x ${scenario.learner.rollout.rounds} decisions, seed ${scenario.seed}`);
    }
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

/** Creates the run directory (or checks the one to resume) and returns the scenario to train. */
function prepareRunDirectory(o: TrainRunOptions): Scenario {
  const scenarioPath = join(o.runDir, SCENARIO_FILE);
  if (o.resume) {
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
  if (existsSync(scenarioPath)) {
    throw new InputError(`${o.runDir} already holds a run; continue it with --resume, or choose another --out`);
  }
  mkdirSync(o.runDir, { recursive: true });
  writeFileAtomic(scenarioPath, `${JSON.stringify(o.scenario, null, 2)}\n`);
  return o.scenario;
}

function readMetrics(runDir: string): MetricsRecord[] {
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
