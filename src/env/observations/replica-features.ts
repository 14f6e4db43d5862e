import { isLlmType, replicaTypeNames, replicaTypeOf, type ClusterSpec } from '../../scenario/cluster-schema.js';
import type { Capacity, ReplicaState } from '../cluster/capacity.js';
import type { ReplicaLoad } from '../cluster/replica-load.js';
import { pricingOf } from '../cluster/work-pricing.js';
import type { OutstandingWork } from '../routing/outstanding-work.js';
import { logScale } from './scale.js';

/** Features per replica in scheduler observations and in the global state. */
export const REPLICA_FEATURES = 10;

/** A replica's lifecycle state as one number: stopped 0, starting 1/3, draining 2/3, active 1. */
export const STATE_CODE: Record<ReplicaState, number> = { stopped: 0, starting: 1 / 3, draining: 2 / 3, active: 1 };

/** Static speeds of each replica relative to the fastest in the cluster (1 = fastest). */
export interface ReplicaSpeeds {
  decode: Float64Array;
  prefill: Float64Array;
}

/**
 * A replica type's speed from its constants: the time of a typical decode step
 * and of prefilling one token (see WorkPricing); for a FIFO server, its mean
 * service time; for a plug-in's model, its token prices, or its price per
 * request when it prices whole requests.
 */
export function replicaSpeeds(spec: ClusterSpec): ReplicaSpeeds {
  const decodeTime: number[] = [];
  const prefillTime: number[] = [];
  for (const name of replicaTypeNames(spec)) {
    const type = replicaTypeOf(spec, name);
    const price = pricingOf(type, `cluster.replicaTypes.${name}`);
    const perRequest = !isLlmType(type) && price.request > 0;
    decodeTime.push(perRequest ? price.request : price.decodeToken);
    prefillTime.push(perRequest ? price.request : price.prefillToken);
  }
  const fastest = (xs: number[]): number => Math.min(...xs);
  return {
    decode: Float64Array.from(decodeTime, (t) => fastest(decodeTime) / t),
    prefill: Float64Array.from(prefillTime, (t) => fastest(prefillTime) / t),
  };
}

/**
 * Writes replica i's features at `out[offset..]`: its load (requests, queue,
 * tokens still to process, KV cache), its static speeds, its recent latency,
 * the seconds its outstanding work would take at its type's prices, its
 * lifecycle state, and the delay a typical request would expect there (SED's
 * figure). Token counts are what a router can know: prompts exactly, output
 * tokens as estimated by `work`.
 */
export function writeReplicaFeatures(
  out: Float32Array,
  offset: number,
  replica: ReplicaLoad,
  speeds: ReplicaSpeeds,
  recentLatency: Float64Array,
  state: ReplicaState,
  work: OutstandingWork,
  delay: (r: ReplicaLoad) => number,
): void {
  const i = replica.index;
  work.measure(replica);
  out[offset] = logScale(replica.outstandingRequests, 1);
  out[offset + 1] = logScale(replica.queuedRequests, 1);
  out[offset + 2] = logScale(work.tokens, 1000);
  out[offset + 3] = replica.kvUsage;
  out[offset + 4] = speeds.decode[i];
  out[offset + 5] = speeds.prefill[i];
  out[offset + 6] = logScale(recentLatency[i], 1);
  out[offset + 7] = logScale(work.seconds(replica), 1);
  out[offset + 8] = STATE_CODE[state];
  out[offset + 9] = logScale(delay(replica), 1);
}

/**
 * Every replica's features, replica by replica, as `replicas` and
 * `recentLatency` show them: the truth, or one front-end's view.
 */
export function writeClusterView(
  out: Float32Array,
  replicas: readonly ReplicaLoad[],
  speeds: ReplicaSpeeds,
  recentLatency: Float64Array,
  capacity: Capacity,
  work: OutstandingWork,
  delay: (r: ReplicaLoad) => number,
): void {
  for (let i = 0; i < replicas.length; i++) writeReplicaFeatures(out, i * REPLICA_FEATURES, replicas[i], speeds, recentLatency, capacity.state[i], work, delay);
}
