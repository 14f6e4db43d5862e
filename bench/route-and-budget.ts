/**
 * `npm run bench:route-and-budget [-- --json] [-- --train-seeds 1,2,3] [-- --seeds 3]`:
 * a scheduler and replica agents learning together under one centralized
 * critic, against each learning alone beside the other's heuristic, and
 * against every pair of heuristics. Trains scenarios/route-and-budget.json
 * once per training seed with the scenario's own settings (as `mappo train`
 * does, stopped at 10 minutes at the latest); then the same scenario with the
 * replicas on their fixed budgets (the scheduler learns alone) and with
 * least-work routing (the replica agents learn alone), with the same recipe
 * otherwise. Writes docs/multi-agent/route-and-budget.md and its learning
 * curves.
 */
import { availableParallelism } from 'node:os';
import { produce } from 'immer';
import { writeLearningCurves } from '../src/ablation/learning-curves.js';
import type { SimulationReport } from '../src/env/metrics/report.js';
import { HEURISTIC_NAMES, type HeuristicName } from '../src/env/routing/registry.js';
import type { Scenario } from '../src/scenario/scenario-schema.js';
import type { Figure } from './harness.js';
import { fixedBudget, pct, SLO_TABLE_HEAD, sloLine, sloRow, type SloRow } from './slo-rows.js';
import { actingAs, publish, simulateSeeds, studyArgs, trainAndEvaluate, trainAndEvaluateScenario, trainingFigures, type TrainedSeed } from './training-study.js';
import { isLlmType } from '../src/scenario/cluster-schema.js';

const SCENARIO = 'scenarios/route-and-budget.json';
const REPORT = 'docs/multi-agent/route-and-budget.md';
const CURVES = 'docs/multi-agent/route-and-budget-curves.png';
const TRAINING_CAP_SECONDS = 600;
/** The replica agents' heuristic partner when they learn alone: the scheduler the scenario's warm start clones. */
const SCHEDULER_HEURISTIC: HeuristicName = 'least-work';

const study = studyArgs(process.argv.slice(2), { trainingSeeds: '1,2,3', evalSeeds: 3 });
const { json, evalSeeds, progress } = study;

/** The scenario with the scheduler routing by `name` instead of learning (nothing left to warm-start). */
function routedBy(s: Scenario, name: HeuristicName): Scenario {
  return produce(s, (d) => {
    d.agents.scheduler.policy = name;
    delete d.training.warmStart;
  });
}

const withRule = (s: Scenario): Scenario =>
  produce(s, (d) => {
    d.agents.replica.policy = 'tbt-target';
  });

progress('training the scheduler and the replica agents together');
const together = await trainAndEvaluate(SCENARIO, study, TRAINING_CAP_SECONDS);
const { scenario } = together;
// The replicas' heuristic keeps each type's own chunk, the budget the scenario gives it.
const ownBudgets = new Set(Object.values(scenario.cluster.replicaTypes).flatMap((t) => (isLlmType(t) && t.batching.kind === 'sarathi' ? [t.batching.chunkSize] : [])));
const replicaHeuristic = `fixed ${[...ownBudgets].join('/')}`;
progress(`training the scheduler alone, the replicas on their ${replicaHeuristic} budget`);
const schedulerAlone = await trainAndEvaluateScenario(
  produce(scenario, (d) => {
    d.agents.replica.policy = 'fixed';
  }),
  study,
  TRAINING_CAP_SECONDS,
);
progress(`training the replica agents alone, behind ${SCHEDULER_HEURISTIC}`);
const replicasAlone = await trainAndEvaluateScenario(routedBy(scenario, SCHEDULER_HEURISTIC), study, TRAINING_CAP_SECONDS);

progress('every scheduler heuristic with every fixed budget and the TBT-target rule');
const budgets = scenario.agents.replica.tokenBudgets;
const replicaPolicies: { name: string; apply: (s: Scenario) => Scenario }[] = [
  ...budgets.map((b) => ({ name: `fixed ${b}`, apply: (s: Scenario) => fixedBudget(s, b) })),
  { name: 'tbt-target', apply: withRule },
];
const pairs: SloRow[][] = HEURISTIC_NAMES.map((router) => replicaPolicies.map((r) => sloRow(`${router} + ${r.name}`, simulateSeeds(r.apply(routedBy(scenario, router)), evalSeeds))));
const bestPair = pairs.flat().reduce((a, b) => (b.attainment.mean > a.attainment.mean ? b : a));

await writeLearningCurves(CURVES, [
  { name: 'together', runDirs: together.trained.map((t) => t.runDir) },
  { name: 'scheduler alone', runDirs: schedulerAlone.trained.map((t) => t.runDir) },
  { name: 'replicas alone', runDirs: replicasAlone.trained.map((t) => t.runDir) },
]);

const pooled = (label: string, runs: { trained: TrainedSeed[]; learned: SimulationReport[][] }): SloRow =>
  sloRow(`${label}, ${runs.trained.length} training seeds`, runs.learned.flat());
const schedulerAloneLabel = `scheduler learned alone, replicas ${replicaHeuristic}`;
const replicasAloneLabel = `replica agents learned alone, ${SCHEDULER_HEURISTIC} scheduler`;
const learnedRows = [pooled('**together**: scheduler and replica agents learned', together), pooled(schedulerAloneLabel, schedulerAlone), pooled(replicasAloneLabel, replicasAlone)];
const [joint, schedOnly, replicasOnly] = learnedRows;
const schedulerBetterAlone = schedOnly.attainment.mean >= replicasOnly.attainment.mean;
const bestAlone = schedulerBetterAlone ? schedOnly : replicasOnly;
const ratioToPair = joint.attainment.mean / bestPair.attainment.mean;
const ratioToAlone = joint.attainment.mean / bestAlone.attainment.mean;

const minutes = (runs: { trained: TrainedSeed[] }): string => runs.trained.map((t) => (t.seconds / 60).toFixed(1)).join(', ');
const bestCheckpoints = (runs: { trained: TrainedSeed[] }): string => runs.trained.map((t) => t.result.best?.update ?? '-').join(', ');
const report = [
  '# A scheduler and replica agents learning together',
  '',
  `Measured by \`npm run bench:route-and-budget\` on ${availableParallelism()} cores. ${scenario.description ?? ''}`,
  '',
  `For each training seed (${together.trained.map((t) => t.seed).join(', ')}), \`mappo train ${SCENARIO}\` with the scenario's own settings (capped at 10 minutes), the best checkpoint by validation on held-out seeds. Then the same recipe with one side on its heuristic: the scheduler learning alone while the replicas keep their ${replicaHeuristic} budget, and the replica agents learning alone behind ${SCHEDULER_HEURISTIC}, from scratch as in replica-budget (a warm start demonstrates a scheduler heuristic, and there no scheduler learns). Each learned policy (${actingAs(together.trained)}) and every pair of a scheduler heuristic and a replica policy (each fixed budget of the agents' choice set, and the TBT-target rule: the largest budget whose iteration stays within the TBT target for the sequences decoding) played evaluation seeds ${evalSeeds.join(', ')}, which training and validation never used. Mean across seeds ± 95% confidence interval; a learned row pools every training seed's runs (${together.learned.flat().length} in all).`,
  '',
  ...SLO_TABLE_HEAD,
  ...learnedRows.map((r) => sloLine(r)),
  sloLine(bestPair, `${bestPair.policy} (best heuristic pair)`),
  '',
  `Together against the best heuristic pair (${bestPair.policy}): SLO attainment ${pct(joint.attainment)} against ${pct(bestPair.attainment)} (${ratioToPair.toFixed(3)}x). Together against the better of the agents learning alone (${schedulerBetterAlone ? schedulerAloneLabel : replicasAloneLabel}): ${ratioToAlone.toFixed(3)}x.`,
  '',
  'SLO attainment of every heuristic pair (scheduler down, replica policy across):',
  '',
  `| scheduler | ${replicaPolicies.map((r) => r.name).join(' | ')} |`,
  `|---|${replicaPolicies.map(() => '---|').join('')}`,
  ...pairs.map((row, i) => `| ${HEURISTIC_NAMES[i]} | ${row.map((r) => `${(100 * r.attainment.mean).toFixed(1)}%`).join(' | ')} |`),
  '',
  'Training (minutes per seed; the update of the best checkpoint):',
  '',
  `- together: ${minutes(together)} minutes; best at updates ${bestCheckpoints(together)}.`,
  `- scheduler alone: ${minutes(schedulerAlone)} minutes; best at updates ${bestCheckpoints(schedulerAlone)}.`,
  `- replica agents alone: ${minutes(replicasAlone)} minutes; best at updates ${bestCheckpoints(replicasAlone)}.`,
  '',
  'The curves: the rollouts\' reward per decision averages over the decisions of whichever agents learn, so its level differs between the three (a replica agent decides once a second and is paid for every request it served; the scheduler decides once per request); read each curve for its own trend.',
  '',
  `![learning curves](${CURVES.split('/').pop()})`,
  '',
].join('\n');

const figures: Figure[] = [
  { name: 'route-and-budget.together.attainment', value: joint.attainment.mean, unit: `(mean of ${together.learned.flat().length} runs)` },
  { name: 'route-and-budget.schedulerAlone.attainment', value: schedOnly.attainment.mean, unit: '' },
  { name: 'route-and-budget.replicasAlone.attainment', value: replicasOnly.attainment.mean, unit: '' },
  { name: 'route-and-budget.bestPair.attainment', value: bestPair.attainment.mean, unit: bestPair.policy },
  { name: 'route-and-budget.togetherOverBestPair', value: ratioToPair, unit: '' },
  { name: 'route-and-budget.togetherOverBestAlone', value: ratioToAlone, unit: '' },
  ...trainingFigures('route-and-budget.together', together.trained),
  ...trainingFigures('route-and-budget.schedulerAlone', schedulerAlone.trained),
  ...trainingFigures('route-and-budget.replicasAlone', replicasAlone.trained),
];
publish(REPORT, report, figures, json);
