import { randomUUID } from 'node:crypto';
import { existsSync, lstatSync, readFileSync, readdirSync, rmdirSync, rmSync, statSync } from 'node:fs';
import { isAbsolute, join, relative, resolve, sep } from 'node:path';
import { InputError } from '../errors.js';
import { writeFileAtomic } from '../storage/atomic-file.js';
import { CheckpointStore } from './checkpoint-store.js';
import { isLockEntry } from './run-lock.js';

export const SCENARIO_FILE = 'scenario.json';
export const METRICS_FILE = 'metrics.jsonl';
/** The actors a warm-started run began from, kept in the run so a resume needs nothing outside it. */
export const WARM_START_FILE = 'warm-start.msgpack';
export const LOG_FILE = 'train.log';
export const CHECKPOINTS_DIR = 'checkpoints';
/**
 * The run's identity, written before anything else. It is what lets a run
 * tell its own files from a user's: a checkpoint directory carries the same id,
 * and only a directory that holds it is ever cleaned up.
 */
export const RUN_ID_FILE = '.run-id';
const PLOTS = ['plots/training.png', 'plots/actions.png'];
/** TensorBoardWriter's names: events.out.tfevents.<seconds>.<host>. */
const EVENT_FILE = /^events\.out\.tfevents\.\d+\./;
/** writeFileAtomic's temporary names, left by a crash in the middle of a write. */
const atomicLeftover = (name: string): RegExp => new RegExp(`^\\.${name.replace(/[.]/g, '\\.')}\\.\\d+\\.\\d+\\.tmp$`);

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

/**
 * What a folder is to a new run: `absent` or `empty` (start there), `attempt`
 * (a run of this version that stopped before its first complete checkpoint: it
 * may start over), `run` (a run with a checkpoint: resume it), `legacy` (a run
 * without a checkpoint whose files are not marked as its own), or `foreign`
 * (anything else: never written into). A lock file alone does not make a
 * folder non-empty; the lock decides about it.
 */
export type RunDirectoryKind = 'absent' | 'empty' | 'attempt' | 'run' | 'legacy' | 'foreign';

export function inspectRunDirectory(runDir: string): RunDirectoryKind {
  if (!existsSync(runDir)) return 'absent';
  if (!statSync(runDir).isDirectory()) return 'foreign';
  const entries = readdirSync(runDir).filter((e) => !isLockEntry(e));
  if (entries.length === 0) return 'empty';
  const id = readRunId(runDir);
  if (id === null && !entries.includes(SCENARIO_FILE)) return 'foreign';
  if (new CheckpointStore(join(runDir, CHECKPOINTS_DIR)).hasComplete()) return 'run';
  return id === null ? 'legacy' : 'attempt';
}

/** The folder a new run may be started in, or the sentence that says why not (before anything is written). */
export function refuseUnusable(runDir: string, kind: RunDirectoryKind): void {
  if (kind === 'foreign') throw new InputError(`${runDir} exists and is not a run directory; choose an empty or new folder`);
  if (kind === 'run') throw new InputError(`${runDir} already holds a run; continue it with --resume, or choose another --out`);
  if (kind === 'legacy') {
    throw new InputError(`${runDir} holds a run with no complete checkpoint, from a version that did not mark its files as its own; delete it or choose another --out`);
  }
}

/** The run's id, or null if the folder has none (not a run, or one from before ids). */
export function readRunId(runDir: string): string | null {
  try {
    const id = readFileSync(join(runDir, RUN_ID_FILE), 'utf8').trim();
    return id === '' ? null : id;
  } catch {
    return null;
  }
}

/** Gives a run directory its id (a new run, or one from before ids being resumed); returns it. */
export function ensureRunId(runDir: string): string {
  const existing = readRunId(runDir);
  if (existing !== null) return existing;
  const id = randomUUID();
  writeFileAtomic(join(runDir, RUN_ID_FILE), `${id}\n`);
  return id;
}

/**
 * Removes what an earlier attempt of this run wrote (it stopped before its
 * first complete checkpoint), by the names a run writes, and checkpoint
 * directories only when they carry this run's id; anything else in the folder
 * stays. Returns the names removed. Call with the run's lock held.
 */
export function removeEarlierAttempt(runDir: string): string[] {
  const id = readRunId(runDir);
  if (id === null) throw new Error(`removeEarlierAttempt: ${runDir} has no run id`);
  const removed: string[] = [];
  const remove = (name: string): void => {
    const path = join(runDir, name);
    if (!existsSync(path) && !isSymlink(path)) return;
    rmSync(path, { force: true });
    removed.push(name);
  };
  const named = [SCENARIO_FILE, METRICS_FILE, WARM_START_FILE, LOG_FILE, ...PLOTS];
  for (const name of named) remove(name);
  for (const entry of readdirSync(runDir)) {
    if (EVENT_FILE.test(entry) || [...named, RUN_ID_FILE].some((n) => atomicLeftover(n).test(entry))) remove(entry);
  }
  for (const entry of existsSync(join(runDir, 'plots')) ? readdirSync(join(runDir, 'plots')) : []) {
    if (PLOTS.some((p) => atomicLeftover(p.slice('plots/'.length)).test(entry))) remove(join('plots', entry));
  }
  removeIfEmpty(join(runDir, 'plots'));
  const checkpoints = join(runDir, CHECKPOINTS_DIR);
  if (existsSync(checkpoints)) {
    removed.push(...new CheckpointStore(checkpoints, id).removeOwn().map((e) => join(CHECKPOINTS_DIR, e)));
    removeIfEmpty(checkpoints);
  }
  remove(RUN_ID_FILE);
  return removed;
}

function removeIfEmpty(dir: string): void {
  if (existsSync(dir) && readdirSync(dir).length === 0) rmdirSync(dir);
}

function isSymlink(path: string): boolean {
  try {
    return lstatSync(path).isSymbolicLink();
  } catch {
    return false;
  }
}
