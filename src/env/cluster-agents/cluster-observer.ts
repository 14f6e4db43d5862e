import type { Scenario } from '../../scenario/scenario-schema.js';
import { hasLoadReports } from '../../scenario/cluster-schema.js';
import type { ReplicaLoad } from '../cluster/replica-load.js';
import { writeAutoscalerObservation } from '../observations/autoscaler-observation.js';
import { REPLICA_FEATURES, replicaSpeeds, writeClusterView, type ReplicaSpeeds } from '../observations/replica-features.js';
import { writeReplicaObservation } from '../observations/replica-observation.js';
import { writeSchedulerObservation } from '../observations/scheduler-observation.js';
import { Telemetry } from '../observations/telemetry.js';
import { expectedRemainingOutput, OutstandingWork } from '../routing/outstanding-work.js';
import { expectedDelay } from '../routing/shortest-expected-delay.js';
import type { ServingSimulation } from '../serving-simulation.js';
import { workloadMeans } from '../workload/workload-means.js';
import type { AgentRoster } from './agent-roster.js';
import { ScaleAction } from './agent-roster.js';
import type { AgentSeat } from './agent-seat.js';

/**
 * What the agents see: each seat's observation, the critic's global state and
 * the action mask, written into the seat's buffers as the world stands. The
 * true replica features, which the critic and the autoscaler read, are
 * written once per instant (`beginInstant`) and shared by all the views
 * written at that instant. Schedulers see them too when load is live; with
 * load reports each scheduler sees its own front-end's view instead (the last
 * report and what it routed since), while the critic keeps the truth: the
 * centralized training, decentralized execution that MAPPO is for.
 */
export class ClusterObserver {
  private readonly speeds: ReplicaSpeeds;
  private readonly clusterView: Float32Array;
  /** A scheduler's own view of the replicas, when front-ends see load reports rather than live load. */
  private readonly frontendView: Float32Array | null;
  /** Outstanding work as the agents may know it (output lengths estimated, never read). */
  private readonly work: OutstandingWork;
  /** Each replica's expected delay for a typical request, as SED computes it. */
  private readonly delay: (r: ReplicaLoad) => number;
  private readonly largestBudget: number;
  private sim!: ServingSimulation;
  private telemetry!: Telemetry;

  constructor(
    private readonly scenario: Scenario,
    private readonly roster: AgentRoster,
  ) {
    this.speeds = replicaSpeeds(scenario.cluster);
    this.clusterView = new Float32Array(roster.layout.replicaCount * REPLICA_FEATURES);
    this.frontendView = hasLoadReports(scenario.cluster) ? new Float32Array(this.clusterView.length) : null;
    const means = workloadMeans(scenario.workload);
    this.work = new OutstandingWork(expectedRemainingOutput(means.outputTokens));
    this.delay = expectedDelay(means);
    const budgets = scenario.agents.replica.tokenBudgets;
    this.largestBudget = budgets[budgets.length - 1];
  }

  /** Starts watching a new episode's simulation (its telemetry subscribes to the events from now on). */
  watch(sim: ServingSimulation): void {
    this.sim = sim;
    this.telemetry = new Telemetry(sim.loop, this.scenario.workload.frontends, sim.cluster.replicas.length);
  }

  /** Writes every replica's features as the world stands now; call before the views of this instant. */
  beginInstant(): void {
    const sim = this.sim;
    writeClusterView(this.clusterView, sim.cluster.replicas, this.speeds, this.telemetry.recentLatency, sim.capacity, this.work, this.delay);
  }

  /** Writes the seat's observation and global state (after `beginInstant`); a scheduler sees the request it is asked about. */
  observe(seat: AgentSeat): void {
    const { replicas } = this.sim.cluster;
    const now = this.sim.loop.now;
    const horizon = this.scenario.horizon;
    if (seat.info.role === 'scheduler') {
      const f = seat.subject;
      if (this.frontendView === null) {
        writeSchedulerObservation(seat.obs, this.clusterView, seat.request, f, this.telemetry, null);
      } else {
        const views = this.sim.views;
        writeClusterView(this.frontendView, views.of(f), this.speeds, this.telemetry.recentLatencyAt(f), this.sim.capacity, this.work, this.delay);
        writeSchedulerObservation(seat.obs, this.frontendView, seat.request, f, this.telemetry, views.age());
      }
    } else if (seat.info.role === 'replica') {
      const replica = seat.ownReplica;
      writeReplicaObservation(seat.obs, replica, now, replica.tokenBudget / this.largestBudget, replicas, this.speeds);
    } else {
      writeAutoscalerObservation(seat.obs, replicas, this.sim.capacity, this.telemetry, now, horizon);
    }
    this.roster.layout.write(seat.state, seat.info.index, seat.obs, this.clusterView, replicas, this.telemetry, now, horizon);
  }

  /** Schedulers may only pick accepting replicas; the autoscaler only what capacity allows. */
  updateMask(seat: AgentSeat): void {
    const { replicas } = this.sim.cluster;
    if (seat.info.role === 'scheduler') {
      for (let i = 0; i < replicas.length; i++) seat.mask[i] = replicas[i].accepting ? 1 : 0;
    } else if (seat.info.role === 'autoscaler') {
      seat.mask[ScaleAction.Retire] = this.sim.capacity.canRetire() ? 1 : 0;
      seat.mask[ScaleAction.Launch] = this.sim.capacity.canLaunch() ? 1 : 0;
    }
  }
}
