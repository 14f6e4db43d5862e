import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { useBackend } from '../../src/agents/backend.js';
import type { TrainerState } from '../../src/learners/trainer.js';
import { unpack } from '../../src/storage/msgpack.js';
import { runTraining, type TrainRunOptions } from '../../src/training/training-run.js';
import { tinyTraining } from '../fixtures/tiny-training.js';

const base = mkdtempSync(join(tmpdir(), 'mappo-exact-'));
/**
 * 4 updates of 4 copies x 16 decisions in minibatches of 8: 24 Adam steps by
 * update 2, where Adam's running bias-correction powers (beta^t, a float32
 * product) differ in the last bit from beta^t computed afresh, which is what a
 * resumed run used to do (not at every step count: at 8, 12 or 48 they agree).
 * Small networks keep it fast.
 */
const scenario = tinyTraining((s) => {
  s.learner.updates = 4;
  s.learner.rollout = { copies: 4, rounds: 16 };
  s.learner.minibatchSize = 8;
  s.agents.networks.actor.hidden = [16, 16];
  s.agents.networks.critic.hidden = [16, 16];
  s.training.validation.every = 4;
});
const options = (runDir: string, o: Partial<TrainRunOptions> = {}): TrainRunOptions => ({ scenario, runDir, resume: false, threads: 1, backend: 'cpu', ...o });
const straight = join(base, 'straight');

function stateAt(runDir: string, checkpoint = 'latest'): TrainerState {
  return unpack<{ state: TrainerState }>(readFileSync(join(runDir, 'checkpoints', checkpoint, 'state.msgpack'))).state;
}

/** The bytes of every float of a trainer state that training depends on: weights, Adam's step counts and moments. */
function bitsOf(state: TrainerState): Buffer {
  const parts = [state.weights, ...state.optimizer.flatMap((o) => o.weights.map((w) => w.values))];
  return Buffer.concat(parts.map((p) => Buffer.from(p.buffer, p.byteOffset, p.byteLength)));
}

class Killed extends Error {}

beforeAll(async () => {
  await useBackend('cpu');
});

describe('a resumed run ends bit for bit where an uninterrupted one ends', () => {
  it('the uninterrupted run: 4 updates, 24 Adam steps by update 2', async () => {
    const result = await runTraining(options(straight));
    expect(result.updates).toBe(4);
    expect(stateAt(straight, 'update-000002').optimizer.map((o) => o.weights[0].values[0])).toEqual([24, 24]);
  });

  it('stopped after update 2 as Ctrl-C stops it, resumed for 2 more (1 thread)', async () => {
    const runDir = join(base, 'ctrl-c');
    let updates = 0;
    await runTraining(options(runDir, { shouldStop: () => ++updates === 2 }));
    await runTraining(options(runDir, { resume: true }));
    expect(bitsOf(stateAt(runDir)).equals(bitsOf(stateAt(straight)))).toBe(true);
  });

  it('killed during update 3, resumed from the checkpoint of update 2 on 2 threads (the env copies restored in a worker)', async () => {
    const runDir = join(base, 'killed');
    await expect(
      runTraining(
        options(runDir, {
          onUpdate: (m) => {
            if (m.update === 3) throw new Killed();
          },
        }),
      ),
    ).rejects.toThrow(Killed);
    const result = await runTraining(options(runDir, { resume: true, threads: 2 }));
    expect(result.updates).toBe(4);
    expect(bitsOf(stateAt(runDir)).equals(bitsOf(stateAt(straight)))).toBe(true);
  });
});
