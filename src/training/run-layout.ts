import { readFileSync } from 'node:fs';
import { join } from 'node:path';

/**
 * The names of what a run writes into its directory (README, "A run
 * directory"). A run recognizes its own files by these names (and checkpoint
 * directories by its id), which is what lets it start over or prune without
 * touching anything else in the folder.
 *
 *   scenario.json            the resolved scenario, exactly as run
 *   run.json                 who ran it: each session's command line, versions, backend, start and end
 *   metrics.jsonl            one JSON line per update (bc.jsonl: per epoch, for a cloning run)
 *   events.out.tfevents.*    TensorBoard scalars, one file per session
 *   plots/training.png, plots/actions.png
 *   checkpoints/             update-NNNNNN/ and the links latest, best (CheckpointStore)
 *   warm-start.msgpack       the actors a warm-started run began from
 *   train.log
 *   .run-id, run.lock        the run's identity, and who is running it now (RunLock)
 */

export const SCENARIO_FILE = 'scenario.json';
/** The run's provenance, one entry per session (RunProvenance). */
export const RUN_FILE = 'run.json';
export const METRICS_FILE = 'metrics.jsonl';
/** A cloning run's metrics, one line per epoch. */
export const CLONING_METRICS_FILE = 'bc.jsonl';
/** The actors a warm-started run began from, kept in the run so a resume needs nothing outside it. */
export const WARM_START_FILE = 'warm-start.msgpack';
export const LOG_FILE = 'train.log';
export const CHECKPOINTS_DIR = 'checkpoints';
export const PLOTS_DIR = 'plots';
export const TRAINING_PLOT = 'training.png';
export const ACTIONS_PLOT = 'actions.png';
/**
 * The run's identity, written before anything else. It is what lets a run
 * tell its own files from a user's: each checkpoint directory carries the same
 * id in a file of this name, and only a directory that holds it is ever
 * cleaned up.
 */
export const RUN_ID_FILE = '.run-id';

/** The id in `dir`'s RUN_ID_FILE (a run directory or one of its checkpoints), or null if it has none. */
export function readRunId(dir: string): string | null {
  try {
    const id = readFileSync(join(dir, RUN_ID_FILE), 'utf8').trim();
    return id === '' ? null : id;
  } catch {
    return null;
  }
}

/** TensorBoardWriter's names: events.out.tfevents.<seconds>.<host>. */
export const EVENT_FILE = /^events\.out\.tfevents\.\d+\./;

/** Whether `entry` is what writeFileAtomic leaves of a write of `name` that a crash interrupted. */
export function isAtomicLeftover(entry: string, name: string): boolean {
  return new RegExp(`^\\.${name.replace(/[.]/g, '\\.')}\\.\\d+\\.\\d+\\.tmp$`).test(entry);
}
