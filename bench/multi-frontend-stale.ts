/**
 * `npm run bench:multi-frontend-stale [-- --json] [-- --train-seeds 1,2,3] [-- --seeds 3] [-- --scenario FILE]`:
 * learned schedulers at every front-end, on stale, local views, against every
 * heuristic given the same views. Trains scenarios/multi-frontend-stale.json
 * (four front-ends; or the --scenario given) once per training
 * seed with the scenario's own settings (as `mappo train` does, stopped at 10
 * minutes at the latest), then runs each trained policy and every heuristic on
 * the same evaluation seeds, and the heuristics once more with live load, to
 * show what the stale views cost them. The goal: the learned schedulers' p99
 * end-to-end latency at most 0.85 times the best heuristic's, at equal
 * throughput. Writes docs/multi-agent/<scenario name>.md and its learning
 * curves.
 */
import { availableParallelism } from 'node:os';
import { produce } from 'immer';
import { writeLearningCurves } from '../src/ablation/learning-curves.js';
import { useBackend } from '../src/agents/backend.js';
import { compareHeuristics, comparePolicies, summarize, type PolicySummary } from '../src/evaluation/compare-policies.js';
import { loadScenario } from '../src/scenario/load.js';
import type { Figure } from './harness.js';
import { actingAs, flagValue, pm, publish, studyArgs, trainingFigures, trainingSection, trainSeeds } from './training-study.js';

const argv = process.argv.slice(2);
/** `--scenario FILE`: another scenario of front-ends on stale views (multi-frontend-stale-16.json); its report is named after it. */
const SCENARIO = flagValue(argv, '--scenario') ?? 'scenarios/multi-frontend-stale.json';
const TRAINING_CAP_SECONDS = 600;
/** The goal: p99 end-to-end latency at most this times the best heuristic's. */
const P99_GOAL = 0.85;
/** Throughput counts as equal within this fraction (it is set by the arrivals, up to what is still in flight at the end). */
const THROUGHPUT_TOLERANCE = 0.005;

const { json, trainingSeeds, evalSeeds, progress } = studyArgs(argv, { trainingSeeds: '1,2,3', evalSeeds: 3 });

await useBackend('wasm');
const scenario = loadScenario(SCENARIO);
const REPORT = `docs/multi-agent/${scenario.name}.md`;
const CURVES = `docs/multi-agent/${scenario.name}-curves.png`;
const trained = await trainSeeds(scenario, trainingSeeds, TRAINING_CAP_SECONDS, progress);
const perSeed = trained.map((t) => {
  progress(`evaluating seed ${t.seed}'s policy on seeds ${evalSeeds.join(', ')}`);
  return comparePolicies(scenario, evalSeeds, t.learned);
});
for (const t of trained) t.learned.networks.dispose();
progress('the heuristics with live load');
const live = compareHeuristics(
  produce(scenario, (s) => {
    delete s.cluster.loadReportEvery;
  }),
  evalSeeds,
);
await writeLearningCurves(CURVES, [{ name: 'mappo', runDirs: trained.map((t) => t.runDir) }]);

const heuristics = perSeed[0].summary.filter((s) => s.kind === 'heuristic');
const learnedRows = perSeed.flatMap((c) => c.rows.filter((r) => r.policy === 'mappo'));
const [pooled] = summarize(learnedRows);
const best = heuristics.find((s) => s.policy === perSeed[0].bestHeuristic) as PolicySummary;
const liveRow = (policy: string): PolicySummary => live.summary.find((s) => s.policy === policy) as PolicySummary;
const p99Ratio = pooled.e2eP99.mean / best.e2eP99.mean;
const throughputRatio = pooled.throughputRps.mean / best.throughputRps.mean;
const met = p99Ratio <= P99_GOAL && throughputRatio >= 1 - THROUGHPUT_TOLERANCE;

const line = (name: string, s: PolicySummary, liveP99: string): string =>
  `| ${name} | ${pm(s.e2eP99, 1)} | ${pm(s.e2eMean)} | ${pm(s.ttftP99)} | ${pm(s.throughputRps)} | ${liveP99} |`;
const table = [
  '| policy | p99 e2e (s) | mean e2e (s) | p99 TTFT (s) | throughput (req/s) | p99 e2e with live load (s) |',
  '|---|---|---|---|---|---|',
  line(`**mappo**, ${trained.length} training seeds`, pooled, '-'),
  ...perSeed.map((c, k) => line(`mappo, training seed ${trained[k].seed}`, c.summary.find((s) => s.kind === 'learned') as PolicySummary, '-')),
  ...heuristics.map((s) => line(s.policy === best.policy ? `**${s.policy}** (best heuristic)` : s.policy, s, pm(liveRow(s.policy).e2eP99, 1))),
].join('\n');

const report = [
  `# ${scenario.workload.frontends} front-ends on stale views: learned schedulers against the heuristics`,
  '',
  `Measured by \`npm run bench:multi-frontend-stale\` on ${availableParallelism()} cores. ${scenario.description ?? ''}`,
  '',
  `For each training seed, \`mappo train ${SCENARIO}\` with the scenario's own settings (capped at 10 minutes), the best checkpoint by validation on held-out seeds; then the trained schedulers (${actingAs(trained)}) and every heuristic, all on the same stale views, on the same ${evalSeeds.length} evaluation seeds (${evalSeeds.join(', ')}), which training and validation never used. Mean across seeds ± 95% confidence interval; the first row pools every training seed's runs (${learnedRows.length} in all). The last column runs each heuristic again with live load (no reports): the difference is what the stale views cost it.`,
  '',
  table,
  '',
  `The learned schedulers against the best heuristic (${best.policy}): p99 e2e ${pooled.e2eP99.mean.toFixed(2)} against ${best.e2eP99.mean.toFixed(2)} s (${p99Ratio.toFixed(3)}x), throughput ${throughputRatio.toFixed(3)}x. Goal (p99 at most ${P99_GOAL.toFixed(2)}x at equal throughput): ${met ? 'met' : 'NOT met'}.`,
  '',
  ...trainingSection(trained, CURVES),
  '',
].join('\n');

const figures: Figure[] = [
  { name: `${scenario.name}.mappo.e2eP99`, value: pooled.e2eP99.mean, unit: `s (mean of ${learnedRows.length} runs)` },
  { name: `${scenario.name}.${best.policy}.e2eP99`, value: best.e2eP99.mean, unit: 's, the best heuristic' },
  { name: `${scenario.name}.p99Ratio`, value: p99Ratio, unit: 'mappo / best heuristic' },
  { name: `${scenario.name}.throughputRatio`, value: throughputRatio, unit: 'mappo / best heuristic' },
  ...trainingFigures(scenario.name, trained),
  { name: `${scenario.name}.met`, value: met ? 1 : 0, unit: '1 if every criterion holds' },
];
publish(REPORT, report, figures, json);
