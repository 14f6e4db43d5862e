import type { RewardSummary } from '../../reward/reward-stats.js';
import type { RewardSystem } from '../../reward/reward-system.js';
import type { Capacity } from '../cluster/capacity.js';
import type { Replica } from '../cluster/replica.js';
import { QuantileSketch, type LatencySummary } from './quantile-sketch.js';
import type { RequestMetrics } from './request-metrics.js';

/** The `simulate --json` document (see docs/cli.md); times in seconds. */
export interface SimulationReport {
  scenario: string;
  policy: string;
  seed: number;
  requests: {
    arrived: number;
    completed: number;
    rejected: number;
    promptTokens: number;
    generatedTokens: number;
  };
  throughput: { requestsPerSec: number; tokensPerSec: number };
  latency: { e2e: LatencySummary; ttft: LatencySummary; tbt: LatencySummary; schedulingDelay: LatencySummary };
  replicas: ReplicaReport[];
  /** What the replicas cost (cost per second of each type while it runs), and how many ran on average. */
  cost: { total: number; perSecond: number; meanRunningReplicas: number };
  /** What the scenario's reward terms paid, each and composed, summarized per reward window. */
  reward: { terms: Record<string, RewardSummary>; composed: RewardSummary };
  sim: { events: number; simSeconds: number; wallSeconds: number; eventsPerSec: number };
}

/** One replica's figures over a run: its type, utilization, throughput, preemptions, KV usage and latencies. */
export interface ReplicaReport {
  id: string;
  type: string;
  utilization: number;
  requestsPerSec: number;
  preemptions: number;
  kvUsageMean: number;
  /** Time-averaged requests queued or running (Little's L). */
  outstandingMean: number;
  e2e: LatencySummary;
}

export interface ReportContext {
  scenario: string;
  policy: string;
  seed: number;
  simSeconds: number;
  events: number;
  wallSeconds: number;
}

export function buildReport(
  ctx: ReportContext,
  metrics: RequestMetrics,
  replicas: readonly Replica[],
  capacity: Capacity,
  rewards: RewardSystem,
): SimulationReport {
  const T = ctx.simSeconds;
  const perSecond = (n: number): number => (T > 0 ? n / T : 0);
  const tbt = new QuantileSketch();
  for (const r of replicas) tbt.merge(r.stats.tokenGaps);
  return {
    scenario: ctx.scenario,
    policy: ctx.policy,
    seed: ctx.seed,
    requests: {
      arrived: metrics.arrived,
      completed: metrics.completed,
      rejected: metrics.rejected,
      promptTokens: metrics.arrivedPromptTokens,
      generatedTokens: replicas.reduce((s, r) => s + r.stats.generatedTokens, 0),
    },
    throughput: {
      requestsPerSec: perSecond(metrics.completed),
      tokensPerSec: perSecond(metrics.completedOutputTokens),
    },
    latency: {
      e2e: metrics.e2e().summary(),
      ttft: metrics.ttft.summary(),
      tbt: tbt.summary(),
      schedulingDelay: metrics.schedulingDelay.summary(),
    },
    replicas: replicas.map((r, i) => ({
      id: r.id,
      type: r.typeName,
      utilization: T > 0 ? r.stats.busyTime / T : 0,
      requestsPerSec: perSecond(r.stats.completed),
      preemptions: r.stats.preemptions,
      kvUsageMean: r.stats.kvUsage.mean(T),
      outstandingMean: r.stats.outstanding.mean(T),
      e2e: metrics.e2eByReplica[i].summary(),
    })),
    cost: {
      total: capacity.totalCost(),
      perSecond: T > 0 ? capacity.totalCost() / T : 0,
      meanRunningReplicas: capacity.running.mean(T),
    },
    reward: rewards.summary(),
    sim: {
      events: ctx.events,
      simSeconds: T,
      wallSeconds: ctx.wallSeconds,
      eventsPerSec: ctx.wallSeconds > 0 ? ctx.events / ctx.wallSeconds : 0,
    },
  };
}
