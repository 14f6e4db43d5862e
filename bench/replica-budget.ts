/**
 * `npm run bench:replica-budget [-- --json] [-- --train-seeds 1,2,3] [-- --seeds 3]`:
 * learned replica agents choosing each iteration's token budget, against
 * every fixed budget from their choice set and the TBT-target rule. Trains
 * scenarios/replica-budget.json once per training seed with the scenario's own
 * settings (as `mappo train` does, stopped at 10 minutes at the latest), then
 * plays each trained pair of replica agents, each fixed budget and the rule on
 * the same evaluation seeds. The goal: SLO attainment (TTFT and TBT both met)
 * at least the best fixed budget's. Writes docs/multi-agent/replica-budget.md
 * and its learning curves.
 */
import { availableParallelism } from 'node:os';
import { produce } from 'immer';
import { writeLearningCurves } from '../src/ablation/learning-curves.js';
import { meanCi, type MeanCi } from '../src/evaluation/confidence-interval.js';
import type { SimulationReport } from '../src/env/metrics/report.js';
import type { Scenario } from '../src/scenario/scenario-schema.js';
import type { Figure } from './harness.js';
import { actingAs, pm, publish, simulateSeeds, studyArgs, trainAndEvaluate, trainingFigures, trainingSection } from './training-study.js';

const SCENARIO = 'scenarios/replica-budget.json';
const REPORT = 'docs/multi-agent/replica-budget.md';
const CURVES = 'docs/multi-agent/replica-budget-curves.png';
const TRAINING_CAP_SECONDS = 600;

const study = studyArgs(process.argv.slice(2), { trainingSeeds: '1,2,3', evalSeeds: 3 });
const { json, evalSeeds, progress } = study;

/** The scenario with every LLM replica type's budget (chunk) fixed at `budget`. */
function fixedBudget(s: Scenario, budget: number): Scenario {
  return produce(s, (d) => {
    d.agents.replica.policy = 'fixed';
    for (const type of Object.values(d.cluster.replicaTypes)) {
      if (type.model !== 'llm') continue;
      if (type.batching.kind === 'sarathi') type.batching.chunkSize = budget;
      else type.batching.maxBatchTokens = budget;
    }
  });
}

interface Row {
  policy: string;
  attainment: MeanCi;
  ttftP99: MeanCi;
  tbtP99: MeanCi;
  e2eP99: MeanCi;
  throughput: MeanCi;
}
/** SLO attainment: the share of completed requests the slo term paid for (both targets met). */
const attainment = (r: SimulationReport): number => r.reward.terms.slo.total / Math.max(1, r.requests.completed);
const summarize = (policy: string, reports: readonly SimulationReport[]): Row => ({
  policy,
  attainment: meanCi(reports.map(attainment)),
  ttftP99: meanCi(reports.map((r) => r.latency.ttft.p99)),
  tbtP99: meanCi(reports.map((r) => r.latency.tbt.p99)),
  e2eP99: meanCi(reports.map((r) => r.latency.e2e.p99)),
  throughput: meanCi(reports.map((r) => r.throughput.requestsPerSec)),
});

const { scenario, trained, learned } = await trainAndEvaluate(SCENARIO, study, TRAINING_CAP_SECONDS);
progress('every fixed budget and the TBT-target rule');
const fixed = scenario.agents.replica.tokenBudgets.map((b) => summarize(`fixed ${b}`, simulateSeeds(fixedBudget(scenario, b), evalSeeds)));
const rule = summarize(
  `tbt-target (${scenario.agents.replica.tbtTarget ?? '-'} s)`,
  simulateSeeds(
    produce(scenario, (s) => {
      s.agents.replica.policy = 'tbt-target';
    }),
    evalSeeds,
  ),
);
await writeLearningCurves(CURVES, [{ name: 'mappo', runDirs: trained.map((t) => t.runDir) }]);

const pooled = summarize(`**mappo**, ${trained.length} training seeds`, learned.flat());
const perSeed = learned.map((rows, k) => summarize(`mappo, training seed ${trained[k].seed}`, rows));
const bestFixed = fixed.reduce((a, b) => (b.attainment.mean > a.attainment.mean ? b : a));
const ratio = pooled.attainment.mean / bestFixed.attainment.mean;
// Equal counts as met: the pooled mean sums the same attainments in another order, so allow for rounding.
const met = ratio >= 1 - 1e-9;

const pct = (m: MeanCi): string => `${(100 * m.mean).toFixed(1)} ± ${(100 * m.ci95).toFixed(1)}%`;
const line = (r: Row): string =>
  `| ${r.policy === bestFixed.policy ? `**${r.policy}** (best fixed)` : r.policy} | ${pct(r.attainment)} | ${pm(r.ttftP99)} | ${pm(r.tbtP99, 3)} | ${pm(r.e2eP99, 1)} | ${pm(r.throughput)} |`;
const report = [
  '# Replica agents choosing token budgets, against every fixed budget',
  '',
  `Measured by \`npm run bench:replica-budget\` on ${availableParallelism()} cores. ${scenario.description ?? ''}`,
  '',
  `For each training seed, \`mappo train ${SCENARIO}\` with the scenario's own settings (capped at 10 minutes), the best checkpoint by validation; then each trained pair of replica agents (${actingAs(trained)}), each fixed budget of their choice set and the TBT-target rule (the largest budget whose iteration stays within the TBT target for the sequences decoding), all under the scenario's \`${String(scenario.agents.scheduler.policy)}\` scheduler, on evaluation seeds ${evalSeeds.join(', ')}. Mean across seeds ± 95% confidence interval; the first row pools every training seed's runs. SLO attainment is the share of requests whose first token came within the TTFT target and whose tokens then came within the TBT target on average.`,
  '',
  '| policy | SLO attainment | p99 TTFT (s) | p99 TBT (s) | p99 e2e (s) | throughput (req/s) |',
  '|---|---|---|---|---|---|',
  line(pooled),
  ...perSeed.map(line),
  ...fixed.map(line),
  line(rule),
  '',
  `The learned replica agents against the best fixed budget (${bestFixed.policy}): SLO attainment ${pct(pooled.attainment)} against ${pct(bestFixed.attainment)} (${ratio.toFixed(3)}x). Goal (at least the best fixed budget's): ${met ? 'met' : 'NOT met'}.`,
  '',
  ...trainingSection(trained, CURVES),
  '',
].join('\n');

const figures: Figure[] = [
  { name: 'replica-budget.mappo.attainment', value: pooled.attainment.mean, unit: `(mean of ${learned.flat().length} runs)` },
  { name: 'replica-budget.bestFixed.attainment', value: bestFixed.attainment.mean, unit: bestFixed.policy },
  { name: 'replica-budget.tbtTarget.attainment', value: rule.attainment.mean, unit: '' },
  { name: 'replica-budget.attainmentRatio', value: ratio, unit: `mappo / ${bestFixed.policy}` },
  ...trainingFigures('replica-budget', trained),
  { name: 'replica-budget.met', value: met ? 1 : 0, unit: '1 if the goal holds' },
];
publish(REPORT, report, figures, json);
