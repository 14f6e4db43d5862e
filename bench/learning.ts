/**
 * `npm run bench:learning [-- --task cart-pole|simple-spread] [-- --seeds N] [-- --json]
 *   [-- --learner JSON] [-- --networks JSON]` (the last two override the task's settings):
 * learning benchmarks (CartPole minutes, simple_spread about 50 minutes a
 * seed on 2 cores), never part of the test suite. They train
 * with fixed seeds, evaluate the final policy on held-out seeds, print figures
 * and write learning curves to docs/benchmarks/<task>.png.
 */
import { mkdirSync } from 'node:fs';
import { useBackend } from '../src/agents/backend.js';
import type { EnvSpec } from '../src/env/env-spec.js';
import { makeEnv } from '../src/env/env-spec.js';
import { Rng } from '../src/env/rng.js';
import { LEARNING_BENCH_SEED_BASE } from '../src/env/seeds.js';
import { SimpleSpread, assignmentSpreadPolicy, randomSpreadPolicy, type SpreadPolicy } from '../src/env/games/simple-spread.js';
import { meanCi } from '../src/evaluation/confidence-interval.js';
import { runEpisodes } from '../src/evaluation/run-episodes.js';
import { Trainer, type TrainingSetup } from '../src/learners/trainer.js';
import { renderLineChart, type LineSeries } from '../src/plots/line-chart.js';
import { writePngAtomic } from '../src/plots/png.js';
import { learnerSchema } from '../src/scenario/learner-schema.js';
import { networksSchema } from '../src/scenario/networks-schema.js';
import type { Figure } from './harness.js';

interface Task {
  name: string;
  env: EnvSpec;
  setup: Omit<TrainingSetup, 'seed' | 'env'>;
  /** Divides an episode's total reward (all agents) into the figure plotted: per agent for simple_spread. */
  perEpisode: number;
  reference: { y: number; label: string }[];
  /** Evaluations besides the trained policy, on the same seeds. */
  baselines: (seeds: number[]) => { name: string; value: number }[];
  target: (learned: number, baselines: { name: string; value: number }[]) => string;
}

const EVAL_SEEDS = Array.from({ length: 200 }, (_, i) => LEARNING_BENCH_SEED_BASE + i);

const tasks: Record<string, Task> = {
  'cart-pole': {
    name: 'CartPole-v1',
    env: { kind: 'world', world: { name: 'cart-pole' } },
    // CleanRL's ppo.py defaults for CartPole-v1: 500k steps from 4 envs x 128 steps, 4 minibatches, 4 epochs.
    setup: {
      networks: networksSchema.parse({ criticInput: 'local' }),
      learner: learnerSchema.parse({
        updates: 976,
        rollout: { copies: 4, rounds: 128 },
        gamma: 0.99,
        gaeLambda: 0.95,
        epochs: 4,
        minibatchSize: 128,
        valueClip: 0.2,
        optimizer: { lr: 2.5e-4 },
        learningRate: { kind: 'linear' },
        entropy: { coef: 0.01 },
      }),
    },
    perEpisode: 1,
    reference: [{ y: 475, label: 'target 475' }],
    baselines: () => [],
    target: (learned) => `mean return ${learned.toFixed(1)} (target >= 475: ${learned >= 475 ? 'met' : 'NOT met'})`,
  },
  'simple-spread': {
    name: 'simple_spread (3 agents, 3 landmarks, 25 steps)',
    env: { kind: 'world', world: { name: 'simple-spread' } },
    setup: {
      // Measured to reach the target (1 seed, 50 min on 2 cores): 6.4M steps; shorter runs
      // with smaller networks were still far below it (-18.7 after 480k steps, -11.5 after 1.6M).
      networks: networksSchema.parse({
        actorSharing: 'shared',
        criticInput: 'global',
        actor: { hidden: [64, 64], activation: 'relu', layerNorm: true },
        critic: { hidden: [64, 64], activation: 'relu', layerNorm: true },
      }),
      learner: learnerSchema.parse({
        updates: 4000,
        rollout: { copies: 32, rounds: 50 },
        gamma: 0.99,
        gaeLambda: 0.95,
        epochs: 10,
        minibatchSize: 4800,
        valueLoss: 'huber',
        maxGradNorm: 10,
        optimizer: { lr: 7e-4 },
        learningRate: { kind: 'linear', final: 0.1 },
        valueNormalization: { kind: 'running' },
        entropy: { coef: 0.01 },
      }),
    },
    perEpisode: 3,
    reference: [],
    baselines: (seeds) => [
      { name: 'random', value: spreadBaseline(seeds, (rng) => randomSpreadPolicy(rng)) },
      { name: 'assignment', value: spreadBaseline(seeds, () => assignmentSpreadPolicy()) },
    ],
    target: (learned, b) => {
      const random = b.find((x) => x.name === 'random')?.value ?? NaN;
      const assignment = b.find((x) => x.name === 'assignment')?.value ?? NaN;
      const gap = (learned - assignment) / Math.abs(assignment);
      return `per-agent return ${learned.toFixed(2)} vs random ${random.toFixed(2)} and assignment ${assignment.toFixed(2)}: ${(gap * 100).toFixed(1)}% from assignment (target within 10%: ${gap >= -0.1 ? 'met' : 'NOT met'})`;
    },
  },
};

/** Mean per-agent episode return of a hand-written simple_spread policy on the given seeds. */
function spreadBaseline(seeds: number[], policyFor: (rng: Rng) => SpreadPolicy): number {
  let total = 0;
  for (const seed of seeds) {
    const env = new SimpleSpread();
    const policy = policyFor(Rng.fromSeed(seed).derive('baseline'));
    let out = env.reset(seed);
    let reward = 0;
    while (out.ended === null) {
      for (const d of out.decisions) reward += d.reward;
      out = env.step(out.decisions.map((d) => policy(d.obs)));
    }
    for (const f of out.final) reward += f.reward;
    total += reward / env.agents.length;
  }
  return total / seeds.length;
}

async function runTask(key: string, seeds: number, json: boolean, overrides: { learner?: object; networks?: object }): Promise<Figure[]> {
  const base = tasks[key];
  const task: Task = {
    ...base,
    setup: {
      ...base.setup,
      learner: learnerSchema.parse({ ...base.setup.learner, ...overrides.learner }),
      networks: networksSchema.parse({ ...base.setup.networks, ...overrides.networks }),
    },
  };
  await useBackend('wasm');
  const curves: [number, number][][] = [];
  const finals: number[] = [];
  const sampledFinals: number[] = [];
  const started = performance.now();
  for (let s = 0; s < seeds; s++) {
    const trainer = await Trainer.start({ ...task.setup, env: task.env, seed: s + 1 });
    const curve: [number, number][] = [];
    let envSteps = 0;
    const agents = makeEnv(task.env).agents.length;
    for (let u = 1; u <= task.setup.learner.updates; u++) {
      const m = await trainer.step(u);
      envSteps += m['rollout/decisions'] / agents;
      if (m['episode/reward'] !== undefined) curve.push([envSteps, m['episode/reward'] / task.perEpisode]);
      if (!json && u % 25 === 0) process.stderr.write(`${key} seed ${s + 1}: update ${u}, return ${(m['episode/reward'] ?? NaN) / task.perEpisode}\n`);
    }
    // The final policy is judged acting greedily (its most probable action), as MAPPO's evaluation does;
    // the sampled policy's return is reported beside it.
    const meanReturn = (greedy: boolean): number => {
      const outcomes = runEpisodes(task.env, trainer.networks, EVAL_SEEDS, { greedy });
      return outcomes.reduce((a, o) => a + o.reward, 0) / outcomes.length / task.perEpisode;
    };
    finals.push(meanReturn(true));
    sampledFinals.push(meanReturn(false));
    curves.push(curve);
    await trainer.close();
  }
  const minutes = (performance.now() - started) / 60_000;
  const baselines = task.baselines(EVAL_SEEDS);
  const learned = meanCi(finals);
  mkdirSync('docs/benchmarks', { recursive: true });
  const series: LineSeries[] = curves.map((points, i) => ({ name: `PPO seed ${i + 1}`, points: smooth(points, 5) }));
  await writePngAtomic(
    `docs/benchmarks/${key}.png`,
    renderLineChart({
      title: `${task.name}: episode return while training`,
      xLabel: 'environment steps',
      yLabel: key === 'simple-spread' ? 'return per agent' : 'episode return',
      series,
      hLines: [...task.reference, ...baselines.map((b) => ({ y: b.value, label: `${b.name} policy` }))],
    }),
  );
  const summary = task.target(learned.mean, baselines);
  process.stderr.write(`${task.name}: ${summary}; ${seeds} seeds, ${minutes.toFixed(1)} min; curve in docs/benchmarks/${key}.png\n`);
  return [
    { name: `learning.${key}.finalReturn`, value: learned.mean, unit: `greedy policy, ${EVAL_SEEDS.length} held-out episodes, mean of ${seeds} seeds (95% CI +-${learned.ci95.toFixed(2)})` },
    { name: `learning.${key}.finalReturnSampled`, value: meanCi(sampledFinals).mean, unit: 'sampled policy, same episodes' },
    ...baselines.map((b) => ({ name: `learning.${key}.baseline.${b.name}`, value: b.value, unit: 'return on the same episodes' })),
    { name: `learning.${key}.minutes`, value: minutes, unit: 'min wall time (training and evaluation)' },
  ];
}

/** Moving average over `k` points, for readable curves. */
function smooth(points: [number, number][], k: number): [number, number][] {
  return points.map(([x], i) => {
    const window = points.slice(Math.max(0, i - k + 1), i + 1);
    return [x, window.reduce((a, p) => a + p[1], 0) / window.length];
  });
}

const args = process.argv.slice(2);
const json = args.includes('--json');
const taskAt = args.indexOf('--task');
const seedsAt = args.indexOf('--seeds');
const jsonArg = (flag: string): object | undefined => (args.includes(flag) ? (JSON.parse(args[args.indexOf(flag) + 1]) as object) : undefined);
const overrides = { learner: jsonArg('--learner'), networks: jsonArg('--networks') };
const chosen = taskAt >= 0 ? [args[taskAt + 1]] : Object.keys(tasks);
for (const key of chosen) {
  if (!(key in tasks)) {
    process.stderr.write(`error: unknown task "${key}"; expected one of ${Object.keys(tasks).join(', ')}\n`);
    process.exit(1);
  }
  const figures = await runTask(key, seedsAt >= 0 ? Number(args[seedsAt + 1]) : 3, json, overrides);
  for (const f of figures) process.stdout.write(json ? `${JSON.stringify(f)}\n` : `${f.name.padEnd(40)} ${f.value.toFixed(2).padStart(10)} ${f.unit}\n`);
}
