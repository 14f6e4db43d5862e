import { replicaTypeNames, type ClusterSpec } from '../../scenario/cluster-schema.js';
import type { Capacity, ReplicaState } from '../cluster/capacity.js';
import type { Replica } from '../cluster/replica.js';
import type { Telemetry } from './telemetry.js';
import { logScale } from './scale.js';

/** Features per replica in scheduler observations and in the global state. */
export const REPLICA_FEATURES = 9;

/** A replica's lifecycle state as one number: stopped 0, starting 1/3, draining 2/3, active 1. */
export const STATE_CODE: Record<ReplicaState, number> = { stopped: 0, starting: 1 / 3, draining: 2 / 3, active: 1 };

/** Static speeds of each replica relative to the fastest in the cluster (1 = fastest). */
export interface ReplicaSpeeds {
  decode: Float64Array;
  prefill: Float64Array;
}

/**
 * A replica type's speed from its constants: the time of a typical decode step
 * (32 sequences with 1,000 tokens of context each) and of prefilling one token;
 * for a FIFO server, its mean service time.
 */
export function replicaSpeeds(spec: ClusterSpec): ReplicaSpeeds {
  const decodeTime: number[] = [];
  const prefillTime: number[] = [];
  for (const name of replicaTypeNames(spec)) {
    const type = spec.replicaTypes[name];
    let decode: number;
    let prefill: number;
    if (type.model === 'llm') {
      const t = type.iterationTime;
      decode = t.overhead + 32 * t.perDecodeSeq + 32_000 * t.perKvToken;
      prefill = t.perPrefillToken + t.perKvToken + t.overhead / 1000;
    } else {
      const s = type.serviceTime;
      decode = prefill = s.kind === 'deterministic' ? s.value : s.kind === 'uniform' ? (s.min + s.max) / 2 : s.mean;
    }
    decodeTime.push(decode);
    prefillTime.push(prefill);
  }
  const fastest = (xs: number[]): number => Math.min(...xs);
  return {
    decode: Float64Array.from(decodeTime, (t) => fastest(decodeTime) / t),
    prefill: Float64Array.from(prefillTime, (t) => fastest(prefillTime) / t),
  };
}

/**
 * Writes replica i's features at `out[offset..]`: its load (requests, queue,
 * tokens, KV cache), its static speeds, its recent latency, its token load in
 * units of the fastest replica's prefill time (a speed-aware load that the
 * heuristics do not use), and its lifecycle state.
 */
export function writeReplicaFeatures(
  out: Float32Array,
  offset: number,
  replica: Replica,
  speeds: ReplicaSpeeds,
  telemetry: Telemetry,
  state: ReplicaState,
): void {
  const i = replica.index;
  out[offset] = logScale(replica.outstandingRequests, 1);
  out[offset + 1] = logScale(replica.queuedRequests, 1);
  out[offset + 2] = logScale(replica.outstandingTokens, 1000);
  out[offset + 3] = replica.kvUsage;
  out[offset + 4] = speeds.decode[i];
  out[offset + 5] = speeds.prefill[i];
  out[offset + 6] = logScale(telemetry.recentLatency[i], 1);
  out[offset + 7] = logScale(replica.outstandingTokens / speeds.prefill[i], 1000);
  out[offset + 8] = STATE_CODE[state];
}

/** Every replica's features, replica by replica: the part of the world all agents' views share. */
export function writeClusterView(
  out: Float32Array,
  replicas: readonly Replica[],
  speeds: ReplicaSpeeds,
  telemetry: Telemetry,
  capacity: Capacity,
): void {
  for (let i = 0; i < replicas.length; i++) writeReplicaFeatures(out, i * REPLICA_FEATURES, replicas[i], speeds, telemetry, capacity.state[i]);
}
