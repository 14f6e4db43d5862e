import { produce } from 'immer';
import type { Scenario } from '../scenario/scenario-schema.js';
import { PaymentLog } from '../reward/payment-log.js';
import { AgentRoster, ScaleAction } from './cluster-agents/agent-roster.js';
import type { AgentSeat, Question } from './cluster-agents/agent-seat.js';
import { ClusterObserver } from './cluster-agents/cluster-observer.js';
import { HeuristicAnswers } from './cluster-agents/heuristic-answers.js';
import { DEFERRED_BUDGET } from './cluster/budget-decider.js';
import type { Request } from './cluster/request.js';
import { EventKind } from './core/sim-event.js';
import type { AgentInfo, Decision, FinalOutcome, MultiAgentEnv, StepOutcome } from './multi-agent/contract.js';
import { RewardBridge } from './multi-agent/reward-bridge.js';
import type { HeuristicName } from './routing/registry.js';
import { DEFERRED } from './routing/router.js';
import { ServingSimulation } from './serving-simulation.js';

/**
 * The serving cluster as a multi-agent environment. Learned schedulers decide
 * when a request arrives at their front-end; learned replica agents decide the
 * token budget when they form a batch (or on a timer); a learned autoscaler
 * launches or retires replicas on its timer. Heuristic agents stay inside the
 * simulation and never surface.
 *
 * The world asks an agent by pausing the loop (`ask`); `step` applies the
 * answers to the world (`resolve`) and runs it to the next questions. What the
 * agents are paid travels through the RewardBridge, in the phases of each
 * event: the scenario's reward terms score, credit is assigned (settled into
 * each decision's `reward`, or delivered late as `credits` for one past
 * decision), and decisions close.
 */
export class ClusterEnv implements MultiAgentEnv {
  readonly agents: readonly AgentInfo[];
  readonly stateSize: number;
  private readonly roster: AgentRoster;
  private readonly seats: readonly AgentSeat[];
  private readonly observer: ClusterObserver;
  private readonly budgets: readonly number[];

  private sim!: ServingSimulation;
  private bridge!: RewardBridge;
  private heuristics!: HeuristicAnswers;
  /** Agents with a pending question, in the order the world asked them. */
  private pendingAgents: number[] = [];
  private resolving: number[] = [];
  private readonly decisions: Decision[] = [];
  private loadScale = 1;

  constructor(readonly scenario: Scenario) {
    this.roster = new AgentRoster(scenario);
    this.agents = this.roster.agents;
    this.seats = this.roster.seats;
    this.stateSize = this.roster.layout.size;
    this.observer = new ClusterObserver(scenario, this.roster);
    this.budgets = scenario.agents.replica.tokenBudgets;
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
    for (const seat of this.seats) seat.clear();
    const payments = new PaymentLog();
    this.sim = new ServingSimulation(scenario, {
      routerFactory: (f) => {
        const agent = this.roster.schedulerAgent[f];
        return agent < 0 ? null : { route: (request) => this.ask(agent, 'route', request) };
      },
      payments,
    });
    this.bridge = new RewardBridge(this.sim, payments, this.roster, scenario.reward.credit);
    this.heuristics = new HeuristicAnswers(this.sim, this.budgets);
    this.observer.watch(this.sim);
    const loop = this.sim.loop;
    const every = scenario.agents.replica.decideEvery;
    for (const seat of this.seats) {
      if (seat.info.role !== 'replica') continue;
      seat.replica = this.sim.cluster.llmReplica(seat.subject);
      if (every === undefined) seat.replica.budgetDecider = { chooseBudget: () => this.ask(seat.info.index, 'budget', null) };
      else loop.scheduleAt(0, EventKind.Timer, seat.subject);
    }
    loop.on(EventKind.Timer).subscribe((ev) => this.ask(this.roster.replicaAgent[ev.target], 'timer', null));
    if (this.roster.autoscalerAgent >= 0) {
      loop.on(EventKind.AutoscaleTick).subscribe(() => this.ask(this.roster.autoscalerAgent, 'scale', null));
      loop.schedule(scenario.agents.autoscaler.interval, EventKind.AutoscaleTick, 0);
    }
    return this.advance();
  }

  step(actions: ArrayLike<number>): StepOutcome {
    if (actions.length !== this.pendingAgents.length) {
      throw new Error(`step expects ${this.pendingAgents.length} actions (one per pending decision), got ${actions.length}`);
    }
    // Validate everything before changing anything, so a bad call leaves the episode intact.
    this.pendingAgents.forEach((agent, i) => checkAction(this.seats[agent], actions[i]));
    // Swap buffers: resolving an action may raise new questions (a routed request
    // makes an idle replica agent form a batch).
    const resolving = this.pendingAgents;
    this.pendingAgents = this.resolving;
    this.pendingAgents.length = 0;
    this.resolving = resolving;
    for (let i = 0; i < resolving.length; i++) this.resolve(this.seats[resolving[i]], actions[i]);
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

  /** The actions the named heuristic would take for the pending decisions (see HeuristicAnswers). */
  heuristicActions(name: HeuristicName): Int32Array {
    return this.heuristics.answer(name, this.pendingAgents.map((agent) => this.seats[agent]));
  }

  /** Opens a decision for the agent and pauses the loop; returns the deferral marker for the world's caller. */
  private ask(agent: number, question: Question, request: Request | null): number {
    const seat = this.seats[agent];
    if (seat.question !== null) throw new Error(`agent ${seat.info.id} already has a pending decision`);
    seat.question = question;
    seat.request = request;
    // Only a routing or a scaling decision causes cash flows later (a request's value, a replica's costs).
    const d = seat.handout;
    d.id = this.bridge.open(agent, question === 'route' || question === 'scale');
    d.awaitsCredit = this.bridge.awaits(d.id);
    this.pendingAgents.push(agent);
    this.sim.loop.pause();
    return question === 'route' ? DEFERRED : DEFERRED_BUDGET;
  }

  /** Applies the agent's answer to the world. A decision that acts stamps itself on what it caused, so credit can find it. */
  private resolve(seat: AgentSeat, action: number): void {
    const { question } = seat;
    const request = question === 'route' ? seat.requestToRoute : null;
    const decision = seat.handout.id;
    seat.clear();
    const sim = this.sim;
    if (request !== null) {
      request.decision = decision;
      sim.cluster.dispatch(request, action);
    } else if (question === 'budget') {
      seat.ownReplica.resumeWithBudget(this.budgets[action]);
    } else if (question === 'timer') {
      seat.ownReplica.tokenBudget = this.budgets[action];
      const next = sim.loop.now + (this.scenario.agents.replica.decideEvery as number);
      // Timers stop with the arrivals, so a draining episode can end.
      if (sim.periodicDue(next)) sim.loop.scheduleAt(next, EventKind.Timer, seat.subject);
    } else {
      const launched = action === ScaleAction.Launch ? sim.capacity.launch(decision) : -1;
      if (action === ScaleAction.Retire) sim.capacity.retire();
      if (launched < 0) this.bridge.close(decision); // only a launch causes later cash flows
      const next = sim.loop.now + this.scenario.agents.autoscaler.interval;
      if (sim.periodicDue(next)) sim.loop.scheduleAt(next, EventKind.AutoscaleTick, 0);
    }
  }

  private advance(): StepOutcome {
    while (this.pendingAgents.length === 0) {
      const outcome = this.sim.advance();
      if (outcome === 'paused') continue;
      const final = this.finals();
      this.bridge.endEpisode();
      return { decisions: [], ended: outcome === 'drained' ? 'done' : 'truncated', final, credits: this.bridge.takeCredits() };
    }
    const now = this.sim.loop.now;
    this.decisions.length = 0;
    this.observer.beginInstant();
    for (const agent of this.pendingAgents) {
      const seat = this.seats[agent];
      this.observer.observe(seat);
      this.observer.updateMask(seat);
      const d = seat.handout;
      d.reward = this.bridge.takeReward(agent);
      d.elapsed = this.bridge.takeElapsed(agent, now);
      d.time = now;
      this.decisions.push(d);
    }
    return { decisions: this.decisions, ended: null, final: [], credits: this.bridge.takeCredits() };
  }

  /** Every agent's last transition: what it accrued since its last decision, and its view at the end. */
  private finals(): FinalOutcome[] {
    const now = this.sim.loop.now;
    this.observer.beginInstant();
    return this.seats.map((seat) => {
      this.observer.observe(seat);
      return {
        agent: seat.info.index,
        reward: this.bridge.takeReward(seat.info.index),
        elapsed: this.bridge.takeElapsed(seat.info.index, now),
        obs: seat.obs,
        state: seat.state,
      };
    });
  }
}

function checkAction(seat: AgentSeat, action: number): void {
  if (!Number.isInteger(action) || action < 0 || action >= seat.info.actionCount || seat.mask[action] === 0) {
    throw new Error(`agent ${seat.info.id} got action ${action}, which is outside its ${seat.info.actionCount} actions or masked`);
  }
}
