import type { Replica } from '../cluster/replica.js';
import { REPLICA_FEATURES } from './replica-features.js';
import { logScale } from './scale.js';
import type { Telemetry } from './telemetry.js';

const WORLD_FEATURES = 3;

/**
 * The centralized critic's input, "agent-specific global state" as in MAPPO:
 * the whole cluster (every replica's features, the clock, the arrival rate,
 * the requests in flight), then which agent is deciding (one-hot) and that
 * agent's own observation, zero-padded to the largest observation size.
 */
export class GlobalStateLayout {
  readonly size: number;
  private readonly agentOffset: number;
  private readonly obsOffset: number;

  constructor(
    readonly replicaCount: number,
    readonly agentCount: number,
    readonly maxObsSize: number,
  ) {
    this.agentOffset = replicaCount * REPLICA_FEATURES + WORLD_FEATURES;
    this.obsOffset = this.agentOffset + agentCount;
    this.size = this.obsOffset + maxObsSize;
  }

  /** `clusterView` comes from writeClusterView at the same instant. */
  write(
    out: Float32Array,
    agent: number,
    obs: Float32Array,
    clusterView: Float32Array,
    replicas: readonly Replica[],
    telemetry: Telemetry,
    now: number,
    horizon: number,
  ): void {
    out.set(clusterView);
    let inFlight = 0;
    for (let i = 0; i < replicas.length; i++) inFlight += replicas[i].outstandingRequests;
    const w = clusterView.length;
    out[w] = Math.min(now / horizon, 2);
    out[w + 1] = logScale(telemetry.totalArrivalRate(), 1);
    out[w + 2] = logScale(inFlight, 1);
    out.fill(0, this.agentOffset, this.size);
    out[this.agentOffset + agent] = 1;
    out.set(obs, this.obsOffset);
  }
}
