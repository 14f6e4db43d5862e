/**
 * `npm run bench:warm-start [-- --json] [-- --seed N] [-- --learner JSON] [-- --warm JSON]`: cold against
 * warm starts on scenarios/default.json. Records JSQ demonstrations, clones
 * them (`mappo bc`), then trains MAPPO from scratch and from the clone with
 * the same seed and settings (validation every 10 updates), and reports:
 * the clone's agreement with the demonstrator on held-out episodes, each
 * run's action balance at its first update, and how many updates each needs to
 * reach the cold start's final validation p99. Writes docs/warm-start.md
 * (docs/warm-start-seedN.md with --seed N, which sets the scenario seed).
 *
 * The demonstrator is JSQ, not LOR (the best heuristic): LOR breaks ties by
 * the request's id, which no observation shows, and about half of its
 * decisions on this scenario are ties, so no policy of the observation can
 * agree with it much beyond that; JSQ's choice is a function of what the
 * scheduler observes (ties are 0.2% of its decisions).
 */
import { mkdtempSync, readFileSync } from 'node:fs';
import { availableParallelism, tmpdir } from 'node:os';
import { join } from 'node:path';
import { produce } from 'immer';
import { useBackend } from '../src/agents/backend.js';
import { ClusterEnv } from '../src/env/cluster-env.js';
import { DEMO_SEED_BASE } from '../src/env/seeds.js';
import { seedRange } from '../src/evaluation/compare-policies.js';
import { playHeuristics, withSchedulersPosed } from '../src/evaluation/heuristic-episodes.js';
import { DEFAULT_CLONING_EPOCHS, DEFAULT_LABEL_SMOOTHING } from '../src/learners/behavior-cloning.js';
import { balanceScore } from '../src/learners/batch-metrics.js';
import { EpisodeRecorder } from '../src/recording/episode-recorder.js';
import { RolloutWriter, runHeader } from '../src/recording/rollout-writer.js';
import { loadScenario } from '../src/scenario/load.js';
import { learnerSchema } from '../src/scenario/learner-schema.js';
import type { Scenario } from '../src/scenario/scenario-schema.js';
import { writeFileAtomic } from '../src/storage/atomic-file.js';
import { runCloning } from '../src/training/cloning-run.js';
import type { MetricsRecord } from '../src/training/metrics-file.js';
import { runTraining } from '../src/training/training-run.js';
import type { Figure } from './harness.js';

const DEMONSTRATOR = 'jsq';
const DEMO_EPISODES = 10;
const VALIDATE_EVERY = 10;

const args = process.argv.slice(2);
const json = args.includes('--json');
const jsonArg = (flag: string): object => (args.includes(flag) ? (JSON.parse(args[args.indexOf(flag) + 1]) as object) : {});
const learnerOverrides = jsonArg('--learner');
/** Learner settings for the warm start only (e.g. its klControl or entropy warm-up); unset ones get train --warm-start's defaults. */
const warmOverrides = jsonArg('--warm');
const labelSmoothing = args.includes('--label-smoothing') ? Number(args[args.indexOf('--label-smoothing') + 1]) : DEFAULT_LABEL_SMOOTHING;
const note = (line: string): void => {
  if (!json) process.stderr.write(`${line}\n`);
};

await useBackend('wasm');
const work = mkdtempSync(join(tmpdir(), 'mappo-warm-start-'));
const seedArg = args.includes('--seed') ? Number(args[args.indexOf('--seed') + 1]) : undefined;
/**
 * The learner this comparison was first measured with (the default scenario's
 * before it had a warm-start recipe of its own): both runs use it, so the
 * bench compares starts, not settings.
 */
const COMPARED_LEARNER = { updates: 300, rollout: { copies: 16, rounds: 64 }, gamma: 0.5, timeUnit: 1, valueNormalization: { kind: 'running' } };
const base = produce(loadScenario('scenarios/default.json'), (s) => {
  if (seedArg !== undefined) s.seed = seedArg;
  delete s.training.warmStart;
  s.training.validation = { ...s.training.validation, every: VALIDATE_EVERY, greedy: false };
  s.learner = learnerSchema.parse({ ...COMPARED_LEARNER, ...learnerOverrides });
});

// 1. Demonstrations, on seeds no evaluation or validation uses.
const demos = join(work, 'demos.msgpack');
const posed = withSchedulersPosed(base);
const writer = RolloutWriter.open(demos, runHeader('demo', { kind: 'cluster', scenario: posed }, new ClusterEnv(posed), DEMO_SEED_BASE, DEMONSTRATOR));
const actionCounts = [0, 0, 0, 0];
playHeuristics(base, [DEMONSTRATOR], seedRange(DEMO_SEED_BASE, DEMO_EPISODES), new EpisodeRecorder({
  append: (r) => {
    if (r.type === 'decision') actionCounts[r.action]++;
    writer.append(r);
  },
}));
writer.close();
const demoDecisions = actionCounts.reduce((a, b) => a + b, 0);
const demoBalance = balanceScore(actionCounts.map((c) => c / demoDecisions));
note(`demonstrations: ${demoDecisions} decisions of ${DEMONSTRATOR} in ${DEMO_EPISODES} episodes, balance ${demoBalance.toFixed(3)}`);

// 2. Behavior cloning.
const bcDir = join(work, 'bc');
const cloned = await runCloning({ scenario: base, demos, runDir: bcDir, epochs: DEFAULT_CLONING_EPOCHS, batchSize: 256, lr: 3e-3, validationSplit: 0.2, labelSmoothing });
note(`behavior cloning: held-out agreement ${(cloned.final.validationAccuracy * 100).toFixed(1)}% (${cloned.demos.decisions.validation} decisions), ${cloned.wallSeconds.toFixed(1)} s`);

// 3. Cold and warm starts, same seed and settings.
function validations(h: MetricsRecord[]): [number, number][] {
  return h.filter((m) => Number.isFinite(m['validation/e2eP99'])).map((m) => [m.update, m['validation/e2eP99']]);
}
function bestP99(h: MetricsRecord[]): number {
  return Math.min(Infinity, ...validations(h).map(([, v]) => v));
}
async function train(name: string, scenario: Scenario, warmStart?: string): Promise<{ history: MetricsRecord[]; seconds: number; scenario: Scenario }> {
  const history: MetricsRecord[] = [];
  const started = performance.now();
  const runDir = join(work, name);
  await runTraining({
    scenario,
    runDir,
    resume: false,
    backend: 'wasm',
    warmStart,
    onUpdate: (m, total) => {
      history.push(m);
      if (m.update % 50 === 0) note(`${name}: update ${m.update}/${total}, validation p99 so far ${bestP99(history).toFixed(1)} s`);
    },
  });
  return { history, seconds: (performance.now() - started) / 1000, scenario: JSON.parse(readFileSync(join(runDir, 'scenario.json'), 'utf8')) as Scenario };
}
const cold = await train('cold', base);
const warm = await train(
  'warm',
  produce(base, (s) => {
    s.learner = learnerSchema.parse({ ...s.learner, ...warmOverrides });
  }),
  bcDir,
);

const coldFinal = validations(cold.history).at(-1)?.[1] ?? NaN;
const reach = (h: MetricsRecord[]): number | null => validations(h).find(([, v]) => v <= coldFinal)?.[0] ?? null;
const balance = (h: MetricsRecord[]): number => h[0]['balance/scheduler/0'];

const rows = [
  ['cold start', cold, reach(cold.history)] as const,
  ['warm start', warm, reach(warm.history)] as const,
];
const fmt = (x: number | null, d = 1): string => (x === null || !Number.isFinite(x) ? '-' : x.toFixed(d));
const kl = warm.scenario.learner.klControl;
const table = [
  '| run | balance at update 1 | validation p99 at update 10 (s) | best validation p99 (s) | final validation p99 (s) | updates to reach the cold final p99 | wall time (s) |',
  '|---|---|---|---|---|---|---|',
  ...rows.map(
    ([name, r, reached]) =>
      `| ${name} | ${fmt(balance(r.history), 3)} | ${fmt(validations(r.history)[0]?.[1] ?? NaN)} | ${fmt(bestP99(r.history))} | ${fmt(validations(r.history).at(-1)?.[1] ?? NaN)} | ${reached ?? 'not reached'} | ${r.seconds.toFixed(0)} |`,
  ),
].join('\n');
const report = [
  '# Cold and warm starts on the default scenario',
  '',
  `Measured by \`npm run bench:warm-start${seedArg === undefined ? '' : ` -- --seed ${seedArg}`}\` on ${availableParallelism()} cores (scenario seed ${base.seed}). Demonstrations: ${DEMONSTRATOR} on ${DEMO_EPISODES} episodes (${demoDecisions.toLocaleString('en-US')} routing decisions; its action balance score ${demoBalance.toFixed(3)}). Behavior cloning (${DEFAULT_CLONING_EPOCHS} epochs, label smoothing ${labelSmoothing}): the clone agrees with ${DEMONSTRATOR} on ${(cloned.final.validationAccuracy * 100).toFixed(1)}% of ${cloned.demos.decisions.validation.toLocaleString('en-US')} decisions from ${cloned.demos.episodes.validation} held-out episodes. Then MAPPO for ${base.learner.updates} updates from a fresh policy (cold) and from the clone (warm: ${JSON.stringify(kl)}, entropy warm-up ${JSON.stringify(warm.scenario.learner.entropy.warmup)}), same seed and settings, validated every ${VALIDATE_EVERY} updates on held-out seeds.`,
  '',
  table,
  '',
  'Validation p99 (s) every 10 updates:',
  '',
  ...rows.map(([name, r]) => `- ${name}: ${validations(r.history).map(([, v]) => v.toFixed(1)).join(', ')}`),
  '',
  `The cold start's final validation p99 is ${fmt(coldFinal)} s; the warm start reaches it ${reach(warm.history) === null ? 'not at all' : `at update ${reach(warm.history)}`}, the cold start itself at update ${reach(cold.history) ?? '-'}.`,
  '',
].join('\n');
const reportFile = seedArg === undefined ? 'docs/warm-start.md' : `docs/warm-start-seed${seedArg}.md`;
writeFileAtomic(reportFile, report);
note(report);

const figures: Figure[] = [
  { name: 'warmStart.bc.heldOutAgreement', value: cloned.final.validationAccuracy, unit: `fraction of ${cloned.demos.decisions.validation} held-out decisions` },
  { name: 'warmStart.demonstrator.balance', value: demoBalance, unit: `${DEMONSTRATOR}'s action balance score` },
  { name: 'warmStart.cold.balanceAtUpdate1', value: balance(cold.history), unit: 'balance score' },
  { name: 'warmStart.warm.balanceAtUpdate1', value: balance(warm.history), unit: 'balance score' },
  { name: 'warmStart.cold.finalP99', value: coldFinal, unit: 's (validation)' },
  { name: 'warmStart.cold.updatesToColdFinal', value: reach(cold.history) ?? NaN, unit: 'updates' },
  { name: 'warmStart.warm.updatesToColdFinal', value: reach(warm.history) ?? NaN, unit: 'updates (NaN: not reached)' },
];
for (const f of figures) process.stdout.write(json ? `${JSON.stringify(f)}\n` : `${f.name.padEnd(36)} ${f.value.toFixed(3).padStart(10)} ${f.unit}\n`);
