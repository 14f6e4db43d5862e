/**
 * `npm run bench:autoscale-npv [-- --json] [-- --train-seeds 1,2,3] [-- --seeds 3]`:
 * the learned autoscaler against the threshold rule and every fixed cluster
 * size. Trains scenarios/autoscale-npv.json once per training seed with the
 * scenario's own settings (as `mappo train` does, stopped at 10 minutes at the
 * latest), then plays each trained autoscaler, the threshold autoscaler and
 * the cluster held at each size from the smallest allowed to the whole pool,
 * all under the scenario's scheduler, on the same evaluation seeds. The goal:
 * NPV at least 1.05 times the better of the threshold rule and the best fixed
 * size. Writes docs/multi-agent/autoscale-npv.md and its learning curves.
 */
import { availableParallelism } from 'node:os';
import { produce } from 'immer';
import { writeLearningCurves } from '../src/ablation/learning-curves.js';
import { meanCi, type MeanCi } from '../src/evaluation/confidence-interval.js';
import type { SimulationReport } from '../src/env/metrics/report.js';
import type { Scenario } from '../src/scenario/scenario-schema.js';
import type { Figure } from './harness.js';
import { actingAs, pm, publish, simulateSeeds, studyArgs, trainAndEvaluate, trainingFigures, trainingSection } from './training-study.js';

const SCENARIO = 'scenarios/autoscale-npv.json';
const REPORT = 'docs/multi-agent/autoscale-npv.md';
const CURVES = 'docs/multi-agent/autoscale-npv-curves.png';
const TRAINING_CAP_SECONDS = 600;
/** The goal: NPV at least this times the better of the threshold rule and the best fixed size. */
const NPV_GOAL = 1.05;

const study = studyArgs(process.argv.slice(2), { trainingSeeds: '1,2,3', evalSeeds: 3 });
const { json, evalSeeds, progress } = study;

/** The scenario with its replicas held at `size` (no autoscaler, no pool). */
function fixedSize(s: Scenario, size: number): Scenario {
  return produce(s, (d) => {
    d.cluster.replicas = [{ type: d.cluster.replicas[0].type, count: size }];
    delete d.cluster.autoscaling;
    d.agents.autoscaler.policy = 'none';
  });
}

interface Row {
  policy: string;
  npv: MeanCi;
  cost: MeanCi;
  replicas: MeanCi;
  e2eP99: MeanCi;
  throughput: MeanCi;
}
const summarize = (policy: string, reports: readonly SimulationReport[]): Row => ({
  policy,
  npv: meanCi(reports.map((r) => r.reward.terms.npv.total)),
  cost: meanCi(reports.map((r) => r.cost.total)),
  replicas: meanCi(reports.map((r) => r.cost.meanRunningReplicas)),
  e2eP99: meanCi(reports.map((r) => r.latency.e2e.p99)),
  throughput: meanCi(reports.map((r) => r.throughput.requestsPerSec)),
});

const { scenario, trained, learned } = await trainAndEvaluate(SCENARIO, study, TRAINING_CAP_SECONDS);
const pool = scenario.cluster.replicas[0].count + (scenario.cluster.autoscaling?.pool ?? []).reduce((n, g) => n + g.count, 0);
const smallest = scenario.cluster.autoscaling?.minReplicas ?? 1;
progress('the threshold autoscaler and each fixed size');
const threshold = summarize(
  'threshold',
  simulateSeeds(
    produce(scenario, (s) => {
      s.agents.autoscaler.policy = 'threshold';
    }),
    evalSeeds,
  ),
);
const fixed = Array.from({ length: pool - smallest + 1 }, (_, k) => summarize(`fixed ${smallest + k}`, simulateSeeds(fixedSize(scenario, smallest + k), evalSeeds)));
await writeLearningCurves(CURVES, [{ name: 'mappo', runDirs: trained.map((t) => t.runDir) }]);

const pooled = summarize(`**mappo**, ${trained.length} training seeds`, learned.flat());
const perSeed = learned.map((rows, k) => summarize(`mappo, training seed ${trained[k].seed}`, rows));
const bestFixed = fixed.reduce((a, b) => (b.npv.mean > a.npv.mean ? b : a));
const bar = bestFixed.npv.mean > threshold.npv.mean ? bestFixed : threshold;
const ratio = pooled.npv.mean / bar.npv.mean;
const met = ratio >= NPV_GOAL;

const line = (r: Row): string => `| ${r.policy === bar.policy ? `**${r.policy}** (the bar)` : r.policy} | ${pm(r.npv, 0)} | ${pm(r.cost, 0)} | ${pm(r.replicas)} | ${pm(r.e2eP99, 1)} | ${pm(r.throughput)} |`;
const report = [
  '# The learned autoscaler against the threshold rule and every fixed size',
  '',
  `Measured by \`npm run bench:autoscale-npv\` on ${availableParallelism()} cores. ${scenario.description ?? ''}`,
  '',
  `For each training seed, \`mappo train ${SCENARIO}\` with the scenario's own settings (capped at 10 minutes), the best checkpoint by validation; then each trained autoscaler (${actingAs(trained)}), the threshold autoscaler and the cluster held at each size, all under the scenario's \`${String(scenario.agents.scheduler.policy)}\` scheduler, on evaluation seeds ${evalSeeds.join(', ')}. Mean across seeds ± 95% confidence interval (the trace fixes the arrivals, so seeds change little); the first row pools every training seed's runs. NPV is the run's net present value, every cash flow counted once: each request's value (less the late penalty) discounted from its dispatch, less every replica's running cost as it accrues.`,
  '',
  '| policy | NPV | cost | replicas running (mean) | p99 e2e (s) | throughput (req/s) |',
  '|---|---|---|---|---|---|',
  line(pooled),
  ...perSeed.map(line),
  line(threshold),
  ...fixed.map(line),
  '',
  `The learned autoscaler against the better of the threshold rule and the best fixed size (${bar.policy}): NPV ${pooled.npv.mean.toFixed(0)} against ${bar.npv.mean.toFixed(0)} (${ratio.toFixed(3)}x). Goal (at least ${NPV_GOAL.toFixed(2)}x): ${met ? 'met' : 'NOT met'}.`,
  '',
  ...trainingSection(trained, CURVES),
  '',
].join('\n');

const figures: Figure[] = [
  { name: 'autoscale-npv.mappo.npv', value: pooled.npv.mean, unit: `(mean of ${learned.flat().length} runs)` },
  { name: 'autoscale-npv.threshold.npv', value: threshold.npv.mean, unit: '' },
  { name: 'autoscale-npv.bestFixed.npv', value: bestFixed.npv.mean, unit: bestFixed.policy },
  { name: 'autoscale-npv.npvRatio', value: ratio, unit: `mappo / ${bar.policy}` },
  ...trainingFigures('autoscale-npv', trained),
  { name: 'autoscale-npv.met', value: met ? 1 : 0, unit: '1 if the goal holds' },
];
publish(REPORT, report, figures, json);
