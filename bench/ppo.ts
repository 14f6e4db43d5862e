import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { produce } from 'immer';
import { useBackend } from '../src/agents/backend.js';
import { NetworkMap } from '../src/agents/network-map.js';
import { makeEnv } from '../src/env/env-spec.js';
import type { AgentInfo } from '../src/env/multi-agent/contract.js';
import { Rng } from '../src/env/rng.js';
import { PpoLearner } from '../src/learners/ppo-learner.js';
import type { RolloutBatch } from '../src/rollout/rollout-batch.js';
import { RolloutCollector } from '../src/rollout/rollout-collector.js';
import { RowState } from '../src/rollout/row-state.js';
import { TrajectoryTable } from '../src/rollout/trajectory-table.js';
import { learnerSchema } from '../src/scenario/learner-schema.js';
import { loadScenario } from '../src/scenario/load.js';
import { networksSchema } from '../src/scenario/networks-schema.js';
import type { BenchCase, Figure } from './harness.js';

/** Seconds per call of `fn`, median of `runs` after `warmup` calls (V8 and tfjs settle over the first few). */
function medianSeconds(runs: number, fn: () => void, warmup = 1): number {
  for (let i = 0; i < warmup; i++) fn();
  const times: number[] = [];
  for (let r = 0; r < runs; r++) {
    const start = performance.now();
    fn();
    times.push((performance.now() - start) / 1000);
  }
  return times.sort((a, b) => a - b)[Math.floor(runs / 2)];
}

/**
 * The default scenario's networks (scheduler actor 34-64-64-4 on its
 * observation, centralized critic 70-64-64-1 on the global state), trained on a
 * real rollout batch: 4 epochs of minibatches of 256.
 */
async function defaultScenarioUpdate(): Promise<Figure[]> {
  await useBackend('wasm');
  const scenario = produce(loadScenario('scenarios/default.json'), (s) => {
    s.agents.scheduler.policy = 'learned';
  });
  const envs = Array.from({ length: 8 }, () => makeEnv({ kind: 'cluster', scenario }));
  const networks = new NetworkMap(envs[0].agents, envs[0].stateSize, scenario.agents.networks, Rng.fromSeed(1));
  const batch = new RolloutCollector(envs, networks).collect(512);
  const spec = learnerSchema.parse({ epochs: 4, minibatchSize: 256 });
  const learner = new PpoLearner(networks, spec, Rng.fromSeed(2));
  let update = 0;
  const seconds = medianSeconds(3, () => learner.update(batch, ++update));
  const samples = batch.steps * spec.epochs;
  learner.dispose();
  networks.dispose();
  return [
    { name: 'ppo.update.samplesPerSec', value: samples / seconds, unit: `samples/s (${batch.steps} decisions x 4 epochs, minibatch 256, median of 3)` },
    { name: 'ppo.update.minibatch256.ms', value: (seconds / (samples / 256)) * 1000, unit: 'ms per minibatch of 256' },
  ];
}

/**
 * The shapes of ../shared/peers/torch_ppo_step.py: actor 32-64-64-8 and critic
 * 32-64-64-1 (tanh) on the same observations, one PPO step (clipped surrogate,
 * value loss, entropy, Adam) per minibatch. For the side-by-side ratio.
 */
async function peerShapedSteps(): Promise<Figure[]> {
  await useBackend('wasm');
  const figures: Figure[] = [];
  for (const minibatch of [256, 1024]) {
    const peer = peerLearner(minibatch, 4);
    let update = 0;
    // Warmed up as the peer script warms PyTorch up (50 steps) before timing.
    const seconds = medianSeconds(11, () => peer.learner.update(peer.batch, ++update), 12);
    figures.push({ name: `ppo.step.mb${minibatch}.ms`, value: (seconds / 4) * 1000, unit: 'ms per PPO minibatch step, torch_ppo_step.py shapes' });
    peer.dispose();
  }
  return [...figures, ...torchRatios(figures)];
}

/**
 * A learner over the peer's networks (one agent, 32 observations, 8 actions,
 * a critic on the observation) and a batch of `minibatches` minibatches of
 * `minibatch` random decisions: an update is that many PPO steps (one epoch).
 */
export function peerLearner(minibatch: number, minibatches: number): { learner: PpoLearner; batch: RolloutBatch; dispose: () => void } {
  const agents: AgentInfo[] = [{ id: 'peer/0', role: 'peer', index: 0, obsSize: 32, actionCount: 8 }];
  const networks = new NetworkMap(agents, 32, networksSchema.parse({ criticInput: 'local' }), Rng.fromSeed(1));
  const table = syntheticTable(minibatch * minibatches, Rng.fromSeed(3));
  const learner = new PpoLearner(networks, learnerSchema.parse({ epochs: 1, minibatchSize: minibatch, maxGradNorm: 1e9 }), Rng.fromSeed(2));
  const batch: RolloutBatch = { tables: [table], tableOf: Int32Array.of(0), steps: table.length, decisions: table.length, actionCounts: [new Float64Array(8)], episodes: [] };
  return {
    learner,
    batch,
    dispose: () => {
      learner.dispose();
      networks.dispose();
    },
  };
}

/**
 * PyTorch's time for the same step (bench/peers/torch_ppo_step.py, one
 * thread), measured right after ours, and our time over it: the figure to
 * quote, since absolute times drift between sittings on a shared machine. Run
 * when a Python with torch is found: MAPPO_TORCH_PYTHON, else python3.
 */
function torchRatios(ours: readonly Figure[]): Figure[] {
  const python = process.env.MAPPO_TORCH_PYTHON ?? 'python3';
  const script = fileURLToPath(new URL('../../bench/peers/torch_ppo_step.py', import.meta.url));
  const run = spawnSync(python, [script, '256', '1024'], { encoding: 'utf8' });
  if (run.status !== 0) {
    process.stderr.write(`ppo.step: no PyTorch ratio (${python} cannot run ${script}; set MAPPO_TORCH_PYTHON to a Python with torch installed)\n`);
    return [];
  }
  return run.stdout
    .trim()
    .split('\n')
    .flatMap((line) => {
      const peer = JSON.parse(line) as { minibatch: number; ms: number; torch: string };
      const mine = ours.find((f) => f.name === `ppo.step.mb${peer.minibatch}.ms`);
      return [
        { name: `ppo.step.mb${peer.minibatch}.torch.ms`, value: peer.ms, unit: `ms per step in PyTorch ${peer.torch}, 1 thread` },
        ...(mine === undefined ? [] : [{ name: `ppo.step.mb${peer.minibatch}.torchRatio`, value: mine.value / peer.ms, unit: 'our step time over PyTorch\'s, same sitting' }]),
      ];
    });
}

/** Random decisions of one agent with 32 observations and 8 actions, each its own one-step episode. */
function syntheticTable(rows: number, rng: Rng): TrajectoryTable {
  const t = new TrajectoryTable('peer', 32, 8, 32, 0, 0);
  for (let i = 0; i < rows; i++) {
    const r = t.push(RowState.Ready, 0, 0, i);
    for (let k = 0; k < 32; k++) t.obs[r * 32 + k] = t.state[r * 32 + k] = rng.normal();
    t.mask.fill(1, r * 8, r * 8 + 8);
    t.action[r] = rng.int(8);
    t.logProb[r] = Math.log(1 / 8);
    t.temperature[r] = 1;
    t.reward[r] = rng.normal();
    t.elapsed[r] = 1;
    t.next[r] = -1;
  }
  return t;
}

export const ppoCases: BenchCase[] = [
  { name: 'ppo.update', run: defaultScenarioUpdate },
  { name: 'ppo.step', run: peerShapedSteps },
];
