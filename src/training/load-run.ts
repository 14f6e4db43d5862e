import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { NetworkMap } from '../agents/network-map.js';
import { ClusterEnv } from '../env/cluster-env.js';
import { Rng } from '../env/rng.js';
import { InputError } from '../errors.js';
import { revalidate } from '../scenario/load.js';
import type { Scenario } from '../scenario/scenario-schema.js';
import { readCheckpoint } from './checkpoint.js';
import { CheckpointStore, type CheckpointLink } from './checkpoint-store.js';
import { SCENARIO_FILE } from './run-directory.js';

/** A trained run opened for evaluation: its scenario and its networks at a checkpoint. */
export interface TrainedRun {
  scenario: Scenario;
  networks: NetworkMap;
  checkpoint: { link: CheckpointLink; dir: string; update: number };
}

/** Reads a run directory's scenario; a clear error if the directory is not a run. */
export function readRunScenario(runDir: string): Scenario {
  const path = join(runDir, SCENARIO_FILE);
  if (!existsSync(path)) throw new InputError(`${runDir} is not a run directory (no ${SCENARIO_FILE}); train one with mappo train`);
  let json: unknown;
  try {
    json = JSON.parse(readFileSync(path, 'utf8'));
  } catch {
    throw new InputError(`${path} is not valid JSON`);
  }
  return revalidate(json as Scenario, path);
}

/** Opens a run at its best checkpoint (or the latest when no validation has run yet), or at the one asked for. */
export function openTrainedRun(runDir: string, which?: CheckpointLink): TrainedRun {
  const scenario = readRunScenario(runDir);
  const store = new CheckpointStore(join(runDir, 'checkpoints'));
  const link: CheckpointLink = which ?? (store.resolve('best') !== null ? 'best' : 'latest');
  // Verified against its checksums: a damaged checkpoint is refused by name, never evaluated.
  const dir = store.open(link, runDir);
  const { state, progress } = readCheckpoint(dir);
  const env = new ClusterEnv(scenario);
  const networks = new NetworkMap(env.agents, env.stateSize, scenario.agents.networks, Rng.fromSeed(0));
  networks.importWeights(state.weights);
  return { scenario, networks, checkpoint: { link, dir, update: progress.update } };
}
