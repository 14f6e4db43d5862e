import { existsSync, lstatSync, readdirSync, rmdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { CheckpointStore } from './checkpoint-store.js';
import {
  ACTIONS_PLOT,
  CHECKPOINTS_DIR,
  EVENT_FILE,
  LOG_FILE,
  METRICS_FILE,
  PLOTS_DIR,
  RUN_FILE,
  RUN_ID_FILE,
  SCENARIO_FILE,
  TRAINING_PLOT,
  WARM_START_FILE,
  isAtomicLeftover,
} from './run-layout.js';

/**
 * Removes what an earlier attempt of run `runId` wrote (it stopped before its
 * first complete checkpoint), by the names a run writes, and checkpoint
 * directories only when they carry this run's id; anything else in the folder
 * stays. Returns the names removed. Call with the run's lock held.
 */
export function removeEarlierAttempt(runDir: string, runId: string): string[] {
  const removed: string[] = [];
  const remove = (name: string): void => {
    const path = join(runDir, name);
    if (!existsSync(path) && !isSymlink(path)) return;
    rmSync(path, { force: true });
    removed.push(name);
  };
  const plots = [TRAINING_PLOT, ACTIONS_PLOT];
  const named = [SCENARIO_FILE, RUN_FILE, METRICS_FILE, WARM_START_FILE, LOG_FILE, ...plots.map((p) => join(PLOTS_DIR, p))];
  for (const name of named) remove(name);
  for (const entry of readdirSync(runDir)) {
    if (EVENT_FILE.test(entry) || [...named, RUN_ID_FILE].some((n) => isAtomicLeftover(entry, n))) remove(entry);
  }
  const plotsDir = join(runDir, PLOTS_DIR);
  for (const entry of existsSync(plotsDir) ? readdirSync(plotsDir) : []) {
    if (plots.some((p) => isAtomicLeftover(entry, p))) remove(join(PLOTS_DIR, entry));
  }
  removeIfEmpty(plotsDir);
  const checkpoints = join(runDir, CHECKPOINTS_DIR);
  if (existsSync(checkpoints)) {
    removed.push(...new CheckpointStore(checkpoints, runId).removeOwn().map((e) => join(CHECKPOINTS_DIR, e)));
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
