import type { LlmReplica } from '../cluster/llm-replica.js';
import type { Replica } from '../cluster/replica.js';
import type { ReplicaSpeeds } from './replica-features.js';
import { logScale } from './scale.js';

export const REPLICA_OBSERVATION_SIZE = 8;

/**
 * What a replica agent sees when it forms a batch: its queue (requests, prompt
 * tokens, age of the oldest), its running batch and KV cache, its speed, the
 * current token budget relative to the largest choice, and the cluster's mean load.
 */
export function writeReplicaObservation(
  out: Float32Array,
  replica: LlmReplica,
  now: number,
  budgetFraction: number,
  replicas: readonly Replica[],
  speeds: ReplicaSpeeds,
): void {
  let load = 0;
  for (const r of replicas) load += r.outstandingRequests;
  const oldest = replica.oldestWaitingArrival;
  out[0] = logScale(replica.waiting.length, 1);
  out[1] = logScale(replica.waitingTokens, 1000);
  out[2] = replica.running.length / replica.maxBatchSize;
  out[3] = replica.kvUsage;
  out[4] = Number.isNaN(oldest) ? 0 : logScale(now - oldest, 1);
  out[5] = speeds.decode[replica.index];
  out[6] = budgetFraction;
  out[7] = logScale(load / replicas.length, 1);
}
