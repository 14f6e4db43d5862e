import { useBackend, type BackendName } from '../agents/backend.js';
import type { AnyScenario } from '../scenario/world-scenario-schema.js';
import { defaultRunDir } from '../training/run-directory.js';
import { runTraining, type TrainResult, type TrainRunOptions } from '../training/training-run.js';

/** How to train: `mappo train`'s flags that are not scenario settings, and callbacks for a progress display. */
export interface TrainOptions extends Omit<TrainRunOptions, 'scenario' | 'runDir' | 'resume' | 'backend'> {
  /** The run directory (default runs/<scenario name>): new or empty, a run to resume, or an attempt stopped before its first checkpoint. */
  runDir?: string;
  /** Continue the run in `runDir` from its latest checkpoint (its own scenario.json is used; `scenario` must have the same name). */
  resume?: boolean;
  /** Tensor backend (default wasm). */
  backend?: BackendName;
}

/**
 * Trains the scenario's learned agents with MAPPO and writes a run directory
 * (scenario.json, run.json, metrics, TensorBoard scalars, plots, checkpoints):
 * what `mappo train` does; the result is what `mappo train --json` prints.
 */
export async function train(scenario: AnyScenario, options: TrainOptions = {}): Promise<TrainResult> {
  const backend = options.backend ?? 'wasm';
  await useBackend(backend);
  return runTraining({ ...options, scenario, runDir: options.runDir ?? defaultRunDir(scenario.name), resume: options.resume ?? false, backend });
}
