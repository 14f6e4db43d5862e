import { NetworkMap } from '../agents/network-map.js';
import { envSpecOf, loadEnv, makeEnv } from '../env/env-spec.js';
import { placeholderStream } from '../env/seeds.js';
import type { AnyScenario } from '../scenario/world-scenario-schema.js';
import { readCheckpoint } from './checkpoint-contents.js';
import type { CheckpointLink } from './checkpoint-store.js';
import { RunDirectory } from './run-directory.js';

/** A trained run opened for evaluation: its scenario and its networks at a checkpoint. */
export interface TrainedRun {
  scenario: AnyScenario;
  networks: NetworkMap;
  checkpoint: { link: CheckpointLink; dir: string; update: number };
}

/** Opens a run at its best checkpoint (or the latest when no validation has run yet), or at the one asked for; a world module the run names is loaded. */
export async function openTrainedRun(runDir: string, which?: CheckpointLink): Promise<TrainedRun> {
  const { scenario, checkpoints } = RunDirectory.open(runDir);
  const link: CheckpointLink = which ?? (checkpoints.resolve('best') !== null ? 'best' : 'latest');
  // Verified against its checksums: a damaged checkpoint is refused by name, never evaluated.
  const dir = checkpoints.open(link, runDir);
  const { state, progress } = readCheckpoint(dir);
  const spec = envSpecOf(scenario);
  await loadEnv(spec);
  const env = makeEnv(spec);
  const networks = new NetworkMap(env.agents, env.stateSize, scenario.agents.networks, placeholderStream());
  networks.importWeights(state.weights);
  return { scenario, networks, checkpoint: { link, dir, update: progress.update } };
}
