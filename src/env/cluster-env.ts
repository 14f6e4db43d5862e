import { produce } from 'immer';
import { replicaTypeNames, replicaTypeOf, type LlmReplicaSpec } from '../scenario/cluster-schema.js';
import { schedulerPolicyOf, type Scenario } from '../scenario/scenario-schema.js';
import type { DecisionRef } from '../reward/reward-term.js';
import { DEFERRED_BUDGET } from './cluster/budget-decider.js';
import type { LlmReplica } from './cluster/llm-replica.js';
import type { Replica } from './cluster/replica.js';
import type { Request } from './cluster/request.js';
import { EventKind } from './core/sim-event.js';
import { AgentLedger } from './multi-agent/agent-ledger.js';
import type { AgentInfo, Decision, FinalOutcome, MultiAgentEnv, StepOutcome } from './multi-agent/contract.js';
import { CreditAssignment } from './multi-agent/credit-assignment.js';
import { DecisionBook } from './multi-agent/decision-book.js';
import { AUTOSCALER_OBSERVATION_SIZE, writeAutoscalerObservation } from './observations/autoscaler-observation.js';
import { GlobalStateLayout } from './observations/global-state.js';
import { REPLICA_FEATURES, replicaSpeeds, writeClusterView, type ReplicaSpeeds } from './observations/replica-features.js';
import { REPLICA_OBSERVATION_SIZE, writeReplicaObservation } from './observations/replica-observation.js';
import { schedulerObservationSize, writeSchedulerObservation } from './observations/scheduler-observation.js';
import { Telemetry } from './observations/telemetry.js';
import { HEURISTIC_ROUTERS, type HeuristicName } from './routing/registry.js';
import { expectedRemainingOutput, OutstandingWork } from './routing/outstanding-work.js';
import { DEFERRED, type Router } from './routing/router.js';
import { expectedDelay } from './routing/shortest-expected-delay.js';
import { ServingSimulation } from './serving-simulation.js';
import { workloadMeans } from './workload/workload-means.js';

/** Why an agent is being asked: a request to route, a batch to budget, a replica timer, or the autoscaler's tick. */
type PendingKind = 'route' | 'budget' | 'timer' | 'scale';

/** The autoscaler's actions. */
export const ScaleAction = { Retire: 0, Hold: 1, Launch: 2 } as const;

interface AgentSlot {
  readonly info: AgentInfo;
  /** Front-end index for schedulers, replica index for replica agents; unused for the autoscaler. */
  readonly subject: number;
  readonly obs: Float32Array;
  readonly state: Float32Array;
  readonly mask: Uint8Array;
  readonly decision: {
    agent: number;
    obs: Float32Array;
    mask: Uint8Array;
    state: Float32Array;
    reward: number;
    elapsed: number;
    time: number;
    id: number;
    awaitsCredit: boolean;
  };
  pending: PendingKind | null;
  /** The request awaiting this scheduler's choice. */
  request: Request | null;
  /** The pending decision's record, when late credit may come for it. */
  ref: DecisionRef | null;
}

/**
 * The serving cluster as a multi-agent environment. Learned schedulers decide
 * when a request arrives at their front-end; learned replica agents decide the
 * token budget when they form a batch (or on a timer); a learned autoscaler
 * launches or retires replicas on its timer. Heuristic agents stay inside the
 * simulation and never surface. Rewards come from the scenario's reward terms:
 * credit assignment turns each payment into credit for the agents (settled at
 * their decisions), or for one past decision (delivered late as `credits`).
 */
export class ClusterEnv implements MultiAgentEnv {
  readonly agents: AgentInfo[] = [];
  readonly stateSize: number;
  private readonly slots: AgentSlot[] = [];
  private readonly schedulerAgent: Int32Array;
  private readonly replicaAgent: Int32Array;
  private readonly autoscalerAgent: number;
  private readonly speeds: ReplicaSpeeds;
  private readonly layout: GlobalStateLayout;
  private readonly budgets: readonly number[];
  /** Every replica's features at the current instant, shared by all views built at that instant. */
  private readonly clusterView: Float32Array;
  /** Outstanding work as the agents may know it (output lengths estimated, never read). */
  private readonly work: OutstandingWork;
  /** Each replica's expected delay for a typical request, as SED computes it. */
  private readonly delay: (r: Replica) => number;

  private sim!: ServingSimulation;
  private ledger!: AgentLedger;
  private telemetry!: Telemetry;
  private book!: DecisionBook;
  /** Per replica, the learned decision that launched it (for present-value credit). */
  private launchRefs: (DecisionRef | null)[] = [];
  /** Agents with a pending decision, in the order the world asked them. */
  private pendingAgents: number[] = [];
  private resolving: number[] = [];
  private readonly decisions: Decision[] = [];
  private heuristicRouters = new Map<HeuristicName, Router[]>();
  private loadScale = 1;

  constructor(readonly scenario: Scenario) {
    const types = replicaTypeNames(scenario.cluster);
    const R = types.length;
    this.clusterView = new Float32Array(R * REPLICA_FEATURES);
    this.schedulerAgent = new Int32Array(scenario.workload.frontends).fill(-1);
    this.replicaAgent = new Int32Array(R).fill(-1);
    this.speeds = replicaSpeeds(scenario.cluster);
    const means = workloadMeans(scenario.workload);
    this.work = new OutstandingWork(expectedRemainingOutput(means.outputTokens));
    this.delay = expectedDelay(means);
    this.budgets = scenario.agents.replica.tokenBudgets;
    const infos: { id: string; role: string; subject: number; obsSize: number; actionCount: number }[] = [];
    for (let f = 0; f < scenario.workload.frontends; f++) {
      if (schedulerPolicyOf(scenario, f) !== 'learned') continue;
      infos.push({ id: `scheduler/${f}`, role: 'scheduler', subject: f, obsSize: schedulerObservationSize(R), actionCount: R });
    }
    if (scenario.agents.replica.policy === 'learned') {
      types.forEach((type, r) => {
        if (replicaTypeOf(scenario.cluster, type).model !== 'llm') return;
        infos.push({ id: `replica/r${r}`, role: 'replica', subject: r, obsSize: REPLICA_OBSERVATION_SIZE, actionCount: this.budgets.length });
      });
    }
    if (scenario.agents.autoscaler.policy === 'learned') {
      infos.push({ id: 'autoscaler', role: 'autoscaler', subject: -1, obsSize: AUTOSCALER_OBSERVATION_SIZE, actionCount: 3 });
    }
    this.autoscalerAgent = infos.findIndex((i) => i.role === 'autoscaler');
    const maxObs = Math.max(0, ...infos.map((i) => i.obsSize));
    this.layout = new GlobalStateLayout(R, infos.length, maxObs);
    this.stateSize = this.layout.size;
    infos.forEach((i, index) => {
      const info: AgentInfo = { id: i.id, role: i.role, index, obsSize: i.obsSize, actionCount: i.actionCount };
      if (i.role === 'scheduler') this.schedulerAgent[i.subject] = index;
      if (i.role === 'replica') this.replicaAgent[i.subject] = index;
      const obs = new Float32Array(i.obsSize);
      const state = new Float32Array(this.stateSize);
      const mask = new Uint8Array(i.actionCount).fill(1);
      this.agents.push(info);
      this.slots.push({
        info,
        subject: i.subject,
        obs,
        state,
        mask,
        decision: { agent: index, obs, mask, state, reward: 0, elapsed: 0, time: 0, id: 0, awaitsCredit: false },
        pending: null,
        request: null,
        ref: null,
      });
    });
  }

  /** The running episode's simulation (for metrics and inspection). */
  get simulation(): ServingSimulation {
    return this.sim;
  }

  /** Arrival rates times `scale` (trace gaps divided by it) for episodes reset from now on. */
  setLoadScale(scale: number): void {
    this.loadScale = scale;
  }

  reset(seed: number): StepOutcome {
    const scale = this.loadScale;
    const scenario = produce(this.scenario, (s) => {
      s.seed = seed;
      const a = s.workload.arrivals;
      if (scale !== 1) {
        if (a.kind === 'trace') a.timeScale /= scale;
        else a.rate *= scale;
      }
    });
    this.pendingAgents = [];
    for (const slot of this.slots) {
      slot.pending = null;
      slot.request = null;
      slot.ref = null;
    }
    this.heuristicRouters = new Map();
    this.ledger = new AgentLedger(this.agents.length);
    this.book = new DecisionBook();
    this.launchRefs = replicaTypeNames(scenario.cluster).map(() => null);
    const credit = new CreditAssignment(scenario.reward.credit, this.agents.length, this.schedulerAgent, this.replicaAgent, this.ledger, this.book);
    this.sim = new ServingSimulation(scenario, {
      routerFactory: (f) => {
        const agent = this.schedulerAgent[f];
        return agent < 0 ? null : { route: (request) => this.ask(agent, 'route', request) };
      },
      payments: (_term, amount, to) => credit.pay(amount, to),
      decisions: {
        routingDecision: (r) => (r.routingDecision >= 0 ? this.book.ref(r.routingDecision) : null),
        launchDecision: (i) => this.launchRefs[i],
      },
    });
    const loop = this.sim.loop;
    this.telemetry = new Telemetry(loop, scenario.workload.frontends, this.sim.cluster.replicas.length);
    // After the reward terms: a decision closes once everything has been paid to it.
    const closeRouting = (r: Request | null): void => {
      if (r !== null && r.routingDecision >= 0) this.book.close(r.routingDecision);
    };
    loop.on(EventKind.RequestCompleted).subscribe((ev) => closeRouting(ev.request));
    loop.on(EventKind.RequestRejected).subscribe((ev) => closeRouting(ev.request));
    loop.on(EventKind.ReplicaStopped).subscribe((ev) => {
      const launch = this.launchRefs[ev.target];
      if (launch !== null) this.book.close(launch.decision);
      this.launchRefs[ev.target] = null;
    });
    const every = scenario.agents.replica.decideEvery;
    for (const slot of this.slots) {
      if (slot.info.role !== 'replica') continue;
      const replica = this.sim.cluster.replicas[slot.subject] as LlmReplica;
      if (every === undefined) replica.budgetDecider = { chooseBudget: () => this.ask(slot.info.index, 'budget', null) };
      else loop.scheduleAt(0, EventKind.Timer, slot.info.index);
    }
    loop.on(EventKind.Timer).subscribe((ev) => this.ask(ev.target, 'timer', null));
    if (this.autoscalerAgent >= 0) {
      loop.on(EventKind.AutoscaleTick).subscribe(() => this.ask(this.autoscalerAgent, 'scale', null));
      loop.schedule(scenario.agents.autoscaler.interval, EventKind.AutoscaleTick, 0);
    }
    return this.advance();
  }

  step(actions: ArrayLike<number>): StepOutcome {
    if (actions.length !== this.pendingAgents.length) {
      throw new Error(`step expects ${this.pendingAgents.length} actions (one per pending decision), got ${actions.length}`);
    }
    // Validate everything before changing anything, so a bad call leaves the episode intact.
    this.pendingAgents.forEach((agent, i) => checkAction(this.slots[agent], actions[i]));
    // Swap buffers: resolving an action may raise new decisions (a routed request
    // makes an idle replica agent form a batch).
    const resolving = this.pendingAgents;
    this.pendingAgents = this.resolving;
    this.pendingAgents.length = 0;
    this.resolving = resolving;
    for (let i = 0; i < resolving.length; i++) this.resolve(this.slots[resolving[i]], actions[i]);
    return this.advance();
  }

  /** Serving figures of the episode so far, and what each reward term paid in all. */
  summary(): Record<string, number> {
    const r = this.sim.report();
    const out: Record<string, number> = {
      requestsCompleted: r.requests.completed,
      throughputRps: r.throughput.requestsPerSec,
      e2eMean: r.latency.e2e.mean,
      e2eP99: r.latency.e2e.p99,
      ttftP99: r.latency.ttft.p99,
      tbtP99: r.latency.tbt.p99,
      cost: r.cost.total,
      meanRunningReplicas: r.cost.meanRunningReplicas,
    };
    for (const [term, s] of Object.entries(r.reward.terms)) out[`reward/${term}`] = s.total;
    return out;
  }

  /**
   * The actions the named heuristic would take for the pending decisions: a
   * heuristic agent behind the same interface as a learned one. Schedulers route
   * as the heuristic router of their front-end would (with its own random
   * stream, as in `simulate`); replica agents keep their type's own budget; the
   * autoscaler holds.
   */
  heuristicActions(name: HeuristicName): Int32Array {
    let routers = this.heuristicRouters.get(name);
    if (routers === undefined) {
      routers = Array.from({ length: this.scenario.workload.frontends }, (_, f) =>
        HEURISTIC_ROUTERS[name]({ rng: this.sim.rng.derive(`router/${f}`), workload: this.sim.workloadMeans }),
      );
      this.heuristicRouters.set(name, routers);
    }
    const out = new Int32Array(this.pendingAgents.length);
    this.pendingAgents.forEach((agent, i) => {
      const slot = this.slots[agent];
      if (slot.pending === 'route') {
        out[i] = (routers as Router[])[slot.subject].route(slot.request as Request, this.sim.cluster.replicas);
      } else if (slot.pending === 'scale') {
        out[i] = ScaleAction.Hold;
      } else {
        const own = (this.sim.cluster.replicas[slot.subject] as LlmReplica).spec as LlmReplicaSpec;
        const budget = own.batching.kind === 'vllm' ? own.batching.maxBatchTokens : own.batching.chunkSize;
        out[i] = nearestIndex(this.budgets, budget);
      }
    });
    return out;
  }

  /** Registers a pending decision and pauses the loop; returns the deferral marker for the caller. */
  private ask(agent: number, kind: PendingKind, request: Request | null): number {
    const slot = this.slots[agent];
    if (slot.pending !== null) throw new Error(`agent ${slot.info.id} already has a pending decision`);
    slot.pending = kind;
    slot.request = request;
    // Present values name a routing or scaling decision; nothing else is credited late.
    const awaits = this.sim.rewards.paysDecisions && (kind === 'route' || kind === 'scale');
    slot.ref = this.book.open(agent, this.sim.loop.now, awaits);
    this.pendingAgents.push(agent);
    this.sim.loop.pause();
    return kind === 'route' ? DEFERRED : DEFERRED_BUDGET;
  }

  private resolve(slot: AgentSlot, action: number): void {
    const { pending: kind, request, ref } = slot;
    slot.pending = null;
    slot.request = null;
    slot.ref = null;
    const replicas = this.sim.cluster.replicas;
    const capacity = this.sim.capacity;
    const awaiting = ref !== null && slot.decision.awaitsCredit;
    if (kind === 'route') {
      const r = request as Request;
      if (awaiting) r.routingDecision = (ref as DecisionRef).decision;
      this.sim.cluster.dispatch(r, action);
    } else if (kind === 'budget') {
      (replicas[slot.subject] as LlmReplica).resumeWithBudget(this.budgets[action]);
    } else if (kind === 'timer') {
      (replicas[slot.subject] as LlmReplica).tokenBudget = this.budgets[action];
      const every = this.scenario.agents.replica.decideEvery as number;
      const next = this.sim.loop.now + every;
      // Timers stop with the arrivals, so a draining episode can end.
      if (this.sim.periodicDue(next)) this.sim.loop.scheduleAt(next, EventKind.Timer, slot.info.index);
    } else {
      const launched = action === ScaleAction.Launch ? capacity.launch() : -1;
      if (action === ScaleAction.Retire) capacity.retire();
      if (awaiting && launched >= 0) this.launchRefs[launched] = ref;
      else if (awaiting) this.book.close((ref as DecisionRef).decision); // only a launch causes later cash flows
      const next = this.sim.loop.now + this.scenario.agents.autoscaler.interval;
      if (this.sim.periodicDue(next)) this.sim.loop.scheduleAt(next, EventKind.AutoscaleTick, 0);
    }
  }

  private advance(): StepOutcome {
    while (this.pendingAgents.length === 0) {
      const outcome = this.sim.advance();
      if (outcome === 'paused') continue;
      const final = this.finals();
      this.book.closeAll();
      return { decisions: [], ended: outcome === 'drained' ? 'done' : 'truncated', final, credits: this.book.take() };
    }
    const now = this.sim.loop.now;
    this.decisions.length = 0;
    writeClusterView(this.clusterView, this.sim.cluster.replicas, this.speeds, this.telemetry, this.sim.capacity, this.work, this.delay);
    for (const agent of this.pendingAgents) {
      const slot = this.slots[agent];
      this.observe(slot, slot.request);
      this.updateMask(slot);
      const d = slot.decision;
      d.reward = this.ledger.takeReward(agent);
      d.elapsed = this.ledger.takeElapsed(agent, now);
      d.time = now;
      d.id = (slot.ref as DecisionRef).decision;
      d.awaitsCredit = this.book.ref(d.id) !== null;
      this.decisions.push(d);
    }
    return { decisions: this.decisions, ended: null, final: [], credits: this.book.take() };
  }

  private finals(): FinalOutcome[] {
    const now = this.sim.loop.now;
    writeClusterView(this.clusterView, this.sim.cluster.replicas, this.speeds, this.telemetry, this.sim.capacity, this.work, this.delay);
    return this.slots.map((slot) => {
      this.observe(slot, null);
      return {
        agent: slot.info.index,
        reward: this.ledger.takeReward(slot.info.index),
        elapsed: this.ledger.takeElapsed(slot.info.index, now),
        obs: slot.obs,
        state: slot.state,
      };
    });
  }

  /** Schedulers may only pick accepting replicas; the autoscaler only what capacity allows. */
  private updateMask(slot: AgentSlot): void {
    const replicas = this.sim.cluster.replicas;
    if (slot.info.role === 'scheduler') {
      for (let i = 0; i < replicas.length; i++) slot.mask[i] = replicas[i].accepting ? 1 : 0;
    } else if (slot.info.role === 'autoscaler') {
      slot.mask[ScaleAction.Retire] = this.sim.capacity.canRetire() ? 1 : 0;
      slot.mask[ScaleAction.Launch] = this.sim.capacity.canLaunch() ? 1 : 0;
    }
  }

  /** Writes the agent's observation and global state as the world stands now (after writeClusterView). */
  private observe(slot: AgentSlot, request: Request | null): void {
    const replicas = this.sim.cluster.replicas;
    const now = this.sim.loop.now;
    if (slot.info.role === 'scheduler') {
      writeSchedulerObservation(slot.obs, this.clusterView, request, slot.subject, this.telemetry);
    } else if (slot.info.role === 'replica') {
      const replica = replicas[slot.subject] as LlmReplica;
      const fraction = replica.tokenBudget / this.budgets[this.budgets.length - 1];
      writeReplicaObservation(slot.obs, replica, now, fraction, replicas, this.speeds);
    } else {
      writeAutoscalerObservation(slot.obs, replicas, this.sim.capacity, this.telemetry, now, this.scenario.horizon);
    }
    this.layout.write(slot.state, slot.info.index, slot.obs, this.clusterView, replicas, this.telemetry, now, this.scenario.horizon);
  }
}

function checkAction(slot: AgentSlot, action: number): void {
  if (!Number.isInteger(action) || action < 0 || action >= slot.info.actionCount || slot.mask[action] === 0) {
    throw new Error(`agent ${slot.info.id} got action ${action}, which is outside its ${slot.info.actionCount} actions or masked`);
  }
}

function nearestIndex(values: readonly number[], target: number): number {
  let best = 0;
  for (let i = 1; i < values.length; i++) if (Math.abs(values[i] - target) < Math.abs(values[best] - target)) best = i;
  return best;
}
