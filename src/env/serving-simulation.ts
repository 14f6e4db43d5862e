import { InputError } from '../errors.js';
import { schedulerPolicyOf, type Scenario } from '../scenario/scenario-schema.js';
import { hasLoadReports, replicaTypeNames, replicaTypeOf } from '../scenario/cluster-schema.js';
import type { PaymentLog } from '../reward/payment-log.js';
import { RewardSystem } from '../reward/reward-system.js';
import { ThresholdAutoscaler } from './autoscaling/threshold-autoscaler.js';
import { buildReplicas } from './cluster/build-replicas.js';
import { Capacity } from './cluster/capacity.js';
import { Cluster } from './cluster/cluster.js';
import { liveViews, LoadReports, type FrontendViews } from './cluster/load-reports.js';
import { LlmReplica } from './cluster/llm-replica.js';
import { TbtTargetBudget } from './cluster/tbt-target-budget.js';
import type { Request } from './cluster/request.js';
import { EventLoop, type RunOutcome } from './core/event-loop.js';
import { EventKind } from './core/sim-event.js';
import { RequestMetrics } from './metrics/request-metrics.js';
import { buildReport, type SimulationReport } from './metrics/report.js';
import { Rng } from './rng.js';
import { buildRouter } from './routing/registry.js';
import { DEFERRED, type Router } from './routing/router.js';
import { ArrivalDriver } from './workload/arrival-driver.js';
import { requestSources } from './workload/request-source.js';
import { workloadMeans, type WorkloadMeans } from './workload/workload-means.js';

/** Supplies a front-end's router in place of the scenario's heuristic (e.g. a learned agent's), or null to keep it. */
export type RouterFactory = (frontend: number, rng: Rng) => Router | null;

/** What an environment plugs into a simulation: its agents' routers, and a log for the payments its agents are credited with. */
export interface SimulationOptions {
  routerFactory?: RouterFactory;
  /** Where reward terms log their weighted payments for credit assignment (see RewardBridge); without it they are only tallied. */
  payments?: PaymentLog;
}

/**
 * One run of a serving scenario: the event loop, the cluster, the request
 * streams and their schedulers, the metrics and the reward, all drawing
 * randomness from streams of one seeded generator. Its components react to
 * events in the React phase; the reward terms score in the Score phase and
 * close their windows in the Close phase (see core/phase.ts). `run()`
 * simulates to the end; environments call `advance()` to stop at pending
 * decisions, and add the Assign and Close work of their agents (RewardBridge).
 */
export class ServingSimulation {
  readonly loop = new EventLoop();
  readonly rng: Rng;
  readonly cluster: Cluster;
  readonly metrics: RequestMetrics;
  readonly routers: Router[];
  readonly capacity: Capacity;
  /** What each front-end's router and scheduler agent see of the replicas: live, or the last load report and what it routed since. */
  readonly views: FrontendViews;
  readonly rewards: RewardSystem;
  /** What the operator knows of the traffic: heuristic routers are built with it. */
  readonly workloadMeans: WorkloadMeans;
  private readonly arrivals: ArrivalDriver;
  private wallSeconds = 0;

  constructor(
    readonly scenario: Scenario,
    options: SimulationOptions = {},
  ) {
    const routerFactory = options.routerFactory;
    this.rng = Rng.fromSeed(scenario.seed);
    const replicas = buildReplicas(scenario.cluster, this.loop, this.rng);
    this.cluster = new Cluster(this.loop, replicas);
    const c = scenario.cluster;
    this.capacity = new Capacity(
      this.loop,
      replicas,
      replicaTypeNames(c).map((name) => replicaTypeOf(c, name).costPerSecond),
      c.replicas.reduce((n, g) => n + g.count, 0),
      c.autoscaling?.startupDelay ?? 0,
      c.autoscaling?.minReplicas ?? 1,
    );
    const sources = requestSources(scenario.workload, this.rng);
    this.workloadMeans = workloadMeans(scenario.workload);
    this.arrivals = new ArrivalDriver(this.loop, sources, {
      horizon: scenario.horizon,
      maxRequests: scenario.maxRequests ?? Infinity,
    });
    this.views = hasLoadReports(c)
      ? new LoadReports(this.loop, replicas, sources.length, c.loadReportEvery ?? 0, (time) => this.periodicDue(time))
      : liveViews(replicas);
    this.routers = sources.map((_, f) => {
      const rng = this.rng.derive(`router/${f}`);
      const custom = routerFactory?.(f, rng) ?? null;
      if (custom !== null) return custom;
      const policy = schedulerPolicyOf(scenario, f);
      if (policy === 'learned') {
        throw new InputError(
          `scenario "${scenario.name}" has a learned scheduler at front-end ${f}; pass --scheduler NAME to simulate a heuristic, or evaluate a trained run`,
        );
      }
      return buildRouter(policy, { rng, workload: this.workloadMeans });
    });
    const budgets = scenario.agents.replica;
    if (budgets.policy === 'tbt-target') {
      const rule = new TbtTargetBudget(budgets.tokenBudgets, budgets.tbtTarget ?? Infinity);
      for (const r of replicas) if (r instanceof LlmReplica) r.budgetDecider = rule;
    }
    this.metrics = new RequestMetrics(this.loop, replicas.length);
    this.loop.on(EventKind.Arrival).subscribe((ev) => this.route(ev.request as Request, ev.target));
    const autoscaler = scenario.agents.autoscaler;
    if (autoscaler.policy === 'threshold') new ThresholdAutoscaler(this.loop, this.capacity, replicas, autoscaler, (time) => this.periodicDue(time));
    this.rewards = new RewardSystem(scenario.reward, { loop: this.loop, replicas, capacity: this.capacity }, options.payments ?? null);
    this.arrivals.start();
  }

  /**
   * Whether a periodic check (an autoscaler tick, a replica timer) due at
   * `time` still has a reason to happen: it is not past the horizon, and some
   * request is still to arrive or in service. A request cap can end arrivals
   * long before the horizon, and ticks alone would keep an empty cluster
   * running (and costing) until then.
   */
  periodicDue(time: number): boolean {
    return time <= this.scenario.horizon && !(this.arrivals.finished && this.cluster.replicas.every((r) => r.outstandingRequests === 0));
  }

  /** Runs until a pause (pending decision) or the end: the horizon, or the last request when draining. */
  advance(): RunOutcome {
    const start = performance.now();
    const outcome = this.loop.run(this.scenario.drain ? Infinity : this.scenario.horizon);
    this.wallSeconds += (performance.now() - start) / 1000;
    return outcome;
  }

  /** Simulates to the end (routers must not defer) and reports. */
  run(): SimulationReport {
    let outcome = this.advance();
    while (outcome === 'paused') outcome = this.advance();
    return this.report();
  }

  report(policy = describePolicy(this.scenario)): SimulationReport {
    return buildReport(
      {
        scenario: this.scenario.name,
        policy,
        seed: this.scenario.seed,
        simSeconds: this.loop.now,
        events: this.loop.processed,
        wallSeconds: this.wallSeconds,
      },
      this.metrics,
      this.cluster.replicas,
      this.capacity,
      this.rewards,
    );
  }

  private route(request: Request, frontend: number): void {
    const replica = this.routers[frontend].route(request, this.views.of(frontend));
    if (replica !== DEFERRED) this.cluster.dispatch(request, replica);
  }
}

/** "lor", or "learned,lor" when front-ends differ. */
function describePolicy(s: Scenario): string {
  const p = s.agents.scheduler.policy;
  return typeof p === 'string' ? p : [...new Set(p)].join(',');
}
