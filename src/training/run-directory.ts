import { randomUUID } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, readdirSync, statSync } from 'node:fs';
import { isAbsolute, join, relative, resolve, sep } from 'node:path';
import type { NetworkMap } from '../agents/network-map.js';
import { InputError } from '../errors.js';
import type { TrainerState } from '../learners/trainer.js';
import { revalidate } from '../scenario/load.js';
import type { AnyScenario } from '../scenario/world-scenario-schema.js';
import { writeFileAtomic } from '../storage/atomic-file.js';
import { isTrainerState, readCheckpoint, writeCheckpoint, type PolicyState, type RunProgress } from './checkpoint-contents.js';
import type { CheckpointManifest } from './checkpoint-manifest.js';
import { CheckpointStore, type CheckpointLink } from './checkpoint-store.js';
import { MetricsFile } from './metrics-file.js';
import { CHECKPOINTS_DIR, METRICS_FILE, RUN_ID_FILE, SCENARIO_FILE, readRunId } from './run-layout.js';
import { RunLock, isLockEntry } from './run-lock.js';
import { ProvenanceLog } from './run-provenance.js';
import { removeEarlierAttempt } from './start-over.js';

/**
 * What a folder is to a new run: `absent` or `empty` (start there), `attempt`
 * (a run of this version that stopped before its first complete checkpoint: it
 * may start over), `run` (a run with a checkpoint: resume it), `legacy` (a run
 * without a checkpoint whose files are not marked as its own), or `foreign`
 * (anything else: never written into). A lock file alone does not make a
 * folder non-empty; the lock decides about it.
 */
export type RunDirectoryKind = 'absent' | 'empty' | 'attempt' | 'run' | 'legacy' | 'foreign';

/** A checkpoint a run resumes from, verified, with the training state it holds. */
export interface ResumePoint {
  dir: string;
  state: TrainerState;
  progress: RunProgress;
}

/**
 * A run directory (layout: run-layout.ts) and everything a run does to it.
 * The folder's kind on disk decides how it may be opened; a run opened to
 * write holds the folder's lock until it releases it:
 *
 *   on disk (kindOf)                 open as                        this process
 *
 *   absent, empty ─────────────────▶ create ─────────┐
 *   attempt ── training: start over ▶ create ─────────┤  (cloning refuses an attempt)
 *     (removes only what the attempt wrote)           ▼
 *                                              ┌─ locked ─────────────────────────┐
 *   run ──────────────────────────▶ resume ───▶│ run.lock taken (a stale one is   │
 *     (from latest if it verifies,             │ taken over), .run-id written,    │
 *      else the newest before it that does)    │ a session added to run.json;     │
 *                                              │ saveCheckpoint: verified, linked,│
 *                                              │ prunes only its own superseded   │
 *                                              └──────────────┬───────────────────┘
 *                                                             │ release: the session closed (also on process exit)
 *                                                             ▼
 *   attempt (no checkpoint yet) or run (one or more) ◀── on disk again, unlocked
 *
 *   run ──────────────────────────▶ open (read only: eval, compare, --warm-start)
 *   legacy, foreign ──────────────▶ refused in one sentence, nothing written
 *
 * The scenario is read (or, for a new run, written) once, when the directory
 * is opened: `scenario` is the run's own, exactly as it is in scenario.json.
 */
export class RunDirectory {
  /** Its metrics.jsonl. */
  readonly metrics: MetricsFile;
  /** This process's session in run.json, while it holds the run. */
  private session: ProvenanceLog | null = null;

  private constructor(
    readonly path: string,
    private current: AnyScenario,
    /** Writable (it knows the run's id) while this process holds the run; read-only when opened to read. */
    readonly checkpoints: CheckpointStore,
    private lock: RunLock | null,
  ) {
    this.metrics = new MetricsFile(join(path, METRICS_FILE));
  }

  /** The run's scenario, exactly as in its scenario.json. */
  get scenario(): AnyScenario {
    return this.current;
  }

  /** What `path` is to a new run (see RunDirectoryKind). */
  static kindOf(path: string): RunDirectoryKind {
    if (!existsSync(path)) return 'absent';
    if (!statSync(path).isDirectory()) return 'foreign';
    const entries = readdirSync(path).filter((e) => !isLockEntry(e));
    if (entries.length === 0) return 'empty';
    const id = readRunId(path);
    if (id === null && !entries.includes(SCENARIO_FILE)) return 'foreign';
    if (new CheckpointStore(join(path, CHECKPOINTS_DIR)).hasComplete()) return 'run';
    return id === null ? 'legacy' : 'attempt';
  }

  /**
   * Throws the sentence saying why a new run cannot start in `path`, before
   * anything is written; returns its kind. `startsOver`: whether an attempt may
   * be started over (training may; cloning writes only into a new folder).
   */
  static refuseUnusable(path: string, startsOver: boolean): RunDirectoryKind {
    const kind = RunDirectory.kindOf(path);
    if (kind === 'foreign') throw new InputError(`${path} exists and is not a run directory; choose an empty or new folder`);
    if (!startsOver && kind !== 'absent' && kind !== 'empty') throw new InputError(`${path} already holds a run; choose another --out`);
    if (kind === 'run') throw new InputError(`${path} already holds a run; continue it with --resume, or choose another --out`);
    if (kind === 'legacy') {
      throw new InputError(`${path} holds a run with no complete checkpoint, from a version that did not mark its files as its own; delete it or choose another --out`);
    }
    return kind;
  }

  /**
   * A new run of `scenario` in `path`, locked: checked again under the lock
   * (another process may have started one meanwhile), an attempt started over
   * if `startsOver` (saying so), given its id, and its scenario.json written.
   */
  static create(path: string, scenario: AnyScenario, o: { startsOver: boolean; notice?: (line: string) => void }): RunDirectory {
    const notice = o.notice ?? (() => {});
    mkdirSync(path, { recursive: true });
    const lock = RunLock.acquire(path, notice);
    try {
      if (RunDirectory.refuseUnusable(path, o.startsOver) === 'attempt') {
        const removed = removeEarlierAttempt(path, readRunId(path) as string);
        notice(`starting over: ${path} held an attempt of this run that stopped before its first complete checkpoint; removed what it wrote (${removed.join(', ')})`);
      }
      const run = new RunDirectory(path, scenario, new CheckpointStore(join(path, CHECKPOINTS_DIR), ensureRunId(path)), lock);
      run.changeScenario(scenario);
      run.session = ProvenanceLog.begin(path);
      return run;
    } catch (e) {
      lock.release();
      throw e;
    }
  }

  /**
   * A run with a complete checkpoint, locked to continue it; its scenario must
   * be `scenarioName` (the one asked to resume). A run from before ids is given
   * one, so its store can tell its own checkpoints.
   */
  static resume(path: string, scenarioName: string, notice: (line: string) => void): RunDirectory {
    requireScenarioFile(path, 'cannot resume: ', '');
    const lock = RunLock.acquire(path, notice);
    try {
      const scenario = readScenario(path, 'cannot resume: ');
      if (scenario.name !== scenarioName) throw new InputError(`cannot resume: ${path} trained scenario "${scenario.name}", not "${scenarioName}"`);
      const checkpoints = join(path, CHECKPOINTS_DIR);
      if (!new CheckpointStore(checkpoints).hasComplete()) throw new InputError(`${path} has no complete checkpoint to resume from; start it over with mappo train without --resume`);
      const run = new RunDirectory(path, scenario, new CheckpointStore(checkpoints, ensureRunId(path)), lock);
      run.session = ProvenanceLog.begin(path);
      return run;
    } catch (e) {
      lock.release();
      throw e;
    }
  }

  /** A run opened to read (evaluate its checkpoints, start another run from it): no lock taken, nothing written. */
  static open(path: string): RunDirectory {
    requireScenarioFile(path, '', '; train one with mappo train');
    return new RunDirectory(path, readScenario(path, ''), new CheckpointStore(join(path, CHECKPOINTS_DIR)), null);
  }

  /**
   * The checkpoint to resume from: the latest that verifies (a damaged one
   * skipped is told to `notice`, and the links moved back; see
   * CheckpointStore.resumable), which must hold a training state.
   */
  resumePoint(notice: (line: string) => void): ResumePoint {
    this.requireLock('resumePoint');
    const dir = this.checkpoints.resumable(this.path, notice);
    const { state, progress } = readCheckpoint(dir);
    if (!isTrainerState(state)) {
      throw new InputError(`${this.path} holds a policy only (a behavior-cloning run), not a training state to resume; start a run from it with --warm-start ${this.path}`);
    }
    return { dir, state, progress };
  }

  /** Rewrites scenario.json (a new run's, or a resumed run given a new total: it always says what the run does). */
  changeScenario(scenario: AnyScenario): void {
    this.requireLock('changeScenario');
    writeFileAtomic(join(this.path, SCENARIO_FILE), `${JSON.stringify(scenario, null, 2)}\n`);
    this.current = scenario;
  }

  /** Writes a checkpoint (networks in tfjs format, the state to continue from) and points `links` at it; the store prunes what it superseded. */
  async saveCheckpoint(
    manifest: Omit<CheckpointManifest, 'formatVersion' | 'files'>,
    links: readonly CheckpointLink[],
    networks: NetworkMap,
    state: TrainerState | PolicyState,
    progress: RunProgress,
  ): Promise<void> {
    this.requireLock('saveCheckpoint');
    await this.checkpoints.save(manifest, links, (dir) => writeCheckpoint(dir, networks, state, progress));
  }

  /** Closes this process's session in run.json and releases the lock (idempotent; a run opened to read has neither). */
  release(): void {
    this.session?.end();
    this.session = null;
    this.lock?.release();
    this.lock = null;
  }

  private requireLock(what: string): void {
    if (this.lock === null) throw new Error(`RunDirectory.${what}: ${this.path} is not held by this process`);
  }
}

/**
 * Where a run goes when no --out is given: runs/<name><suffix>. The scenario
 * names the folder, so a name with separators or ".." could point anywhere;
 * the resolved path must stay below runs/.
 */
export function defaultRunDir(scenarioName: string, suffix = ''): string {
  const root = resolve('runs');
  const within = relative(root, resolve(root, `${scenarioName}${suffix}`));
  if (within === '' || within === '..' || within.startsWith(`..${sep}`) || isAbsolute(within)) {
    throw new InputError(`scenario name "${scenarioName}" would put the run outside runs/; rename the scenario or choose a folder with --out`);
  }
  return join('runs', within);
}

/** The sentence for a folder without scenario.json, which is no run directory (`refusal` and `advice` frame it for the command). */
function requireScenarioFile(runDir: string, refusal: string, advice: string): void {
  if (!existsSync(join(runDir, SCENARIO_FILE))) throw new InputError(`${refusal}${runDir} is not a run directory (no ${SCENARIO_FILE})${advice}`);
}

/** The run's scenario.json, validated as any scenario is. */
function readScenario(runDir: string, refusal: string): AnyScenario {
  const path = join(runDir, SCENARIO_FILE);
  requireScenarioFile(runDir, refusal, '');
  let json: unknown;
  try {
    json = JSON.parse(readFileSync(path, 'utf8'));
  } catch {
    throw new InputError(`${refusal}${path} is not valid JSON`);
  }
  return revalidate(json as AnyScenario, path);
}

/** Gives a run directory its id (a new run, or one from before ids being resumed); returns it. */
function ensureRunId(runDir: string): string {
  const existing = readRunId(runDir);
  if (existing !== null) return existing;
  const id = randomUUID();
  writeFileAtomic(join(runDir, RUN_ID_FILE), `${id}\n`);
  return id;
}
