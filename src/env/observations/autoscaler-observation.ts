import { loadPerReplica } from '../autoscaling/threshold-autoscaler.js';
import type { Capacity } from '../cluster/capacity.js';
import type { Replica } from '../cluster/replica.js';
import { logScale } from './scale.js';
import type { Telemetry } from './telemetry.js';

export const AUTOSCALER_OBSERVATION_SIZE = 8;

/**
 * What an autoscaler sees on its timer: how much of the cluster runs (active,
 * starting), the load per replica and the queue, the arrival rate, the recent
 * latency of the active replicas, what the cluster costs now relative to its
 * maximum, and how far the episode has gone.
 */
export function writeAutoscalerObservation(
  out: Float32Array,
  replicas: readonly Replica[],
  capacity: Capacity,
  telemetry: Telemetry,
  now: number,
  horizon: number,
): void {
  let queued = 0;
  let latency = 0;
  for (const r of replicas) {
    queued += r.queuedRequests;
    if (capacity.state[r.index] === 'active') latency += telemetry.recentLatency[r.index];
  }
  const n = replicas.length;
  out[0] = capacity.activeCount / n;
  out[1] = capacity.startingCount / n;
  out[2] = logScale(loadPerReplica(replicas, capacity), 1);
  out[3] = logScale(queued, 1);
  out[4] = logScale(telemetry.totalArrivalRate(), 1);
  out[5] = logScale(latency / Math.max(1, capacity.activeCount), 1);
  out[6] = capacity.maxCostPerSecond > 0 ? capacity.costPerSecond / capacity.maxCostPerSecond : 0;
  out[7] = Math.min(now / horizon, 2);
}
