/**
 * `npm run bench:headline [-- --json] [-- --train-seeds 1,2] [-- --seeds N]`:
 * the project's headline, measured. For each training seed, trains MAPPO on
 * scenarios/default.json with the scenario's own settings (as `mappo train`
 * does, stopped at 10 minutes at the latest), then runs the trained scheduler,
 * every heuristic and the two references on the same evaluation seeds, and
 * judges the learned policy against the best heuristic: p99 end-to-end latency
 * at most 0.90 times the best heuristic's, at equal or higher throughput and a
 * mean latency no worse. Then evaluates each trained policy, without
 * retraining, on workloads and clusters it never saw. Writes docs/headline.md.
 */
import { availableParallelism } from 'node:os';
import { useBackend } from '../src/agents/backend.js';
import { comparePolicies, type Comparison, type PolicySummary } from '../src/evaluation/compare-policies.js';
import { REFERENCE_NAMES, REFERENCE_NOTES } from '../src/evaluation/references.js';
import { loadScenario } from '../src/scenario/load.js';
import { VARIANTS } from './generalization.js';
import type { Figure } from './harness.js';
import { actingAs, pm, publish, studyArgs, trainSeeds, type TrainedSeed } from './training-study.js';

const SCENARIO = 'scenarios/default.json';
const TRAINING_CAP_SECONDS = 600;
/** The goal: p99 end-to-end latency at most this times the best heuristic's. */
const P99_GOAL = 0.9;
/** Throughput counts as equal within this fraction (it is set by the arrivals, up to what is still in flight at the end). */
const THROUGHPUT_TOLERANCE = 0.005;

const { json, trainingSeeds, evalSeeds, progress } = studyArgs(process.argv.slice(2), { trainingSeeds: '1,2', evalSeeds: 5 });

interface TrainedPolicy extends TrainedSeed {
  comparison: Comparison;
}

await useBackend('wasm');
const evaluationScenario = loadScenario(SCENARIO);
const trained: TrainedPolicy[] = [];
for (const t of await trainSeeds(evaluationScenario, trainingSeeds, TRAINING_CAP_SECONDS, progress)) {
  progress(`evaluating seed ${t.seed}'s policy on seeds ${evalSeeds.join(', ')}`);
  trained.push({ ...t, comparison: comparePolicies(evaluationScenario, evalSeeds, t.learned, { references: true }) });
}

const generalization = trained.map((t) =>
  VARIANTS.map((v) => {
    progress(`generalization: seed ${t.seed}'s policy on ${v.name}`);
    return comparePolicies(v.apply(evaluationScenario), evalSeeds, t.learned);
  }),
);
for (const t of trained) t.learned.networks.dispose();

const row = (c: Comparison, policy: string): PolicySummary => c.summary.find((s) => s.policy === policy) as PolicySummary;

interface Verdict {
  p99Ratio: number;
  meanRatio: number;
  throughputRatio: number;
  met: boolean;
}
function verdict(c: Comparison): Verdict {
  const v = c.learnedVsBest;
  if (v === null) throw new Error('no learned row');
  const met = v.e2eP99Ratio <= P99_GOAL && v.throughputRatio >= 1 - THROUGHPUT_TOLERANCE && v.e2eMeanRatio <= 1;
  return { p99Ratio: v.e2eP99Ratio, meanRatio: v.e2eMeanRatio, throughputRatio: v.throughputRatio, met };
}

function mainTable(t: TrainedPolicy): string {
  const c = t.comparison;
  const lines = [
    '| policy | p99 e2e (s) | mean e2e (s) | p99 TTFT (s) | throughput (req/s) |',
    '|---|---|---|---|---|',
    ...c.summary.map((s) => {
      const name = s.kind === 'reference' ? `${s.policy} (reference)` : s.policy === c.bestHeuristic ? `**${s.policy}** (best heuristic)` : s.policy;
      return `| ${name} | ${pm(s.e2eP99, 1)} | ${pm(s.e2eMean)} | ${pm(s.ttftP99)} | ${pm(s.throughputRps)} |`;
    }),
  ];
  return lines.join('\n');
}

function generalizationTable(t: TrainedPolicy, comparisons: Comparison[]): string {
  const policies = comparisons[0].summary.map((s) => s.policy);
  const header = `| policy | ${VARIANTS.map((v) => v.name).join(' | ')} |`;
  const rows = policies.map((p) => `| ${p} | ${comparisons.map((c) => (p === c.bestHeuristic ? `**${row(c, p).e2eP99.mean.toFixed(1)}**` : row(c, p).e2eP99.mean.toFixed(1))).join(' | ')} |`);
  const ratio = `| mappo / best heuristic | ${comparisons.map((c) => `${(c.learnedVsBest as { e2eP99Ratio: number }).e2eP99Ratio.toFixed(2)} (${c.bestHeuristic})`).join(' | ')} |`;
  return [`Policy of training seed ${t.seed}, p99 end-to-end latency (s), mean of ${evalSeeds.length} seeds; the best heuristic of each column in bold:`, '', header, `|---|${VARIANTS.map(() => '---').join('|')}|`, ...rows, ratio].join('\n');
}

const sections: string[] = [
  '# Headline: MAPPO against the heuristics on the default scenario',
  '',
  `Measured by \`npm run bench:headline\` on ${availableParallelism()} cores. For each training seed, \`mappo train ${SCENARIO}\` with the scenario's own settings (capped at 10 minutes), the best checkpoint by validation on held-out seeds; then the trained scheduler (${actingAs(trained)}), every heuristic and two references on the same ${evalSeeds.length} evaluation seeds (${evalSeeds.join(', ')}), which training and validation never used. Mean across seeds ± 95% confidence interval. The goal: p99 end-to-end latency at most ${P99_GOAL.toFixed(2)} times the best heuristic's, at equal or higher throughput and a mean latency no worse.`,
  '',
  `References, not deployable: ${REFERENCE_NAMES.map((r) => `\`${r}\`, ${REFERENCE_NOTES[r]}`).join('; ')}.`,
];
for (const t of trained) {
  const v = verdict(t.comparison);
  const best = row(t.comparison, t.comparison.bestHeuristic);
  const mappo = row(t.comparison, 'mappo');
  sections.push(
    '',
    `## Training seed ${t.seed}`,
    '',
    `${t.result.updates} updates (${t.result.envSteps.toLocaleString('en-US')} decisions) in ${(t.seconds / 60).toFixed(1)} minutes; best checkpoint at update ${t.result.best?.update ?? '-'}.`,
    '',
    mainTable(t),
    '',
    `mappo against the best heuristic (${t.comparison.bestHeuristic}): p99 e2e ${mappo.e2eP99.mean.toFixed(2)} against ${best.e2eP99.mean.toFixed(2)} s (${v.p99Ratio.toFixed(3)}x), mean e2e ${v.meanRatio.toFixed(3)}x, throughput ${v.throughputRatio.toFixed(3)}x. Goal (p99 at most ${P99_GOAL.toFixed(2)}x, throughput and mean no worse): ${v.met ? 'met' : 'NOT met'}.`,
  );
}
sections.push('', '## Generalization: no retraining', '', 'Each trained policy, as it is, on workloads and clusters it never trained on:', '', ...VARIANTS.map((v) => `- **${v.name}**: ${v.change}`));
trained.forEach((t, k) => sections.push('', generalizationTable(t, generalization[k])));
sections.push('');
const report = sections.join('\n');

const figures: Figure[] = trained.flatMap((t) => {
  const v = verdict(t.comparison);
  const p = `headline.seed${t.seed}`;
  return [
    { name: `${p}.mappo.e2eP99`, value: row(t.comparison, 'mappo').e2eP99.mean, unit: `s (mean of ${evalSeeds.length} seeds)` },
    { name: `${p}.${t.comparison.bestHeuristic}.e2eP99`, value: row(t.comparison, t.comparison.bestHeuristic).e2eP99.mean, unit: 's, the best heuristic' },
    { name: `${p}.p99Ratio`, value: v.p99Ratio, unit: 'mappo / best heuristic' },
    { name: `${p}.meanRatio`, value: v.meanRatio, unit: 'mappo / best heuristic' },
    { name: `${p}.throughputRatio`, value: v.throughputRatio, unit: 'mappo / best heuristic' },
    { name: `${p}.trainingMinutes`, value: t.seconds / 60, unit: 'min on this machine' },
    { name: `${p}.met`, value: v.met ? 1 : 0, unit: '1 if every criterion holds' },
  ];
});
publish('docs/headline.md', report, figures, json);
