import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { produce } from 'immer';
import { useBackend } from '../src/agents/backend.js';
import { LEARNED_POLICY, NetworkMap } from '../src/agents/network-map.js';
import { Actor } from '../src/agents/networks/actor.js';
import { makeEnv } from '../src/env/env-spec.js';
import { Rng } from '../src/env/rng.js';
import { RolloutWriter, runHeader } from '../src/recording/rollout-writer.js';
import { ParallelCollector } from '../src/rollout/parallel-collector.js';
import { loadScenario } from '../src/scenario/load.js';
import type { BenchCase, Figure } from './harness.js';

const COPIES = 64;
const DECISIONS_PER_RUN = 50_000;

/**
 * Rollout throughput on the default scenario with its scheduler learned: a
 * freshly initialized actor, 64 env copies split over one thread per core,
 * critic values included. Median of 5 collections after a warm-up.
 *
 * The same collection with every decision recorded (framed in the workers,
 * appended to a rollout file here, as `train --record` does) runs in the same
 * process, alternating with the plain one, so machine noise hits both alike
 * and their ratio is the cost of recording.
 */
async function rolloutFigures(): Promise<Figure[]> {
  await useBackend('wasm');
  const scenario = produce(loadScenario('scenarios/default.json'), (s) => {
    s.agents.scheduler.policy = 'learned';
  });
  const envSpec = { kind: 'cluster' as const, scenario };
  const env = makeEnv(envSpec);
  const networks = new NetworkMap(env.agents, env.stateSize, scenario.agents.networks, Rng.fromSeed(1));
  // Batch tables are refilled, as training has them.
  const plain = await ParallelCollector.start(networks, { envSpec, copies: COPIES, reuseBatches: true });
  const recorded = await ParallelCollector.start(networks, { envSpec, copies: COPIES, record: true, reuseBatches: true });
  // The same collection on one thread, alternating too: whether a second thread pays on this machine.
  const single = await ParallelCollector.start(networks, { envSpec, copies: COPIES, reuseBatches: true, threads: 1 });
  const file = join(mkdtempSync(join(tmpdir(), 'mappo-bench-')), 'rollout.msgpack');
  const writer = RolloutWriter.open(file, runHeader('train', envSpec, env, scenario.seed, LEARNED_POLICY));
  const rounds = Math.ceil(DECISIONS_PER_RUN / COPIES);
  let recordedDecisions = 0;
  const rate = async (collector: ParallelCollector): Promise<number> => {
    const start = performance.now();
    const batch = await collector.collect(rounds);
    if (batch.recording) {
      writer.appendFrames(batch.recording);
      recordedDecisions += batch.decisions;
    }
    return batch.decisions / ((performance.now() - start) / 1000);
  };
  await rate(plain);
  await rate(recorded);
  await rate(single);
  const plainRates: number[] = [];
  const recordedRates: number[] = [];
  const singleRates: number[] = [];
  for (let k = 0; k < 5; k++) {
    plainRates.push(await rate(plain));
    recordedRates.push(await rate(recorded));
    singleRates.push(await rate(single));
  }
  const bytesPerDecision = writer.bytesWritten() / recordedDecisions;
  writer.close();
  rmSync(file);
  const threads = plain.threads;
  await plain.close();
  await recorded.close();
  await single.close();
  networks.dispose();
  plainRates.sort((a, b) => a - b);
  recordedRates.sort((a, b) => a - b);
  singleRates.sort((a, b) => a - b);
  return [
    { name: 'rollout.decisionsPerSec', value: plainRates[2], unit: `decisions/s (median of 5, ${COPIES} copies, ${threads} threads)` },
    { name: 'rollout.decisionsPerSec.min', value: plainRates[0], unit: 'decisions/s' },
    { name: 'rollout.recorded.decisionsPerSec', value: recordedRates[2], unit: 'decisions/s (same, every decision recorded to a file)' },
    { name: 'rollout.recorded.slowdown', value: 1 - recordedRates[2] / plainRates[2], unit: 'fraction of throughput lost to recording (medians)' },
    { name: 'rollout.recorded.bytesPerDecision', value: bytesPerDecision, unit: 'bytes of rollout file per decision' },
    { name: 'rollout.oneThread.decisionsPerSec', value: singleRates[2], unit: 'decisions/s (the same on 1 thread, alternating with the others)' },
    { name: 'rollout.threadScaling', value: plainRates[2] / singleRates[2], unit: `${threads} threads over 1 (medians)` },
  ];
}

/** The actor of ../shared/peers/torch_ppo_step.py: 32-64-64-8, tanh. Median ms per call of Actor.act. */
async function actorFigures(): Promise<Figure[]> {
  await useBackend('wasm');
  const actor = new Actor(32, 8, { hidden: [64, 64], activation: 'tanh', layerNorm: false, gru: 0 }, Rng.fromSeed(1));
  const figures: Figure[] = [];
  for (const batch of [1, 64]) {
    const obs = Float32Array.from({ length: batch * 32 }, (_, i) => Math.sin(i));
    const mask = new Uint8Array(batch * 8).fill(1);
    const rngs = Array.from({ length: batch }, (_, i) => Rng.fromSeed(i));
    for (let i = 0; i < 300; i++) actor.act(obs, mask, batch, 1, rngs);
    const times: number[] = [];
    for (let r = 0; r < 7; r++) {
      const start = performance.now();
      for (let i = 0; i < 300; i++) actor.act(obs, mask, batch, 1, rngs);
      times.push((performance.now() - start) / 300);
    }
    times.sort((a, b) => a - b);
    figures.push({ name: `actor.forward.b${batch}.ms`, value: times[3], unit: 'ms (forward, masked sampling, readback; median of 7x300)' });
  }
  actor.dispose();
  return figures;
}

export const rolloutCases: BenchCase[] = [
  { name: 'rollout', run: rolloutFigures },
  { name: 'actor', run: actorFigures },
];
