/**
 * A worker thread that runs a shard of the env copies: it builds its own
 * environments and networks, takes the learner's current weights with every
 * collection request, and posts back its trajectory tables (on shared memory).
 */
import { parentPort, workerData } from 'node:worker_threads';
import { useBackend, type BackendName } from '../agents/backend.js';
import { NetworkMap } from '../agents/network-map.js';
import { makeEnv, type EnvSpec } from '../env/env-spec.js';
import { Rng } from '../env/rng.js';
import type { NetworksSpec } from '../scenario/networks-schema.js';
import { RolloutCollector, type CollectorSnapshot } from './rollout-collector.js';

export interface WorkerInit {
  envSpec: EnvSpec;
  envIds: number[];
  totalCopies: number;
  baseSeed: number;
  networks: NetworksSpec;
  backend: BackendName;
  record: boolean;
}

export type WorkerRequest =
  | { type: 'collect'; rounds: number; temperature: number; weights: Float32Array }
  | { type: 'snapshot' }
  | { type: 'restore'; snapshot: CollectorSnapshot }
  | { type: 'load'; scale: number }
  | { type: 'close' };

const port = parentPort;
if (port === null) throw new Error('rollout-worker.ts must run in a worker thread');

const init = workerData as WorkerInit;
try {
  await useBackend(init.backend);
  const envs = init.envIds.map(() => makeEnv(init.envSpec));
  // The initial weights do not matter: the first request overwrites them.
  const networks = new NetworkMap(envs[0].agents, envs[0].stateSize, init.networks, Rng.fromSeed(0));
  // Batches on shared memory cross to the main thread without a copy; it has merged them before it asks for the next one.
  const collector = new RolloutCollector(envs, networks, {
    envIds: init.envIds,
    totalCopies: init.totalCopies,
    baseSeed: init.baseSeed,
    record: init.record,
    batchMemory: 'shared',
  });
  port.on('message', (msg: WorkerRequest) => {
    if (msg.type === 'close') {
      networks.dispose();
      port.close();
      return;
    }
    try {
      if (msg.type === 'snapshot') {
        port.postMessage({ type: 'snapshot', snapshot: collector.snapshot() });
        return;
      }
      if (msg.type === 'load') {
        collector.setLoadScale(msg.scale);
        port.postMessage({ type: 'restored' });
        return;
      }
      if (msg.type === 'restore') {
        collector.restore(msg.snapshot);
        port.postMessage({ type: 'restored' });
        return;
      }
      networks.importWeights(msg.weights);
      const batch = collector.collect(msg.rounds, msg.temperature);
      const tables = batch.tables.map((t) => t.toMessage('own'));
      port.postMessage({ type: 'batch', tables, steps: batch.steps, decisions: batch.decisions, actionCounts: batch.actionCounts, episodes: batch.episodes, recording: batch.recording });
    } catch (e) {
      port.postMessage({ type: 'error', message: (e as Error).message, stack: (e as Error).stack });
    }
  });
  port.postMessage({ type: 'ready' });
} catch (e) {
  port.postMessage({ type: 'error', message: (e as Error).message, stack: (e as Error).stack });
}
