import { hostname } from 'node:os';
import type { BackendName } from '../agents/backend.js';
import { envSpecOf, type EnvSpec } from '../env/env-spec.js';
import type { MultiAgentEnv } from '../env/multi-agent/contract.js';
import type { MetricDirection } from '../env/worlds/world.js';
import { worldOf } from '../env/worlds/world-registry.js';
import { Trainer } from '../learners/trainer.js';
import type { UpdateMetrics } from '../learners/ppo-learner.js';
import type { RolloutWriter } from '../recording/rollout-writer.js';
import type { AnyScenario } from '../scenario/world-scenario-schema.js';
import { TensorBoardWriter } from '../telemetry/tensorboard-writer.js';
import type { RunProgress } from './checkpoint-contents.js';
import type { CheckpointLink } from './checkpoint-store.js';
import type { MetricsRecord } from './metrics-file.js';
import type { ResumePoint, RunDirectory } from './run-directory.js';
import { summaryLine, type RunLog } from './run-log.js';
import { openRecording, recordingAt } from './run-recording.js';
import type { StartingActors } from './starting-actors.js';
import { writeTrainingPlots } from './training-plots.js';
import { isImprovement, validate, validationDirection, type ValidationResult } from './validation.js';

/** How a session trains, beyond what its run directory says. */
export interface SessionOptions {
  threads?: number;
  backend: BackendName;
  /** A rollout file to record every decision to (on resume, the file the run was recording to). */
  record?: string;
  /** Called after every update, for a progress display. */
  onUpdate?: (record: MetricsRecord, total: number) => void;
  /** Polled once after every update (unless early stopping already stops the run): true stops the run after a checkpoint (Ctrl-C). */
  shouldStop?: () => boolean;
}

/** Where a session begins: a run directory held by this process, at its start or at a checkpoint. */
export interface SessionStart {
  directory: RunDirectory;
  /** The scenario's environment (its agents; the header of a recording), its world module loaded. */
  env: MultiAgentEnv;
  resumeFrom: ResumePoint | null;
  startingActors: StartingActors | null;
}

/** How a session ended. */
export interface SessionOutcome {
  progress: RunProgress;
  /** The last validation (one is run at the end if the session ran none). */
  validation: ValidationResult;
  stoppedEarly: boolean;
}

/**
 * One session of a training run: from its start or a checkpoint, updates until
 * the scenario's total, early stopping, or Ctrl-C. Each update is these steps,
 * in this order:
 *
 *   followCurriculum   the load of the curriculum stage the update is in
 *   trainOneUpdate     one rollout and one PPO update
 *   validateIfDue      every `validation.every` updates and at the last: held-out
 *                      seeds, the best so far, validations without improvement
 *   recordMetrics      metrics.jsonl, TensorBoard, train.log, the progress display
 *   checkpointIfDue    `latest` every `checkpointEvery` updates, at the last and when
 *                      stopping; `best` when validation improved; the plots with them
 *
 * A resumed session restores the trainer exactly (weights, optimizer moments,
 * learner policies, rollouts in progress, the curriculum's load), so a run
 * stopped and resumed ends where an uninterrupted one ends, bit for bit.
 */
export class Experiment {
  private readonly scenario: AnyScenario;
  private readonly total: number;
  private readonly progress: RunProgress;
  private readonly history: MetricsRecord[];
  private lastValidation: ValidationResult | null = null;
  private stoppedEarly = false;
  private readonly board: TensorBoardWriter;
  /** The figures a world other than the cluster declares (charted beside the reward). */
  private readonly worldFigures: string[];

  private constructor(
    private readonly directory: RunDirectory,
    private readonly envSpec: EnvSpec,
    private readonly trainer: Trainer,
    private readonly recorder: RolloutWriter | null,
    private readonly log: RunLog,
    private readonly options: SessionOptions,
    /** Which way the validation metric improves. */
    private readonly direction: MetricDirection,
    resumed: Resumed | null,
  ) {
    this.scenario = directory.scenario;
    this.total = directory.scenario.learner.updates;
    this.progress = resumed?.progress ?? { update: 0, envSteps: 0, wallSeconds: 0, best: null, stale: 0, loadScale: 1 };
    this.history = resumed?.history ?? [];
    this.worldFigures = envSpec.kind === 'world' ? Object.keys(worldOf(envSpec.world).metrics ?? {}) : [];
    // One event file per session: a resumed run adds a file, named for its first update.
    this.board = new TensorBoardWriter(directory.path, { hostname: `${hostname()}.${process.pid}.u${this.progress.update + 1}` });
  }

  /** The trainer started (and restored, on resume), the recording opened: ready for the session's first update. */
  static async start(start: SessionStart, o: SessionOptions, log: RunLog): Promise<Experiment> {
    const scenario = start.directory.scenario;
    const envSpec = envSpecOf(scenario);
    const direction = validationDirection(scenario, envSpec);
    let recorder: RolloutWriter | null = null;
    const trainer = await Trainer.start({
      env: envSpec,
      networks: scenario.agents.networks,
      learner: scenario.learner,
      seed: scenario.seed,
      threads: o.threads,
      backend: o.backend,
      warmStart: start.startingActors?.actors,
      recordTo: o.record === undefined ? undefined : (frames) => recorder?.appendFrames(frames),
    });
    try {
      if (o.record !== undefined) recorder = openRecording(o.record, start.resumeFrom?.progress ?? null, envSpec, start.env, scenario.seed);
      const resumed = start.resumeFrom === null ? null : await restore(trainer, start.directory, start.resumeFrom, log);
      if (recorder !== null) log.line(`recording every decision to ${recorder.path}`);
      return new Experiment(start.directory, envSpec, trainer, recorder, log, o, direction, resumed);
    } catch (e) {
      (recorder as RolloutWriter | null)?.close();
      await trainer.close();
      throw e;
    }
  }

  /** Trains to the end of the session; the trainer is closed afterwards, whatever happens. */
  async run(): Promise<SessionOutcome> {
    try {
      try {
        for (let u = this.progress.update + 1; u <= this.total; u++) {
          if ((await this.update(u)) === 'stop') break;
        }
        await this.checkpointIfFinishedWithout();
      } finally {
        this.board.close();
        this.recorder?.close();
      }
      const validation = this.lastValidation ?? validate(this.envSpec, this.trainer.networks, this.scenario.training.validation);
      const p = this.progress;
      this.log.line(`done: ${p.update} updates, ${p.envSteps} decisions, ${p.wallSeconds.toFixed(1)} s`);
      return { progress: p, validation, stoppedEarly: this.stoppedEarly };
    } finally {
      await this.trainer.close();
    }
  }

  /** Update `u`, step by step; 'stop' when the run stops after it (early stopping, or Ctrl-C). */
  private async update(u: number): Promise<'continue' | 'stop'> {
    await this.followCurriculum(u);
    const started = performance.now();
    const metrics = await this.trainOneUpdate(u);
    const improved = this.validateIfDue(u, metrics);
    this.recordMetrics(u, metrics, started);
    const stopping = this.stoppedEarly || (this.options.shouldStop?.() ?? false);
    await this.checkpointIfDue(u, improved, stopping);
    if (this.stoppedEarly) this.log.line(`early stopping: ${this.progress.stale} validations without improving ${this.scenario.training.validation.metric}`);
    return stopping ? 'stop' : 'continue';
  }

  /** The load of the curriculum stage update `u` is in (the last stage started at or before it). */
  private async followCurriculum(u: number): Promise<void> {
    let scale = 1;
    for (const stage of this.scenario.training.curriculum ?? []) if (stage.fromUpdate <= u) scale = stage.loadScale;
    if (scale === this.progress.loadScale) return;
    await this.trainer.setLoadScale(scale);
    this.progress.loadScale = scale;
    this.log.line(`curriculum: load x${scale} from update ${u}`);
  }

  private async trainOneUpdate(u: number): Promise<UpdateMetrics> {
    const metrics = await this.trainer.step(u);
    this.progress.update = u;
    this.progress.envSteps += metrics['rollout/decisions'];
    return metrics;
  }

  /**
   * Validates when due, adding its figures to the update's metrics; returns
   * whether the policy is the best so far. Early stopping is decided here:
   * `patience` validations in a row without improving by `threshold`.
   */
  private validateIfDue(u: number, metrics: UpdateMetrics): boolean {
    const t = this.scenario.training;
    if (u % t.validation.every !== 0 && u !== this.total) return false;
    const v = validate(this.envSpec, this.trainer.networks, t.validation);
    this.lastValidation = v;
    metrics['validation/reward'] = v.meanReward;
    for (const [k, value] of Object.entries(v.summary)) metrics[`validation/${k}`] = value;
    const improved = isImprovement(this.progress.best?.value ?? null, v.value, this.direction, t.earlyStopping?.threshold ?? 0);
    if (improved) {
      this.progress.best = { update: u, metric: t.validation.metric, value: v.value };
      this.progress.stale = 0;
    } else {
      this.progress.stale++;
    }
    this.log.line(`validation at update ${u}: ${t.validation.metric} ${v.value.toFixed(4)}${improved ? ' (best so far)' : ''}`);
    if (t.earlyStopping !== undefined && this.progress.stale >= t.earlyStopping.patience) this.stoppedEarly = true;
    return improved;
  }

  /** The update's record, everywhere it goes. Wall time counts training and validation, not the writing. */
  private recordMetrics(u: number, metrics: UpdateMetrics, started: number): void {
    const p = this.progress;
    p.wallSeconds += (performance.now() - started) / 1000;
    const record: MetricsRecord = { update: u, envSteps: p.envSteps, wallSeconds: p.wallSeconds, loadScale: p.loadScale, ...metrics };
    this.history.push(record);
    this.directory.metrics.append(record);
    this.board.scalars(u, record);
    this.log.line(summaryLine(record, this.total));
    this.options.onUpdate?.(record, this.total);
  }

  private async checkpointIfDue(u: number, best: boolean, stopping: boolean): Promise<void> {
    const links: CheckpointLink[] = best ? ['best'] : [];
    if (u % this.scenario.training.checkpointEvery === 0 || u === this.total || stopping) links.push('latest');
    if (links.length === 0) return;
    if (this.recorder !== null) this.progress.recording = recordingAt(this.recorder);
    const v = this.lastValidation;
    await this.directory.saveCheckpoint({ update: u, metric: v ? { name: v.metric, value: v.value } : undefined }, links, this.trainer.networks, await this.trainer.captureState(), this.progress);
    await writeTrainingPlots(this.directory.path, this.history, this.worldFigures);
  }

  /** A session that ends at the total always leaves `latest` there, even one that had no update left to train. */
  private async checkpointIfFinishedWithout(): Promise<void> {
    if (this.progress.update !== this.total || this.directory.checkpoints.resolve('latest') !== null) return;
    await this.directory.saveCheckpoint({ update: this.progress.update }, ['latest'], this.trainer.networks, await this.trainer.captureState(), this.progress);
  }
}

/** A resumed session's counters and metrics so far. */
interface Resumed {
  progress: RunProgress;
  history: MetricsRecord[];
}

/** Continues from a checkpoint: the trainer's exact state, the counters, and metrics.jsonl cut back to the checkpoint's update. */
async function restore(trainer: Trainer, run: RunDirectory, from: ResumePoint, log: RunLog): Promise<Resumed> {
  await trainer.restoreState(from.state);
  // The recording's position is the checkpoint's; the next checkpoint records where it then is.
  const progress: RunProgress = { ...from.progress, recording: undefined };
  await trainer.setLoadScale(progress.loadScale);
  const history = run.metrics.cutBackTo(progress.update);
  log.line(`resumed from ${from.dir} at update ${progress.update}`);
  return { progress, history };
}
