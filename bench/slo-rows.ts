/** What the token-budget studies (bench:replica-budget, bench:joint-route-budget) measure and how they fix a budget. */
import { produce } from 'immer';
import { meanCi, type MeanCi } from '../src/evaluation/confidence-interval.js';
import type { SimulationReport } from '../src/env/metrics/report.js';
import type { Scenario } from '../src/scenario/scenario-schema.js';
import { pm } from './training-study.js';
import { isLlmType } from '../src/scenario/cluster-schema.js';

/** The scenario with every LLM replica type's budget (chunk) fixed at `budget`, and the replicas on their own budgets. */
export function fixedBudget(s: Scenario, budget: number): Scenario {
  return produce(s, (d) => {
    d.agents.replica.policy = 'fixed';
    for (const type of Object.values(d.cluster.replicaTypes)) {
      if (!isLlmType(type)) continue;
      if (type.batching.kind === 'sarathi') type.batching.chunkSize = budget;
      else type.batching.maxBatchTokens = budget;
    }
  });
}

/** One policy's serving figures across evaluation seeds. */
export interface SloRow {
  policy: string;
  attainment: MeanCi;
  ttftP99: MeanCi;
  tbtP99: MeanCi;
  e2eP99: MeanCi;
  throughput: MeanCi;
}

/** SLO attainment: the share of completed requests the slo term paid for (both targets met). */
const attainment = (r: SimulationReport): number => r.reward.terms.slo.total / Math.max(1, r.requests.completed);

export const sloRow = (policy: string, reports: readonly SimulationReport[]): SloRow => ({
  policy,
  attainment: meanCi(reports.map(attainment)),
  ttftP99: meanCi(reports.map((r) => r.latency.ttft.p99)),
  tbtP99: meanCi(reports.map((r) => r.latency.tbt.p99)),
  e2eP99: meanCi(reports.map((r) => r.latency.e2e.p99)),
  throughput: meanCi(reports.map((r) => r.throughput.requestsPerSec)),
});

/** "95.8 ± 0.4%". */
export const pct = (m: MeanCi): string => `${(100 * m.mean).toFixed(1)} ± ${(100 * m.ci95).toFixed(1)}%`;

export const SLO_TABLE_HEAD = ['| policy | SLO attainment | p99 TTFT (s) | p99 TBT (s) | p99 e2e (s) | throughput (req/s) |', '|---|---|---|---|---|---|'];

/** One table line; `label` replaces the policy's name (to mark the best). */
export const sloLine = (r: SloRow, label = r.policy): string => `| ${label} | ${pct(r.attainment)} | ${pm(r.ttftP99)} | ${pm(r.tbtP99, 3)} | ${pm(r.e2eP99, 1)} | ${pm(r.throughput)} |`;
