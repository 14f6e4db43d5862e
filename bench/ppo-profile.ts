/**
 * `npm run bench:ppo-profile`: where a PPO minibatch step's time goes, op by
 * op, at the shapes of bench/ppo.ts's ppo.step (actor 32-64-64-8, critic
 * 32-64-64-1, tanh, Adam) and minibatches of 256 and 1,024. Prints the step's
 * median time, then every tfjs kernel it ran, by total time (tf.profile:
 * nested wrappers such as a custom gradient's `forward` also count the
 * kernels inside them). Figures, not pass/fail; docs/performance.md keeps them.
 */
import * as tf from '@tensorflow/tfjs-core';
import { useBackend } from '../src/agents/backend.js';
import { peerLearner } from './ppo.js';

const WARMUP = 20;
const TIMED = 30;

await useBackend('wasm');
for (const minibatch of [256, 1024]) {
  // One minibatch per update: an update is exactly one PPO step.
  const { learner, batch, dispose } = peerLearner(minibatch, 1);
  let update = 0;
  for (let i = 0; i < WARMUP; i++) learner.update(batch, ++update);
  const times: number[] = [];
  for (let i = 0; i < TIMED; i++) {
    const start = performance.now();
    learner.update(batch, ++update);
    times.push(performance.now() - start);
  }
  const median = times.sort((a, b) => a - b)[TIMED >> 1];
  const info = await tf.profile(() => void learner.update(batch, ++update));
  const byKernel = new Map<string, { count: number; ms: number }>();
  for (const k of info.kernels) {
    const e = byKernel.get(k.name) ?? { count: 0, ms: 0 };
    e.count++;
    e.ms += Number(k.kernelTimeMs);
    byKernel.set(k.name, e);
  }
  process.stdout.write(`minibatch ${minibatch}: step ${median.toFixed(2)} ms (median of ${TIMED}); ${info.kernels.length} kernels in the profiled step\n`);
  process.stdout.write(`  ${'kernel'.padEnd(22)} ${'count'.padStart(6)} ${'ms'.padStart(8)}\n`);
  for (const [name, e] of [...byKernel].sort((a, b) => b[1].ms - a[1].ms)) {
    process.stdout.write(`  ${name.padEnd(22)} ${String(e.count).padStart(6)} ${e.ms.toFixed(3).padStart(8)}\n`);
  }
  dispose();
}
