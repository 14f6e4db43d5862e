/**
 * `npm run bench:headline [-- --json] [-- --seed N] [-- --seeds N]`: the
 * project's headline, measured. Trains MAPPO on scenarios/default.json (as
 * `mappo train` does, stopped at 10 minutes at the latest), then runs the
 * trained scheduler and every heuristic on the same evaluation seeds, and
 * checks: p99 end-to-end latency at least 10% below the best heuristic's, at
 * equal or higher throughput. Writes docs/headline.md.
 */
import { mkdtempSync } from 'node:fs';
import { availableParallelism, tmpdir } from 'node:os';
import { join } from 'node:path';
import { produce } from 'immer';
import { useBackend } from '../src/agents/backend.js';
import { comparePolicies, seedRange } from '../src/evaluation/compare-policies.js';
import { loadScenario } from '../src/scenario/load.js';
import { writeFileAtomic } from '../src/storage/atomic-file.js';
import { openTrainedRun } from '../src/training/load-run.js';
import { runTraining } from '../src/training/training-run.js';
import type { Figure } from './harness.js';

const TRAINING_CAP_SECONDS = 600;

const args = process.argv.slice(2);
const json = args.includes('--json');
const numberArg = (flag: string, fallback: number): number => (args.includes(flag) ? Number(args[args.indexOf(flag) + 1]) : fallback);
const trainingSeed = numberArg('--seed', 1);
const evalSeeds = seedRange(1, numberArg('--seeds', 5));

await useBackend('wasm');
const scenario = produce(loadScenario('scenarios/default.json'), (s) => {
  s.seed = trainingSeed;
});
const runDir = mkdtempSync(join(tmpdir(), 'mappo-headline-'));
const started = performance.now();
const trained = await runTraining({
  scenario,
  runDir,
  resume: false,
  backend: 'wasm',
  shouldStop: () => (performance.now() - started) / 1000 > TRAINING_CAP_SECONDS,
  onUpdate: (m, total) => {
    if (!json && m.update % 25 === 0) process.stderr.write(`training: update ${m.update}/${total}, ${((performance.now() - started) / 1000).toFixed(0)} s\n`);
  },
});
const trainingSeconds = (performance.now() - started) / 1000;

const run = openTrainedRun(runDir);
const evaluationScenario = loadScenario('scenarios/default.json');
const comparison = comparePolicies(evaluationScenario, evalSeeds, { agents: run.scenario.agents, networks: run.networks, greedy: false });
run.networks.dispose();

const learned = comparison.summary.find((s) => s.policy === 'mappo');
const heuristics = comparison.summary.filter((s) => s.policy !== 'mappo');
if (learned === undefined) throw new Error('no learned row');
const best = heuristics.reduce((a, b) => (b.e2eP99.mean < a.e2eP99.mean ? b : a));
const reduction = 1 - learned.e2eP99.mean / best.e2eP99.mean;
const throughputHeld = learned.throughputRps.mean >= best.throughputRps.mean;
const seedsBetter = evalSeeds.filter((seed) => {
  const row = (policy: string) => comparison.rows.find((r) => r.policy === policy && r.seed === seed);
  return (row('mappo')?.latency.e2e.p99 ?? Infinity) <= 0.9 * (row(best.policy)?.latency.e2e.p99 ?? 0);
}).length;
const met = reduction >= 0.1 && throughputHeld && seedsBetter >= 3;

const pm = (m: { mean: number; ci95: number }, digits = 2): string => `${m.mean.toFixed(digits)} ± ${m.ci95.toFixed(digits)}`;
const table = [
  '| policy | p99 e2e (s) | mean e2e (s) | p99 TTFT (s) | throughput (req/s) |',
  '|---|---|---|---|---|',
  ...comparison.summary.map((s) => `| ${s.policy} | ${pm(s.e2eP99, 1)} | ${pm(s.e2eMean)} | ${pm(s.ttftP99)} | ${pm(s.throughputRps)} |`),
].join('\n');
const report = [
  '# Headline: MAPPO against the heuristics on the default scenario',
  '',
  `Measured by \`npm run bench:headline\` on ${availableParallelism()} cores: MAPPO trained on \`scenarios/default.json\` (training seed ${trainingSeed}) for ${trained.updates} updates (${trained.envSteps.toLocaleString('en-US')} decisions) in ${(trainingSeconds / 60).toFixed(1)} minutes (cap: 10), best checkpoint by validation p99 (update ${trained.best?.update ?? '-'}); then the trained scheduler (sampling its policy) and every heuristic on the same ${evalSeeds.length} evaluation seeds (${evalSeeds.join(', ')}), which training and validation never used. Mean across seeds ± 95% confidence interval.`,
  '',
  table,
  '',
  `p99 end-to-end latency: ${learned.e2eP99.mean.toFixed(1)} s against ${best.e2eP99.mean.toFixed(1)} s for the best heuristic (${best.policy}): ${(reduction * 100).toFixed(1)}% lower, at ${learned.throughputRps.mean.toFixed(2)} against ${best.throughputRps.mean.toFixed(2)} requests/s; at least 10% lower on ${seedsBetter} of ${evalSeeds.length} seeds. Target (10% lower at equal or higher throughput, on at least 3 seeds): ${met ? 'met' : 'NOT met'}.`,
  '',
].join('\n');
writeFileAtomic('docs/headline.md', report);

const figures: Figure[] = [
  { name: 'headline.mappo.e2eP99', value: learned.e2eP99.mean, unit: `s (mean of ${evalSeeds.length} seeds, ci95 ${learned.e2eP99.ci95.toFixed(2)})` },
  { name: `headline.${best.policy}.e2eP99`, value: best.e2eP99.mean, unit: `s, the best heuristic (ci95 ${best.e2eP99.ci95.toFixed(2)})` },
  { name: 'headline.p99Reduction', value: reduction, unit: 'fraction lower than the best heuristic' },
  { name: 'headline.mappo.throughputRps', value: learned.throughputRps.mean, unit: 'requests/s' },
  { name: `headline.${best.policy}.throughputRps`, value: best.throughputRps.mean, unit: 'requests/s' },
  { name: 'headline.trainingMinutes', value: trainingSeconds / 60, unit: 'min on this machine' },
  { name: 'headline.met', value: met ? 1 : 0, unit: '1 if every criterion holds' },
];
if (!json) process.stderr.write(`${report}\n`);
for (const f of figures) process.stdout.write(json ? `${JSON.stringify(f)}\n` : `${f.name.padEnd(34)} ${f.value.toFixed(3).padStart(10)} ${f.unit}\n`);
