/**
 * A worker thread that runs a shard of the env copies: it builds its own
 * environments and networks, takes the learner's current weights with every
 * collection request, and posts back its trajectory tables (on shared memory).
 * Requests and replies are in worker-protocol.ts.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { useBackend } from '../agents/backend.js';
import { NetworkMap } from '../agents/network-map.js';
import { loadEnv, makeEnv } from '../env/env-spec.js';
import { Rng } from '../env/rng.js';
import { RolloutCollector } from './rollout-collector.js';
import type { ReplyOf, ReplyTo, RequestOf, WorkerInit, WorkerReply, WorkerRequest } from './worker-protocol.js';

const port = parentPort;
if (port === null) throw new Error('rollout-worker.ts must run in a worker thread');
const post = (reply: WorkerReply): void => port.postMessage(reply);

const init = workerData as WorkerInit;
try {
  await useBackend(init.backend);
  // A world module is imported by every thread that builds the world.
  await loadEnv(init.envSpec);
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
  const answer: { [T in keyof ReplyTo]: (msg: RequestOf<T>) => ReplyOf<T> } = {
    collect: (msg) => {
      networks.importWeights(msg.weights);
      const batch = collector.collect(msg.rounds, msg.temperature);
      const tables = batch.tables.map((t) => t.toMessage('own'));
      return { type: 'batch', tables, steps: batch.steps, decisions: batch.decisions, actionCounts: batch.actionCounts, episodes: batch.episodes, recording: batch.recording };
    },
    snapshot: () => ({ type: 'snapshot', snapshot: collector.snapshot() }),
    restore: (msg) => {
      collector.restore(msg.snapshot);
      return { type: 'restored' };
    },
    setLoadScale: (msg) => {
      collector.setLoadScale(msg.scale);
      return { type: 'loadScaleSet' };
    },
  };
  port.on('message', (msg: WorkerRequest) => {
    if (msg.type === 'close') {
      networks.dispose();
      port.close();
      return;
    }
    try {
      post((answer[msg.type] as (m: WorkerRequest) => WorkerReply)(msg));
    } catch (e) {
      post({ type: 'error', message: (e as Error).message, stack: (e as Error).stack });
    }
  });
  post({ type: 'ready' });
} catch (e) {
  post({ type: 'error', message: (e as Error).message, stack: (e as Error).stack });
}
