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
import type { Figure } from './harness.js';
import { fixedBudget, pct, SLO_TABLE_HEAD, sloLine, sloRow, type SloRow } from './slo-rows.js';
import { actingAs, publish, simulateSeeds, studyArgs, trainAndEvaluate, trainingFigures, trainingSection } from './training-study.js';

const SCENARIO = 'scenarios/replica-budget.json';
const REPORT = 'docs/multi-agent/replica-budget.md';
const CURVES = 'docs/multi-agent/replica-budget-curves.png';
const TRAINING_CAP_SECONDS = 600;

const study = studyArgs(process.argv.slice(2), { trainingSeeds: '1,2,3', evalSeeds: 3 });
const { json, evalSeeds, progress } = study;

const { scenario, trained, learned } = await trainAndEvaluate(SCENARIO, study, TRAINING_CAP_SECONDS);
progress('every fixed budget and the TBT-target rule');
const fixed = scenario.agents.replica.tokenBudgets.map((b) => sloRow(`fixed ${b}`, simulateSeeds(fixedBudget(scenario, b), evalSeeds)));
const rule = sloRow(
  `tbt-target (${scenario.agents.replica.tbtTarget ?? '-'} s)`,
  simulateSeeds(
    produce(scenario, (s) => {
      s.agents.replica.policy = 'tbt-target';
    }),
    evalSeeds,
  ),
);
await writeLearningCurves(CURVES, [{ name: 'mappo', runDirs: trained.map((t) => t.runDir) }]);

const pooled = sloRow(`**mappo**, ${trained.length} training seeds`, learned.flat());
const perSeed = learned.map((rows, k) => sloRow(`mappo, training seed ${trained[k].seed}`, rows));
const bestFixed = fixed.reduce((a, b) => (b.attainment.mean > a.attainment.mean ? b : a));
const ratio = pooled.attainment.mean / bestFixed.attainment.mean;
// Equal counts as met: the pooled mean sums the same attainments in another order, so allow for rounding.
const met = ratio >= 1 - 1e-9;

const line = (r: SloRow): string => sloLine(r, r.policy === bestFixed.policy ? `**${r.policy}** (best fixed)` : r.policy);
const report = [
  '# Replica agents choosing token budgets, against every fixed budget',
  '',
  `Measured by \`npm run bench:replica-budget\` on ${availableParallelism()} cores. ${scenario.description ?? ''}`,
  '',
  `For each training seed, \`mappo train ${SCENARIO}\` with the scenario's own settings (capped at 10 minutes), the best checkpoint by validation; then each trained pair of replica agents (${actingAs(trained)}), each fixed budget of their choice set and the TBT-target rule (the largest budget whose iteration stays within the TBT target for the sequences decoding), all under the scenario's \`${String(scenario.agents.scheduler.policy)}\` scheduler, on evaluation seeds ${evalSeeds.join(', ')}. Mean across seeds ± 95% confidence interval; the first row pools every training seed's runs. SLO attainment is the share of requests whose first token came within the TTFT target and whose tokens then came within the TBT target on average.`,
  '',
  ...SLO_TABLE_HEAD,
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
